import type { DirectoryGroup, DirectoryUser } from '@scim/core';
import { generateScimToken, hashScimToken } from '../auth/tokens.js';
import type { ScimResourceType } from '../schema/extensions.js';
import { byId, type IndexedRecord, matchesStoreFilter } from './memory-query.js';
import type {
  ScimGroupRef,
  ScimIndexValues,
  ScimMemberRef,
  ScimMembersQuery,
  ScimStore,
  ScimStorePage,
  ScimStoreQuery,
  ScimTokenRecord,
  ScimWrite,
  ScimWriteResult,
  StoredScimResource,
} from './port.js';

interface MemoryRecord extends IndexedRecord {
  resource: StoredScimResource;
  index: ScimIndexValues;
}

/** What the engine would have been told, per organization: the last change of each user and group. */
export interface MemoryDirectoryState {
  users: Map<string, { user: DirectoryUser; deleted: boolean }>;
  groups: Map<string, { group: DirectoryGroup; deleted: boolean }>;
  /** Group id -> member user ids. */
  memberships: Map<string, Set<string>>;
}

export interface MemoryScimStore extends ScimStore {
  /** Issues a token for the organization and returns it (the store keeps only its hash). */
  issueToken(organizationId: string, options?: { expiresAt?: Date | null }): string;
  revokeToken(token: string): void;
  /** Every committed write, in commit order. */
  readonly writes: readonly ScimWrite[];
  /** The engine's view of one organization, built from the committed changes. */
  directory(organizationId: string): MemoryDirectoryState;
}

export interface MemoryScimStoreOptions {
  /** Called before a write commits; a throw fails the write with nothing stored (to test failures). */
  beforeWrite?: (write: ScimWrite) => void | Promise<void>;
}

const key = (...parts: string[]) => parts.join('\u0000');

function entry<K, V>(map: Map<K, V>, at: K, make: () => V): V {
  let value = map.get(at);
  if (value === undefined) {
    value = make();
    map.set(at, value);
  }
  return value;
}

/**
 * An in-memory `ScimStore`, for an app's tests and this package's own: the port's semantics (tenant scoping,
 * compare-and-set, case-insensitive `userName` uniqueness, membership deltas) without a database.
 */
