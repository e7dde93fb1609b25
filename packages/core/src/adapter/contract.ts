import type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';

/**
 * The storage-adapter contract.
 *
 * The core decides, the adapter persists. Every method is required; what an adapter can or cannot
 * guarantee is declared in `capabilities`. Methods that take several items are called with one item
 * by the webhook path and with whole pages by the sync engine; an adapter with `batchWrites` does
 * each call in a constant number of round trips.
 *
 * Keys: everything is scoped by `organizationId`. The same user, group or directory id in two
 * organizations are two unrelated records.
 *
 * Repeated ids: a multi-item call may name one id more than once. Its items then apply as if one
 * after the other, in the order given: for upserts and patches the last write wins, field by field;
 * `advanceEntities` checks each item against the record as the earlier items left it; `claimEvents`
 * and `ensureGroups` insert only what is missing, so the first item wins. An answer names an id (or
 * a membership) once; a deletion or a read takes a repeated id as one.
 */

export type EntityKind = 'user' | 'group' | 'directory';

/**
 * The version record of one user, group or directory: the gate that keeps a late or repeated
 * change from undoing a newer one. It lives in the SDK's bookkeeping store, not in the app's tables.
 */
export interface EntityState {
  organizationId: string;
  kind: EntityKind;
  id: string;
  /** Version of the last applied change, in nanoseconds since the epoch. */
  version: bigint;
  /** A tombstone: the entity was deleted at `version`. */
  deleted: boolean;
  /** Users: whether the user is active in the app after the last applied change. */
  active: boolean;
  /** A digest of the directory fields last applied, so a sync can tell unchanged users apart. */
  fingerprint: string | null;
  /**
   * Users: the roles the directory itself last assigned (`roles[].role_name`), kept apart from mapped
   * roles so that a later event without `roles` can still compute the full set. Null when never given.
   */
  directoryRoles: string[] | null;
  /** The event that last advanced the record (null for a sync). */
  eventId: string | null;
  updatedAt: Date;
}

/** One conditional version write. */
export interface EntityAdvance {
  id: string;
  version: bigint;
  deleted: boolean;
  active: boolean;
  fingerprint: string | null;
  directoryRoles: string[] | null;
  eventId: string | null;
}

export type InboxStatus = 'pending' | 'applied' | 'stale' | 'ignored' | 'unknown_type';

/** One delivered event in the inbox. */
export interface InboxRecord {
  /** The event id (`evt_...`), unique across the store. */
  id: string;
  organizationId: string;
  /** The event type as sent (also for unknown types). */
  type: string;
  /** `occurred_at` exactly as sent. */
  occurredAt: string;
  receivedAt: Date;
  status: InboxStatus;
  /** Kept only for unknown event types, so an app can process them later. */
  payload: string | null;
}

/** A claimed event's final status. */
export interface InboxUpdate {
  id: string;
  status: InboxStatus;
}

/**
 * A user as the engine writes it: the directory's fields plus what the engine resolved.
 * `undefined` fields were not given and must leave the app's columns unchanged.
 */
export interface UserWrite extends DirectoryUser {
  active: boolean;
  version: bigint;
}

/** A change to an existing user that does not come from its directory record. */
export interface UserPatch {
  id: string;
  active?: boolean;
  roles?: string[];
}

export interface GroupWrite {
  id: string;
  organizationId: string;
  directoryId?: string | null;
  displayName?: string | null;
  externalId?: string | null;
  version: bigint;
}

export interface StoredGroup {
  organizationId: string;
  id: string;
  directoryId: string | null;
  displayName: string | null;
  externalId: string | null;
}

export interface Membership {
  organizationId: string;
  userId: string;
  groupId: string;
}

export interface DirectoryWrite {
  id: string;
  organizationId: string;
  enabled: boolean;
  provider?: string | null;
  directoryType?: string | null;
  status?: string | null;
  version: bigint;
}

export interface StoredDirectory {
  organizationId: string;
  id: string;
  enabled: boolean;
  provider: string | null;
  directoryType: string | null;
  status: string | null;
}

/** Progress of the last sync of one directory, owned by the sync engine. */
export interface SyncState {
  organizationId: string;
  directoryId: string;
  status: 'idle' | 'running' | 'succeeded' | 'failed';
  /** Start time of the last successful sync: the `updatedAfter` of the next incremental one. */
  watermark: Date | null;
  /** Opaque resume point of a running sync (JSON text), null when none. */
  checkpoint: string | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastError: string | null;
  updatedAt: Date;
}

export interface LeaseRequest {
  /** What is leased, e.g. `sync:org_123`. */
  name: string;
  /** Who asks, unique per process and attempt. */
  owner: string;
  /** The lease runs out this long after `now` unless renewed. */
  ttlMs: number;
  now: Date;
}

