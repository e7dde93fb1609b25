import type { ApiDirectoryGroup, ApiDirectoryUser, ApiTimestamp, DirectoryApiClient } from '@scim/core';
import { randomToken } from './ids.js';
import type { RawUserData } from './scalekit-events.js';

/** Scalekit's limits on `pageSize` (the SDK's doc comments): 100 users, 30 groups a page. */
export const MAX_USER_PAGE_SIZE = 100;
export const MAX_GROUP_PAGE_SIZE = 30;
const DEFAULT_PAGE_SIZE = 10;

const NS_PER_MS = 1_000_000n;
const DEFAULT_START = BigInt(Date.UTC(2025, 5, 2, 8, 0, 0)) * NS_PER_MS;
const STEP = NS_PER_MS + 1n;

// gRPC status codes, as the SDK's ConnectError carries them in `code`.
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;

export type DirectoryMethod = 'listDirectories' | 'listDirectoryUsers' | 'listDirectoryGroups';

/** One call the client answered (or refused), as it was made. */
export interface DirectoryCall {
  method: DirectoryMethod;
  organizationId: string;
  directoryId?: string;
  pageSize?: number;
  pageToken?: string;
  updatedAfter?: string;
  includeDetail?: boolean;
  directoryGroupId?: string;
  /** Which page of its listing the call asks for: 1 without a page token, then 2, 3... */
  page: number;
}

export interface MemoryDirectoryOptions {
  organizationId: string;
  /** A fresh `dir_...` by default. */
  directoryId?: string;
  /** Where the clock starts, in nanoseconds since the epoch. Default 2025-06-02T08:00:00Z, as `scalekitEvents`. */
  start?: bigint;
}

export interface MemoryDirectory {
  readonly organizationId: string;
  readonly directoryId: string;
  /** A Directory API over this directory: pass it to `createScimEngine` as `scalekit`. */
  readonly client: DirectoryApiClient;
  /** Every call made to `client`, in order. */
  readonly calls: DirectoryCall[];
  /** The time (ns) the next change is stamped with: each change moves it on by 1 ms + 1 ns. */
  now(): bigint;
  /** Moves the clock forward by `ns`. */
  advance(ns: bigint): void;
  /**
   * Adds or replaces a user, given as a webhook's user data (`scalekitEvents().user(...)`), stamped
   * with the clock. `groups` name groups put before; `active: false` lists the user as inactive.
   */
  putUser(user: RawUserData): void;
  /** The directory stops listing the user. */
  removeUser(id: string): void;
  /** Adds or renames a group, stamped with the clock. */
  putGroup(group: { id: string; displayName: string }): void;
  /** The directory stops listing the group; its members no longer list it either. */
  removeGroup(id: string): void;
  /** The calls `match` accepts fail with `error` (a non-retryable one by default) until `heal()`. */
  failWhen(match: (call: DirectoryCall) => boolean, error?: unknown): void;
  heal(): void;
}

interface Entry<T> {
  /** Insertion order: the listing order, and what a page token points after. */
  seq: number;
  version: bigint;
  value: T;
}

interface PageToken {
  kind: 'users' | 'groups';
  after: number;
  page: number;
}

function apiError(message: string, code: number): Error {
  return Object.assign(new Error(message), { code });
}

function timestamp(ns: bigint): ApiTimestamp {
  return { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) };
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, kind: PageToken['kind']): PageToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken>;
    if (token.kind === kind && Number.isInteger(token.after) && Number.isInteger(token.page)) return token as PageToken;
  } catch {
    // Falls through to the error: a token this directory did not issue.
  }
  throw apiError('invalid page_token', INVALID_ARGUMENT);
}

function pageSizeOf(requested: number | undefined, max: number): number {
  const size = requested ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > max) {
    throw apiError(`page_size must be between 1 and ${max}`, INVALID_ARGUMENT);
  }
  return size === 0 ? DEFAULT_PAGE_SIZE : size;
}

/** `updatedAfter` as nanoseconds; the Directory API takes RFC 3339 text. */
function updatedAfterNs(text: string | undefined): bigint | null {
  if (text === undefined || text === '') return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw apiError('invalid updated_after', INVALID_ARGUMENT);
  return BigInt(ms) * NS_PER_MS;
}

/**
 * A directory held in memory behind the Directory API calls the sync makes, with Scalekit's rules:
 * pages of at most 100 users and 30 groups, opaque page tokens, `updatedAfter` filters on each
 * record's `updatedAt` (a protobuf-like `{ seconds, nanos }`). No network: any adapter's suite can
 * run syncs over it.
 */
