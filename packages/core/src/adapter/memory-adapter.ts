import type { DirectoryGroupRef } from '../events/types.js';
import type {
  DirectoryWrite,
  EntityAdvance,
  EntityKind,
  EntityState,
  GroupWrite,
  InboxRecord,
  InboxUpdate,
  LeaseRequest,
  ListPage,
  Membership,
  ScimAdapter,
  ScimStore,
  StoredDirectory,
  StoredGroup,
  SyncState,
  UserPatch,
  UserWrite,
} from './contract.js';

/**
 * A user as the memory adapter keeps it: the directory fields merged over time, plus roles. Its
 * groups are kept once, as memberships (`inspect.groupIdsOfUser`), not on the user.
 */
export interface MemoryUser extends Omit<UserWrite, 'roles' | 'groups'> {
  roles: string[];
}

interface Lease {
  owner: string;
  expiresAt: number;
}

/** Read-only views of the memory adapter's state, for tests and for the conformance suite. */
export interface MemoryAdapterInspector {
  user(organizationId: string, id: string): MemoryUser | null;
  users(organizationId?: string): MemoryUser[];
  entity(organizationId: string, kind: EntityKind, id: string): EntityState | null;
  inbox(id: string): InboxRecord | null;
  inboxSize(): number;
  group(organizationId: string, id: string): StoredGroup | null;
  groupIdsOfUser(organizationId: string, userId: string): string[];
  userIdsOfGroup(organizationId: string, groupId: string): string[];
  directory(organizationId: string, id: string): StoredDirectory | null;
  syncState(organizationId: string, directoryId: string): SyncState | null;
}

export interface MemoryAdapter extends ScimAdapter {
  readonly inspect: MemoryAdapterInspector;
}

/** One step of a transaction's undo log: a map entry to put back (`had` false: delete it). */
interface UndoStep {
  map: Map<string, unknown>;
  key: string;
  had: boolean;
  previous: unknown;
}

function rollback(steps: UndoStep[]): void {
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (step.had) step.map.set(step.key, step.previous);
    else step.map.delete(step.key);
  }
}

/** Everything of one organization, keyed by plain ids. */
class OrgData {
  readonly users = new Map<string, MemoryUser>();
  readonly entities: Record<EntityKind, Map<string, EntityState>> = {
    user: new Map(),
    group: new Map(),
    directory: new Map(),
  };
  /**
   * Ids of each kind in order, built on the first listing after a new id arrived. It may name an id
   * whose insertion was rolled back; listings skip ids the map no longer holds.
   */
  readonly sortedIds: Record<EntityKind, string[] | null> = { user: null, group: null, directory: null };
  readonly groups = new Map<string, StoredGroup>();
  /**
   * user -> group ids. Each entry is a small array replaced whole, never changed in place. There is
   * no reverse index: per-group member sets cost more to keep up during a large sync (hash tables
   * growing to 100,000 entries) than scanning the users costs on the rare group deletion.
   */
  readonly groupsOfUser = new Map<string, readonly string[]>();
  readonly directories = new Map<string, StoredDirectory>();
  readonly syncStates = new Map<string, SyncState>();
}

const EMPTY_ORG = new OrgData();

/** Shared by every empty list the store keeps; it never hands it out (reads copy). */
const NO_STRINGS: readonly string[] = Object.freeze([]);

class MemoryData {
  readonly inbox = new Map<string, InboxRecord>();
  readonly leases = new Map<string, Lease>();
  readonly orgs = new Map<string, OrgData>();

  /** The organization's data for a write, created on first use (an empty one needs no undoing). */
  org(organizationId: string): OrgData {
    let org = this.orgs.get(organizationId);
    if (org === undefined) {
      org = new OrgData();
      this.orgs.set(organizationId, org);
    }
    return org;
  }

  /** The organization's data for a read; never creates one. */
  peek(organizationId: string): OrgData {
    return this.orgs.get(organizationId) ?? EMPTY_ORG;
  }
}

function copyState(state: EntityState): EntityState {
  return {
    ...state,
    directoryRoles: state.directoryRoles === null ? null : [...state.directoryRoles],
    updatedAt: new Date(state.updatedAt.getTime()),
  };
}

/**
 * A store view that records how to undo each write, so that a failed transaction leaves nothing.
 * Values are copied on the way in and out: callers never hold a reference into the store.
 */
class MemoryStore implements ScimStore {
  constructor(
    private readonly data: MemoryData,
    private readonly undo: UndoStep[],
  ) {}

