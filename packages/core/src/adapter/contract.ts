import type { DirectoryGroupRef } from '../events/types.js';
import type {
  DirectoryWrite,
  EntityAdvance,
  EntityKind,
  EntityState,
  EventQuery,
  GroupWrite,
  HeldLease,
  IdentityLink,
  InboxRecord,
  InboxUpdate,
  LeaseRequest,
  ListPage,
  Membership,
  StoredDirectory,
  StoredGroup,
  SyncState,
  UserPatch,
  UserWrite,
} from './records.js';
import type {
  ResourcePage,
  ResourcePut,
  ResourcePutResult,
  ResourceQuery,
  ResourceType,
  StoredResource,
  TokenRecord,
} from './resources.js';

export type * from './records.js';

/**
 * The storage-adapter contract.
 *
 * The core decides, the adapter persists. Every method is required but the few marked optional (the
 * core checks for those before calling them); what an adapter can or cannot guarantee is declared in
 * `capabilities`. Methods that take several items are called with one item by the webhook path and
 * with whole pages by the sync engine; an adapter with `batchWrites` does each call in a constant
 * number of round trips.
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

/**
 * The SDK's own records (bookkeeping): the inbox, versions and tombstones, groups, memberships,
 * directories, identity links, sync state and leases. One implementation per storage engine, in tables
 * (or collections) of its own; the app never writes them.
 */
export interface BookkeepingStore {
  // Inbox
  /**
   * Inserts the records whose ids are not in the inbox yet and resolves the ids it inserted, in any
   * order. An id already there (or repeated in the call) is not an error: it is left out of the answer.
   */
  claimEvents(records: readonly InboxRecord[]): Promise<string[]>;
  /**
   * Sets the status of claimed events (a repeated id ends with its last one), and their `reason` and
   * `payload` where an entry gives them; ids that are not there are ignored.
   */
  finishEvents(entries: readonly InboxUpdate[]): Promise<void>;
  getEvent(id: string): Promise<InboxRecord | null>;
  /** A page of the inbox, newest first (`receivedAt` descending, then id descending). */
  listEvents(query: EventQuery): Promise<InboxRecord[]>;
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
   *
   * An item with `expected` is also a compare-and-set: it is written only if the stored version equals
   * `expected` (`null`: only if the id has no record), checked in the same atomic write, against the
   * newest committed record (a concurrent writer's commit since the caller's read makes it refused).
   * The core gives every user advance of a transaction the version its plan read, and takes a refusal
   * as a conflict (the transaction runs again and plans anew).
   */
  advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]>;
  /**
   * Version records of one kind in id order (plain string comparison, as `after`), a page at a time.
   * The order is the query's own (an ORDER BY), not the order rows happen to come back in.
   */
  listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]>;

  // Groups, memberships, directories
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

  // Identity links: which app user each directory user is (the app's service functions' ids)
  /** The links of these directory users, each once. */
  getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]>;
  /** The links, in this organization, to these app users (whichever directory users they come from). */
  getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]>;
  /** Creates or replaces links, keyed by organization and directory user; a repeated id's last link wins. */
  saveLinks(organizationId: string, links: readonly IdentityLink[]): Promise<void>;
  deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void>;

  // Sync bookkeeping
  getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null>;
  /** The sync states of one organization, or of all, in (organization, directory) order. */
  listSyncStates(organizationId?: string): Promise<SyncState[]>;
  saveSyncState(state: SyncState): Promise<void>;
  /**
   * Takes or renews a lease: succeeds when nobody holds it, it ran out, or `owner` already holds
   * it. Atomic for concurrent callers.
   */
  acquireLease(request: LeaseRequest): Promise<boolean>;
  /** Gives a lease back if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  /**
   * Optional (an adapter written before it still fits the contract): the leases among `names` that are
   * held at `now`, i.e. whose expiry is after `now` (exactly the ones `acquireLease` would refuse to
   * another owner). A name never taken, released or run out is left out; so is a name not asked for.
   * Each name at most once, in any order; one read, no write. For reporting (`scim status` names the
   * instance running a sync): the answer may be stale as soon as it returns, so never decide on it
   * whether to take a lease; `acquireLease` alone does that atomically.
   */
  getLeases?(names: readonly string[], now: Date): Promise<HeldLease[]>;
}

