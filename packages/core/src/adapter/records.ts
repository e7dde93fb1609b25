import type { DirectoryUser } from '../events/types.js';

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
  /**
   * Compare-and-set: when present, the item is written only if the stored record's version is exactly
   * this (`null`: only if there is no record yet), and the version rule holds as well. Absent: the
   * version rule alone decides.
   */
  expected?: bigint | null;
}

/**
 * `applied`, `stale` (a newer change was there), `ignored`, `unknown_type` (recorded, acknowledged),
 * `rejected` (the app or a constraint refused the change for good: recorded with its reason and payload,
 * acknowledged, and replayable), `pending` (claimed by an adapter without transactions, not yet done).
 */
export type InboxStatus = 'pending' | 'applied' | 'stale' | 'ignored' | 'unknown_type' | 'rejected';

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
  /** Why a `rejected` event was refused (a message and codes, never payload values); null otherwise. */
  reason: string | null;
  /** The payload as received, kept for unknown event types and rejected events (to process or replay them). */
  payload: string | null;
}

/** A claimed event's final status; `reason` and `payload` are written only when given. */
export interface InboxUpdate {
  id: string;
  status: InboxStatus;
  reason?: string | null;
  payload?: string | null;
}

/** A page of the inbox, newest first (by `receivedAt`, then id). */
export interface EventQuery {
  organizationId?: string;
  status?: InboxStatus;
  /** Records received before this one (the last of the previous page). */
  before?: { receivedAt: Date; id: string };
  limit: number;
}

/**
 * Which app user a directory user is, in one organization. The app's own id (its users table's primary
 * key, as text) is how the app's service functions find the user again; one app user may be linked from
 * several organizations (the same person provisioned by two customers).
 */
export interface IdentityLink {
  directoryUserId: string;
  appUserId: string;
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

/** A lease someone holds, as `getLeases` reports it. */
export interface HeldLease {
  /** The lease's name, as `acquireLease` took it. */
  name: string;
  /** The `owner` of the `acquireLease` call that took or last renewed it. */
  owner: string;
  /** When it runs out unless its owner renews it: the renewal's `now` plus its `ttlMs`. */
  expiresAt: Date;
}

export interface ListPage {
  /** Return records whose id sorts after this one (ids compare as plain strings). */
  after?: string;
  limit: number;
}