  private set<V>(map: Map<string, V>, k: string, value: V | undefined): void {
    const previous = map.get(k);
    this.undo.push({
      map: map as Map<string, unknown>,
      key: k,
      had: previous !== undefined || map.has(k),
      previous,
    });
    if (value === undefined) map.delete(k);
    else map.set(k, value);
  }

  async claimEvents(records: readonly InboxRecord[]): Promise<string[]> {
    const claimed: string[] = [];
    for (const record of records) {
      if (this.data.inbox.has(record.id)) continue;
      this.set(this.data.inbox, record.id, { ...record });
      claimed.push(record.id);
    }
    return claimed;
  }

  async finishEvents(entries: readonly InboxUpdate[]): Promise<void> {
    for (const { id, status } of entries) {
      const record = this.data.inbox.get(id);
      if (record !== undefined) this.set(this.data.inbox, id, { ...record, status });
    }
  }

  async getEvent(id: string): Promise<InboxRecord | null> {
    const record = this.data.inbox.get(id);
    return record === undefined ? null : { ...record };
  }

  async pruneEvents(before: Date): Promise<number> {
    let count = 0;
    for (const [id, record] of this.data.inbox) {
      if (record.receivedAt.getTime() < before.getTime()) {
        this.set(this.data.inbox, id, undefined);
        count++;
      }
    }
    return count;
  }