export interface ListPage {
  /** Return records whose id sorts after this one (ids compare as plain strings). */
  after?: string;
  limit: number;
}

/** What a store can do, read or written inside or outside a transaction. */
export interface ScimStore {
  // Inbox
  /**
   * Inserts the records whose ids are not in the inbox yet and resolves the ids it inserted, in any
   * order. An id already there (or repeated in the call) is not an error: it is left out of the answer.
   */
  claimEvents(records: readonly InboxRecord[]): Promise<string[]>;
  /** Sets the status of claimed events (a repeated id ends with its last one); ids that are not there are ignored. */
  finishEvents(entries: readonly InboxUpdate[]): Promise<void>;
  getEvent(id: string): Promise<InboxRecord | null>;
  /** Removes inbox records received before `before`; resolves how many. */
  pruneEvents(before: Date): Promise<number>;

  // Versions and tombstones
  /** The records of `kind` (only that kind) that exist among `ids`, each once, in any order. */
  getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]>;
  /**
   * Writes each version record only where there is none yet, or the stored version is lower, or the
   * stored version is equal and was written by the same non-null `eventId` (a retry of an interrupted
   * event). This check and write must be atomic for concurrent callers (a conditional write or a
   * unique key, not a read then a write). Resolves the ids that were written, each once. Items of
   * one id apply in the given order, each checked against the record as the earlier ones left it.
   */
  advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]>;
  /**
   * Version records of one kind in id order (plain string comparison, as `after`), a page at a time.
   * The order is the query's own (an ORDER BY), not the order rows happen to come back in.
   */
  listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]>;

  // The app's users, through the app's mapping
  /** Creates or updates users in the app's own user store; a repeated id's writes apply in order. */
  upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void>;
  /** Changes existing users, a repeated id's patches in order; ids that do not exist are ignored. */
  patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void>;
  /** Deletes users from the app's own user store; ids that do not exist are ignored. */
  deleteUsers(organizationId: string, ids: readonly string[]): Promise<void>;

  // Groups, memberships, directories (bookkeeping)
  /** Creates or updates groups; `undefined` fields keep their value; a repeated id's writes apply in order. */
  upsertGroups(organizationId: string, groups: readonly GroupWrite[]): Promise<void>;
  /**
   * Inserts groups that do not exist yet (a user named them before their own event arrived). Never
   * changes a stored group; of a repeated id, the first ref is inserted.
   */
  ensureGroups(organizationId: string, groups: readonly DirectoryGroupRef[]): Promise<void>;
  deleteGroups(organizationId: string, ids: readonly string[]): Promise<void>;
  getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]>;
  /** Makes each user's memberships exactly the given groups (a user named twice: its last entry's). */
  replaceMemberships(
    organizationId: string,
    entries: readonly { userId: string; groupIds: readonly string[] }[],
  ): Promise<void>;
  /** Removes every membership of these groups; resolves the removed memberships, each once. */
  removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]>;
  /** The memberships of these users, or of these groups, each once. */
  listMemberships(
    organizationId: string,
    filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
  ): Promise<Membership[]>;
  upsertDirectory(organizationId: string, directory: DirectoryWrite): Promise<void>;
  getDirectory(organizationId: string, id: string): Promise<StoredDirectory | null>;

  // Sync bookkeeping
  getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null>;
  saveSyncState(state: SyncState): Promise<void>;
  /**
   * Takes or renews a lease: succeeds when nobody holds it, it ran out, or `owner` already holds
   * it. Atomic for concurrent callers.
   */
  acquireLease(request: LeaseRequest): Promise<boolean>;
  /** Gives a lease back if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
}

export interface AdapterCapabilities {
  /**
   * `transaction()` is atomic: everything written in it commits or nothing does. Without it the core
   * orders its writes so that an interrupted change is completed by the redelivery.
   */
  transactions: boolean;
  /** Multi-item methods cost a constant number of round trips whatever the number of items. */
  batchWrites: boolean;
  /**
   * Largest item count the adapter accepts in one call. The engine splits larger batches on every
   * path (webhook batches, a directory's deactivation, a sync, its group references included).
   */
  maxBatchSize: number;
}

export interface ScimAdapter extends ScimStore {
  /** A short name for logs, e.g. `prisma:postgresql`. */
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  /**
   * Runs `fn` in one transaction and resolves its result after commit. If `fn` throws, nothing it
   * wrote is kept and the error is rethrown (a driver error translated to an `AdapterError`).
   */
  transaction<T>(fn: (store: ScimStore) => Promise<T>): Promise<T>;
  /** Releases what the adapter opened itself (never the app's own client). */
  close?(): Promise<void>;
}