export function memoryDirectory(options: MemoryDirectoryOptions): MemoryDirectory {
  const { organizationId } = options;
  const directoryId = options.directoryId ?? `dir_${randomToken(18)}`;
  const users = new Map<string, Entry<RawUserData>>();
  const groups = new Map<string, Entry<{ id: string; displayName: string }>>();
  const calls: DirectoryCall[] = [];
  let clock = options.start ?? DEFAULT_START;
  let seq = 0;
  let fault: { match: (call: DirectoryCall) => boolean; error: unknown } | null = null;

  const stamp = (): bigint => {
    const value = clock;
    clock += STEP;
    return value;
  };

  const admit = (call: DirectoryCall): void => {
    calls.push(call);
    if (fault?.match(call)) throw fault.error;
    if (call.organizationId !== organizationId) throw apiError('organization not found', NOT_FOUND);
    if (call.directoryId !== undefined && call.directoryId !== directoryId) {
      throw apiError('directory not found', NOT_FOUND);
    }
  };

  function page<T>(
    kind: PageToken['kind'],
    entries: Iterable<Entry<T>>,
    opts: { pageToken?: string; updatedAfter?: string },
    size: number,
  ) {
    const since = updatedAfterNs(opts.updatedAfter);
    const token = opts.pageToken ? decodeToken(opts.pageToken, kind) : { kind, after: -1, page: 0 };
    const matching = [...entries].filter((e) => since === null || e.version > since).sort((a, b) => a.seq - b.seq);
    const rest = matching.filter((e) => e.seq > token.after);
    const items = rest.slice(0, size);
    const last = items[items.length - 1];
    const next =
      rest.length > size && last !== undefined ? encodeToken({ kind, after: last.seq, page: token.page + 1 }) : '';
    return { items, next, totalSize: matching.length };
  }

  /** The page a call asks for; 0 for a token this directory did not issue (the call then fails). */
  const pageNumber = (kind: PageToken['kind'], pageToken: string | undefined): number => {
    if (!pageToken) return 1;
    try {
      return decodeToken(pageToken, kind).page + 1;
    } catch {
      return 0;
    }
  };

  const groupRef = (id: string): ApiDirectoryGroup | null => {
    const entry = groups.get(id);
    return entry === undefined
      ? null
      : { id, displayName: entry.value.displayName, updatedAt: timestamp(entry.version) };
  };

  const apiUser = (entry: Entry<RawUserData>, detail: boolean): ApiDirectoryUser => {
    const { groups: refs, roles: _roles, ...data } = entry.value;
    const email = data.email ?? '';
    return {
      id: data.id,
      email,
      preferredUsername: data.preferred_username ?? '',
      givenName: data.given_name ?? '',
      familyName: data.family_name ?? '',
      updatedAt: timestamp(entry.version),
      emails: data.emails ?? (email === '' ? [] : [email]),
      groups: (refs ?? []).map((ref) => groupRef(ref.id)).filter((g): g is ApiDirectoryGroup => g !== null),
      ...(detail ? { userDetail: { ...data } } : {}),
    };
  };

  const client: DirectoryApiClient = {
    directory: {
      async listDirectories(org) {
        admit({ method: 'listDirectories', organizationId: org, page: 1 });
        return { directories: [{ id: directoryId, organizationId, enabled: true }] };
      },
      async listDirectoryUsers(org, dir, opts = {}) {
        admit({
          method: 'listDirectoryUsers',
          organizationId: org,
          directoryId: dir,
          ...opts,
          page: pageNumber('users', opts.pageToken),
        });
        const size = pageSizeOf(opts.pageSize, MAX_USER_PAGE_SIZE);
        const members = opts.directoryGroupId
          ? [...users.values()].filter((e) => e.value.groups?.some((g) => g.id === opts.directoryGroupId) === true)
          : users.values();
        const { items, next, totalSize } = page('users', members, opts, size);
        return {
          users: items.map((e) => apiUser(e, opts.includeDetail === true)),
          totalSize,
          nextPageToken: next,
        };
      },
      async listDirectoryGroups(org, dir, opts = {}) {
        admit({
          method: 'listDirectoryGroups',
          organizationId: org,
          directoryId: dir,
          ...opts,
          page: pageNumber('groups', opts.pageToken),
        });
        const size = pageSizeOf(opts.pageSize, MAX_GROUP_PAGE_SIZE);
        const { items, next, totalSize } = page('groups', groups.values(), opts, size);
        return { groups: items.map((e) => groupRef(e.value.id)!), totalSize, nextPageToken: next };
      },
    },
  };

  return {
    organizationId,
    directoryId,
    client,
    calls,
    now: () => clock,
    advance(ns) {
      clock += ns;
    },
    putUser(user) {
      for (const ref of user.groups ?? []) {
        if (!groups.has(ref.id)) throw new Error(`memoryDirectory: put group ${ref.id} before a user that names it`);
      }
      const previous = users.get(user.id);
      users.set(user.id, { seq: previous?.seq ?? seq++, version: stamp(), value: structuredClone(user) });
    },
    removeUser(id) {
      users.delete(id);
    },
    putGroup(group) {
      const previous = groups.get(group.id);
      groups.set(group.id, { seq: previous?.seq ?? seq++, version: stamp(), value: { ...group } });
    },
    removeGroup(id) {
      groups.delete(id);
    },
    failWhen(match, error = apiError('injected Directory API failure', INVALID_ARGUMENT)) {
      fault = { match, error };
    },
    heal() {
      fault = null;
    },
  };
}