  async getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]> {
    const out: EntityState[] = [];
    for (const id of new Set(ids)) {
      const state = this.data.peek(organizationId).entities[kind].get(id);
      if (state !== undefined) out.push(copyState(state));
    }
    return out;
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    const written: string[] = [];
    // One Date for the whole call: records are copied on the way out, so none escapes to be changed.
    const now = new Date();
    for (const item of items) {
      const k = item.id;
      const org = this.data.org(organizationId);
      const entities = org.entities[kind];
      const stored = entities.get(k);
      const newer =
        stored === undefined ||
        stored.version < item.version ||
        (stored.version === item.version && item.eventId !== null && stored.eventId === item.eventId);
      if (!newer) continue;
      if (stored === undefined) org.sortedIds[kind] = null;
      this.set(entities, k, {
        organizationId,
        kind,
        id: item.id,
        version: item.version,
        deleted: item.deleted,
        active: item.active,
        fingerprint: item.fingerprint,
        directoryRoles: item.directoryRoles === null ? null : [...item.directoryRoles],
        eventId: item.eventId,
        updatedAt: now,
      });
      written.push(item.id);
    }
    // An id given twice may be written twice; the answer names it once.
    return [...new Set(written)];
  }

  async listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> {
    const org = this.data.peek(organizationId);
    const entities = org.entities[kind];
    let ids = org.sortedIds[kind];
    if (ids === null) {
      ids = [...entities.keys()].sort();
      if (org !== EMPTY_ORG) org.sortedIds[kind] = ids;
    }
    // The first id after `after`, by binary search.
    let low = 0;
    let high = ids.length;
    if (page.after !== undefined) {
      const after = page.after;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (ids[mid]! <= after) low = mid + 1;
        else high = mid;
      }
    }
    const out: EntityState[] = [];
    for (let i = low; i < ids.length && out.length < page.limit; i++) {
      const state = entities.get(ids[i]!);
      if (state !== undefined) out.push(copyState(state));
    }
    return out;
  }

  async upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    for (const user of users) {
      const k = user.id;
      const users = this.data.org(organizationId).users;
      const existing = users.get(k);
      const merged = (existing === undefined ? { roles: NO_STRINGS } : { ...existing }) as unknown as Record<
        string,
        unknown
      >;
      const fields = user as unknown as Record<string, unknown>;
      for (const field in fields) {
        const value = fields[field];
        // Groups are kept as memberships, not a second time on the user.
        if (value !== undefined && field !== 'groups') merged[field] = value;
      }
      merged.organizationId = organizationId;
      if (user.roles !== undefined) merged.roles = user.roles.length === 0 ? NO_STRINGS : [...user.roles];
      if (user.emails !== undefined) merged.emails = [...user.emails];
      this.set(users, k, merged as unknown as MemoryUser);
    }
  }

  async patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    for (const patch of patches) {
      const k = patch.id;
      const users = this.data.peek(organizationId).users;
      const existing = users.get(k);
      if (existing === undefined) continue;
      const next: MemoryUser = { ...existing };
      if (patch.active !== undefined) next.active = patch.active;
      if (patch.roles !== undefined) next.roles = [...patch.roles];
      this.set(users, k, next);
    }
  }

  async deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const users = this.data.peek(organizationId).users;
      if (users.has(id)) this.set(users, id, undefined);
    }
  }

  async upsertGroups(organizationId: string, groups: readonly GroupWrite[]): Promise<void> {
    for (const group of groups) {
      const groups = this.data.org(organizationId).groups;
      const existing = groups.get(group.id);
      this.set(groups, group.id, {
        organizationId,
        id: group.id,
        directoryId: group.directoryId !== undefined ? group.directoryId : (existing?.directoryId ?? null),
        displayName: group.displayName !== undefined ? group.displayName : (existing?.displayName ?? null),
        externalId: group.externalId !== undefined ? group.externalId : (existing?.externalId ?? null),
      });
    }
  }

  async ensureGroups(organizationId: string, groups: readonly DirectoryGroupRef[]): Promise<void> {
    for (const group of groups) {
      const stored = this.data.org(organizationId).groups;
      if (stored.has(group.id)) continue;
      this.set(stored, group.id, {
        organizationId,
        id: group.id,
        directoryId: null,
        displayName: group.displayName ?? null,
        externalId: null,
      });
    }
  }

  async deleteGroups(organizationId: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const groups = this.data.peek(organizationId).groups;
      if (groups.has(id)) this.set(groups, id, undefined);
    }
  }

  async getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    const out: StoredGroup[] = [];
    for (const id of new Set(ids)) {
      const group = this.data.peek(organizationId).groups.get(id);
      if (group !== undefined) out.push({ ...group });
    }
    return out;
  }

  /** Sets a user's groups. */
  private setGroupsOfUser(org: OrgData, userId: string, next: readonly string[]): void {
    this.set(org.groupsOfUser, userId, next.length === 0 ? undefined : next);
  }

  async replaceMemberships(
    organizationId: string,
    entries: readonly { userId: string; groupIds: readonly string[] }[],
  ): Promise<void> {
    const org = this.data.org(organizationId);
    for (const { userId, groupIds } of entries) {
      const next: string[] = [];
      for (const g of groupIds) {
        // The group's own id string: each page of users decodes copies of it, and 100,000 users in a
        // few groups would otherwise keep half a million of them.
        if (!next.includes(g)) next.push(org.groups.get(g)?.id ?? g);
      }
      this.setGroupsOfUser(org, userId, next.length === 0 ? NO_STRINGS : [...next]);
    }
  }

  async removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    const org = this.data.peek(organizationId);
    const removed: Membership[] = [];
    for (const [userId, groups] of [...org.groupsOfUser]) {
      if (!groups.some((g) => groupIds.includes(g))) continue;
      for (const groupId of groups) if (groupIds.includes(groupId)) removed.push({ organizationId, userId, groupId });
      this.setGroupsOfUser(
        org,
        userId,
        groups.filter((g) => !groupIds.includes(g)),
      );
    }
    return removed;
  }

  async listMemberships(
    organizationId: string,
    filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
  ): Promise<Membership[]> {
    const org = this.data.peek(organizationId);
    const out: Membership[] = [];
    if ('userIds' in filter) {
      for (const userId of new Set(filter.userIds)) {
        for (const groupId of org.groupsOfUser.get(userId) ?? []) out.push({ organizationId, userId, groupId });
      }
    } else {
      for (const [userId, groups] of org.groupsOfUser) {
        for (const groupId of groups)
          if (filter.groupIds.includes(groupId)) out.push({ organizationId, userId, groupId });
      }
    }
    return out;
  }

  async upsertDirectory(organizationId: string, directory: DirectoryWrite): Promise<void> {
    const directories = this.data.org(organizationId).directories;
    const existing = directories.get(directory.id);
    this.set(directories, directory.id, {
      organizationId,
      id: directory.id,
      enabled: directory.enabled,
      provider: directory.provider !== undefined ? directory.provider : (existing?.provider ?? null),
      directoryType:
        directory.directoryType !== undefined ? directory.directoryType : (existing?.directoryType ?? null),
      status: directory.status !== undefined ? directory.status : (existing?.status ?? null),
    });
  }

  async getDirectory(organizationId: string, id: string): Promise<StoredDirectory | null> {
    const directory = this.data.peek(organizationId).directories.get(id);
    return directory === undefined ? null : { ...directory };
  }

  async getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null> {
    const state = this.data.peek(organizationId).syncStates.get(directoryId);
    return state === undefined ? null : { ...state };
  }

  async saveSyncState(state: SyncState): Promise<void> {
    this.set(this.data.org(state.organizationId).syncStates, state.directoryId, { ...state });
  }

  async acquireLease(request: LeaseRequest): Promise<boolean> {
    const now = request.now.getTime();
    const held = this.data.leases.get(request.name);
    if (held !== undefined && held.owner !== request.owner && held.expiresAt > now) return false;
    this.set(this.data.leases, request.name, { owner: request.owner, expiresAt: now + request.ttlMs });
    return true;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.data.leases.get(name)?.owner === owner) this.set(this.data.leases, name, undefined);
  }
}

