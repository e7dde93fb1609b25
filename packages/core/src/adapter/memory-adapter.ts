import type { ScimAdapter, ScimStore } from './contract.js';
import { copyState, MemoryData, type MemoryUser, rollback, type UndoStep } from './memory-data.js';
import { MemoryStore } from './memory-store.js';
import type { EntityKind, EntityState, InboxRecord, StoredDirectory, StoredGroup, SyncState } from './records.js';

export type { MemoryUser } from './memory-data.js';

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
  /** The app user a directory user is linked to (service mode's identity link). */
  link(organizationId: string, directoryUserId: string): string | null;
  /**
   * A row `insertUnlinkedUser` made, by its id: still unlinked (`organizationId` and `userId` null), or the
   * row of the directory user that adopted it; null once deleted.
   */
  appRow(rowId: string): { organizationId: string | null; userId: string | null; user: MemoryUser } | null;
}

/**
 * The memory adapter's transaction, as the app's own functions see it (`ctx.tx`): an app that keeps its
 * users in memory too registers how to undo each write, and a rolled-back transaction undoes them.
 */
export interface MemoryTransaction {
  onRollback(undo: () => void): void;
}

export interface MemoryAdapter extends ScimAdapter<MemoryTransaction> {
  readonly inspect: MemoryAdapterInspector;
  /**
   * A row of the "app's users table" that no directory user is linked to (a user who signed up before
   * their company turned directory sync on): what table-mode account linking may adopt. Resolves its id.
   */
  insertUnlinkedUser(user: { email: string; active?: boolean; displayName?: string | null }): string;
}

export interface MemoryAdapterOptions {
  /**
   * `false` stands for an app whose own service functions write its users (the engine's `users`): the
   * adapter then keeps no users table of its own. Default `true`.
   */
  userTable?: boolean;
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
export function memoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  const data = new MemoryData();
  let unlinkedRows = 0;
  data.userTable = options.userTable ?? true;
  const mutex = new Mutex();

  const transaction = <T>(fn: (store: ScimStore, tx: MemoryTransaction) => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      const undo: UndoStep[] = [];
      const undoApp: (() => void)[] = [];
      try {
        return await fn(new MemoryStore(data, undo), { onRollback: (step) => void undoApp.push(step) });
      } catch (error) {
        for (let i = undoApp.length - 1; i >= 0; i--) undoApp[i]!();
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
    link: (organizationId, directoryUserId) => data.peek(organizationId).links.get(directoryUserId) ?? null,
    appRow: (rowId) => {
      const unlinked = data.unlinkedUsers.get(rowId);
      if (unlinked !== undefined) return { organizationId: null, userId: null, user: copyUser(unlinked) };
      const adopted = data.adoptedRows.get(rowId);
      const user = adopted === undefined ? undefined : data.peek(adopted.organizationId).users.get(adopted.userId);
      return adopted === undefined || user === undefined ? null : { ...adopted, user: copyUser(user) };
    },
  };

  return {
    name: 'memory',
    capabilities: {
      transactions: true,
      batchWrites: true,
      maxBatchSize: 10_000,
      userTable: data.userTable,
      linkByEmail: data.userTable,
      scimResources: true,
    },
    transaction,
    inspect,
    insertUnlinkedUser: (user) => {
      const id = `app_user_${++unlinkedRows}`;
      data.unlinkedUsers.set(id, {
        id,
        organizationId: '',
        email: user.email,
        displayName: user.displayName ?? null,
        active: user.active ?? true,
        roles: [],
        version: 0n,
      });
      return id;
    },
    claimEvents: auto((s) => s.claimEvents),
    listEvents: auto((s) => s.listEvents),
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
    getLeases: auto((s) => s.getLeases!),
    listSyncStates: auto((s) => s.listSyncStates),
    getLinks: auto((s) => s.getLinks),
    getLinksToAppUsers: auto((s) => s.getLinksToAppUsers),
    saveLinks: auto((s) => s.saveLinks),
    deleteLinks: auto((s) => s.deleteLinks),
    linkUsersByEmail: auto((s) => s.linkUsersByEmail),
    getResource: auto((s) => s.getResource!),
    queryResources: auto((s) => s.queryResources!),
    existingResources: auto((s) => s.existingResources!),
    putResource: auto((s) => s.putResource!),
    addMemberships: auto((s) => s.addMemberships!),
    removeMemberships: auto((s) => s.removeMemberships!),
    listGroupMembers: auto((s) => s.listGroupMembers!),
    findToken: auto((s) => s.findToken!),
    saveToken: auto((s) => s.saveToken!),
    listTokens: auto((s) => s.listTokens!),
    expireTokens: auto((s) => s.expireTokens!),
  };
}