export function memoryScimStore(options: MemoryScimStoreOptions = {}): MemoryScimStore {
  const tokens = new Map<string, ScimTokenRecord>();
  const records = new Map<string, MemoryRecord>();
  const byType = new Map<string, Map<string, MemoryRecord>>();
  const userNames = new Map<string, string>();
  const members = new Map<string, Set<string>>();
  const groupsOfUser = new Map<string, Set<string>>();
  const sortedMembers = new Map<string, string[]>();
  const writes: ScimWrite[] = [];
  const directories = new Map<string, MemoryDirectoryState>();

  const recordKey = (organizationId: string, type: ScimResourceType, id: string) => key(organizationId, type, id);
  const recordsOf = (organizationId: string, type: ScimResourceType) => [
    ...(byType.get(key(organizationId, type))?.values() ?? []),
  ];

  function put(organizationId: string, type: ScimResourceType, id: string, next: MemoryRecord | null) {
    const at = recordKey(organizationId, type, id);
    const previousName = records.get(at)?.index.userName ?? null;
    if (previousName !== null) userNames.delete(key(organizationId, previousName));
    const typed = entry(byType, key(organizationId, type), () => new Map<string, MemoryRecord>());
    if (next === null) {
      records.delete(at);
      typed.delete(id);
      return;
    }
    records.set(at, next);
    typed.set(id, next);
    if (type === 'User' && next.index.userName !== null) userNames.set(key(organizationId, next.index.userName), id);
  }

  function directoryOf(organizationId: string): MemoryDirectoryState {
    return entry(directories, organizationId, () => ({ users: new Map(), groups: new Map(), memberships: new Map() }));
  }

  function link(organizationId: string, groupId: string, userId: string, add: boolean) {
    const groupKey = key(organizationId, groupId);
    const userKey = key(organizationId, userId);
    const set = entry(members, groupKey, () => new Set<string>());
    const reverse = entry(groupsOfUser, userKey, () => new Set<string>());
    const engineSet = entry(directoryOf(organizationId).memberships, groupId, () => new Set<string>());
    if (add) {
      set.add(userId);
      reverse.add(groupId);
      engineSet.add(userId);
    } else {
      set.delete(userId);
      reverse.delete(groupId);
      engineSet.delete(userId);
    }
    sortedMembers.delete(groupKey);
  }

  function record(write: ScimWrite) {
    writes.push(write);
    const state = directoryOf(write.organizationId);
    const { change } = write;
    if (change.type.startsWith('user_')) {
      const user = (change as { user: DirectoryUser }).user;
      state.users.set(user.id, { user, deleted: change.type === 'user_deleted' });
    } else {
      const group = (change as { group: DirectoryGroup }).group;
      state.groups.set(group.id, { group, deleted: change.type === 'group_deleted' });
    }
  }

  function commit(write: ScimWrite): ScimWriteResult {
    const { organizationId, resourceType, id } = write;
    const at = recordKey(organizationId, resourceType, id);
    const existing = records.get(at);
    if ((existing?.resource.version ?? null) !== write.expectedVersion)
      return { ok: false, reason: 'version-conflict' };
    const userName = write.resource?.index.userName ?? null;
    if (resourceType === 'User' && userName !== null) {
      const holder = userNames.get(key(organizationId, userName));
      if (holder !== undefined && holder !== id) return { ok: false, reason: 'uniqueness' };
    }
    if (write.resource === null) {
      put(organizationId, resourceType, id, null);
      if (resourceType === 'Group') {
        for (const userId of [...(members.get(key(organizationId, id)) ?? [])]) link(organizationId, id, userId, false);
      } else {
        for (const groupId of [...(groupsOfUser.get(key(organizationId, id)) ?? [])]) {
          link(organizationId, groupId, id, false);
        }
      }
    } else {
      const resource: StoredScimResource = {
        organizationId,
        resourceType,
        id,
        attributes: structuredClone(write.resource.attributes),
        version: write.version,
        created: write.resource.created,
        lastModified: write.resource.lastModified,
      };
      put(organizationId, resourceType, id, {
        id,
        resource,
        index: write.resource.index,
        lastModified: resource.lastModified,
      });
    }
    if (write.members !== null && write.resource !== null) {
      for (const userId of write.members.remove) link(organizationId, id, userId, false);
      for (const userId of write.members.add) {
        if (records.has(recordKey(organizationId, 'User', userId))) link(organizationId, id, userId, true);
      }
    }
    record(write);
    return { ok: true };
  }

  const displayOf = (organizationId: string, type: ScimResourceType, id: string): string | null => {
    const attributes = records.get(recordKey(organizationId, type, id))?.resource.attributes;
    const display = attributes?.displayName ?? attributes?.userName;
    return typeof display === 'string' ? display : null;
  };

  return {
    async findToken(tokenHash) {
      return tokens.get(tokenHash) ?? null;
    },
    async get(organizationId, resourceType, id) {
      const found = records.get(recordKey(organizationId, resourceType, id));
      return found === undefined ? null : { ...found.resource, attributes: structuredClone(found.resource.attributes) };
    },
    async query(query: ScimStoreQuery): Promise<ScimStorePage> {
      const { filter } = query;
      const matched = recordsOf(query.organizationId, query.resourceType)
        .filter((r) => filter === null || matchesStoreFilter(filter, r))
        .sort(byId);
      const page = matched.slice(query.offset, query.offset + query.limit);
      return {
        total: matched.length,
        resources: page.map((r) => ({ ...r.resource, attributes: structuredClone(r.resource.attributes) })),
      };
    },
    async existingIds(organizationId, resourceType, ids) {
      return new Set(ids.filter((id) => records.has(recordKey(organizationId, resourceType, id))));
    },
    async listMembers(query: ScimMembersQuery): Promise<ScimMemberRef[]> {
      const groupKey = key(query.organizationId, query.groupId);
      let sorted = sortedMembers.get(groupKey);
      if (sorted === undefined) {
        sorted = [...(members.get(groupKey) ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        sortedMembers.set(groupKey, sorted);
      }
      let start = 0;
      if (query.after !== null) {
        const after = query.after;
        let low = 0;
        let high = sorted.length;
        while (low < high) {
          const middle = (low + high) >> 1;
          if (sorted[middle]! <= after) low = middle + 1;
          else high = middle;
        }
        start = low;
      }
      return sorted.slice(start, start + query.limit).map((value) => ({
        value,
        display: displayOf(query.organizationId, 'User', value),
      }));
    },
    async groupsOfUsers(organizationId, userIds) {
      const result = new Map<string, ScimGroupRef[]>();
      for (const userId of userIds) {
        const groups = [...(groupsOfUser.get(key(organizationId, userId)) ?? [])].sort();
        if (groups.length === 0) continue;
        result.set(
          userId,
          groups.map((value) => ({ value, display: displayOf(organizationId, 'Group', value) })),
        );
      }
      return result;
    },
    async write(write) {
      await options.beforeWrite?.(write);
      return commit(write);
    },
    issueToken(organizationId, tokenOptions = {}) {
      const token = generateScimToken();
      tokens.set(hashScimToken(token), { organizationId, expiresAt: tokenOptions.expiresAt ?? null });
      return token;
    },
    revokeToken(token) {
      tokens.delete(hashScimToken(token));
    },
    writes,
    directory: directoryOf,
  };
}