/**
 * A simple async mutex: transactions run one at a time, which makes them serializable. Calls
 * made outside a transaction are each a transaction of their own.
 */
class Mutex {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.busy = false;
      else next();
    }
  }
}

/**
 * The reference adapter: everything in process memory, with real transactions (serialized, undone
 * on failure). For tests, demos and as the model other adapters are checked against.
 */
export function memoryAdapter(): MemoryAdapter {
  const data = new MemoryData();
  const mutex = new Mutex();

  const transaction = <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      const undo: UndoStep[] = [];
      try {
        return await fn(new MemoryStore(data, undo));
      } catch (error) {
        rollback(undo);
        throw error;
      }
    });

  const auto =
    <A extends unknown[], R>(pick: (store: ScimStore) => (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      transaction((store) => pick(store).apply(store, args));

  const copyUser = (user: MemoryUser): MemoryUser => ({
    ...user,
    roles: [...user.roles],
    ...(user.emails === undefined ? {} : { emails: [...user.emails] }),
  });

  const inspect: MemoryAdapterInspector = {
    user: (organizationId, id) => {
      const user = data.peek(organizationId).users.get(id);
      return user === undefined ? null : copyUser(user);
    },
    users: (organizationId) =>
      (organizationId === undefined ? [...data.orgs.values()] : [data.peek(organizationId)])
        .flatMap((org) => [...org.users.values()])
        .map(copyUser),
    entity: (organizationId, kind, id) => {
      const state = data.peek(organizationId).entities[kind].get(id);
      return state === undefined ? null : copyState(state);
    },
    inbox: (id) => {
      const record = data.inbox.get(id);
      return record === undefined ? null : { ...record };
    },
    inboxSize: () => data.inbox.size,
    group: (organizationId, id) => {
      const group = data.peek(organizationId).groups.get(id);
      return group === undefined ? null : { ...group };
    },
    groupIdsOfUser: (organizationId, userId) => [...(data.peek(organizationId).groupsOfUser.get(userId) ?? [])].sort(),
    userIdsOfGroup: (organizationId, groupId) =>
      [...data.peek(organizationId).groupsOfUser]
        .filter(([, groups]) => groups.includes(groupId))
        .map(([userId]) => userId)
        .sort(),
    directory: (organizationId, id) => {
      const directory = data.peek(organizationId).directories.get(id);
      return directory === undefined ? null : { ...directory };
    },
    syncState: (organizationId, directoryId) => {
      const state = data.peek(organizationId).syncStates.get(directoryId);
      return state === undefined ? null : { ...state };
    },
  };

  return {
    name: 'memory',
    capabilities: { transactions: true, batchWrites: true, maxBatchSize: 10_000 },
    transaction,
    inspect,
    claimEvents: auto((s) => s.claimEvents),
    finishEvents: auto((s) => s.finishEvents),
    getEvent: auto((s) => s.getEvent),
    pruneEvents: auto((s) => s.pruneEvents),
    getEntities: auto((s) => s.getEntities),
    advanceEntities: auto((s) => s.advanceEntities),
    listEntities: auto((s) => s.listEntities),
    upsertUsers: auto((s) => s.upsertUsers),
    patchUsers: auto((s) => s.patchUsers),
    deleteUsers: auto((s) => s.deleteUsers),
    upsertGroups: auto((s) => s.upsertGroups),
    ensureGroups: auto((s) => s.ensureGroups),
    deleteGroups: auto((s) => s.deleteGroups),
    getGroups: auto((s) => s.getGroups),
    replaceMemberships: auto((s) => s.replaceMemberships),
    removeGroupMemberships: auto((s) => s.removeGroupMemberships),
    listMemberships: auto((s) => s.listMemberships),
    upsertDirectory: auto((s) => s.upsertDirectory),
    getDirectory: auto((s) => s.getDirectory),
    getSyncState: auto((s) => s.getSyncState),
    saveSyncState: auto((s) => s.saveSyncState),
    acquireLease: auto((s) => s.acquireLease),
    releaseLease: auto((s) => s.releaseLease),
  };
}