/**
 * The table mapping: the adapter writes the app's own users table directly, keyed by the directory's
 * organization and user ids (columns of the app's table). Used when the engine is given no service
 * functions (`users`). An adapter created without a mapping declares `capabilities.userTable: false`
 * and answers these with a `CONFIGURATION_ERROR`.
 */
export interface UserTableStore {
  /** Creates or updates users in the app's own user store; a repeated id's writes apply in order. */
  upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void>;
  /** Changes existing users, a repeated id's patches in order; ids that do not exist are ignored. */
  patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void>;
  /** Deletes users from the app's own user store; ids that do not exist are ignored. */
  deleteUsers(organizationId: string, ids: readonly string[]): Promise<void>;
  /**
   * Account linking (`capabilities.linkByEmail`): gives each of these directory users the app's row whose
   * email equals the given one without regard to case, but only a row no directory user is linked to yet
   * (its organization and user columns empty). Resolves the directory user ids that were linked. The core
   * asks the app's permission first; this never takes over a row of any organization.
   */
  linkUsersByEmail(
    organizationId: string,
    links: readonly { directoryUserId: string; email: string }[],
  ): Promise<string[]>;
}

/**
 * The SCIM 2.0 server's records (`capabilities.scimResources`): resources as the identity provider sees
 * them, group members as deltas on the memberships, and the tenants' tokens.
 */
export interface ResourceStore {
  getResource(organizationId: string, resourceType: ResourceType, id: string): Promise<StoredResource | null>;
  /** Matches of the filter ordered by id, `offset` then `limit` of them, with the total; filters run in the database. */
  queryResources(query: ResourceQuery): Promise<ResourcePage>;
  /** Which of `ids` are stored resources of the type, each once. */
  existingResources(organizationId: string, resourceType: ResourceType, ids: readonly string[]): Promise<string[]>;
  /**
   * Compare-and-set: writes (or deletes, `resource: null`) only when the stored version is `expectedVersion`
   * (null: no resource yet); else `version-conflict`. A second User of the organization with the same
   * `index.userName` is `uniqueness`. Nothing is written unless the answer is `ok`.
   */
  putResource(organizationId: string, put: ResourcePut): Promise<ResourcePutResult>;
  /** Adds memberships (present ones stay); the groups' rows exist. */
  addMemberships(organizationId: string, memberships: readonly { userId: string; groupId: string }[]): Promise<void>;
  /** Removes memberships (absent ones are ignored). */
  removeMemberships(organizationId: string, memberships: readonly { userId: string; groupId: string }[]): Promise<void>;
  /** A page of a group's member ids in id order, after `page.after`. */
  listGroupMembers(organizationId: string, groupId: string, page: ListPage): Promise<string[]>;
  findToken(hash: string): Promise<TokenRecord | null>;
  saveToken(token: TokenRecord): Promise<void>;
  /** The organization's tokens (expired ones included), newest first. */
  listTokens(organizationId: string): Promise<TokenRecord[]>;
  /** Sets the expiry of these tokens of the organization. */
  expireTokens(organizationId: string, hashes: readonly string[], at: Date): Promise<void>;
}

/** What a store can do, read or written inside or outside a transaction. */
export interface ScimStore extends BookkeepingStore, UserTableStore, Partial<ResourceStore> {}

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
  /** The adapter was given a mapping of the app's users table (`UserTableStore` writes it). */
  userTable: boolean;
  /** `linkUsersByEmail` links rows of the app's users table (a table mapping with an email column). */
  linkByEmail: boolean;
  /** The store keeps the SCIM server's records (`ResourceStore`). */
  scimResources?: boolean;
}

/**
 * A storage adapter. `Tx` is what the app's own functions get to write in the same transaction: Prisma's
 * transaction client, Drizzle's `tx`, Mongoose's session.
 */
export interface ScimAdapter<Tx = unknown> extends ScimStore {
  /** A short name for logs, e.g. `prisma:postgresql`. */
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  /**
   * Runs `fn` in one transaction and resolves its result after commit. If `fn` throws, nothing it
   * wrote is kept and the error is rethrown (a driver error translated to an `AdapterError`). `tx` is the
   * transaction as the app's ORM knows it, so the app's writes commit or roll back with the SDK's.
   */
  transaction<T>(fn: (store: ScimStore, tx: Tx) => Promise<T>): Promise<T>;
  /** Releases what the adapter opened itself (never the app's own client). */
  close?(): Promise<void>;
}
