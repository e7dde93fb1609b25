import type { DirectoryGroup, DirectoryUser } from '@scim/core';
import type { ScimResourceType } from '../schema/extensions.js';

/**
 * The storage port of the SCIM server: what it needs from the SDK's bookkeeping. Every call is scoped by
 * `organizationId`; the same id in two organizations names two unrelated resources, and no call may ever
 * return another organization's data.
 */
export interface ScimStore {
  /** The token whose SHA-256 (hex, see `hashScimToken`) is `tokenHash`; null when unknown or revoked. */
  findToken(tokenHash: string): Promise<ScimTokenRecord | null>;

  /** One stored resource; null when absent (or deleted). */
  get(organizationId: string, resourceType: ScimResourceType, id: string): Promise<StoredScimResource | null>;

  /**
   * The resources matching `filter` (all when null), ordered by `id` ascending (code-point order), from
   * `offset` (0-based), at most `limit` of them (`limit` 0: the total only), with the total match count.
   * Each condition compares the index values the writes carried; see `ScimStoreFilter`.
   */
  query(query: ScimStoreQuery): Promise<ScimStorePage>;

  /** Which of `ids` are stored resources of the type in the organization. */
  existingIds(organizationId: string, resourceType: ScimResourceType, ids: readonly string[]): Promise<Set<string>>;

  /** One page of a group's members, ordered by user id ascending, after the cursor `after` (exclusive). */
  listMembers(query: ScimMembersQuery): Promise<ScimMemberRef[]>;

  /** The groups each of `userIds` belongs to (users without groups may be left out of the map). */
  groupsOfUsers(organizationId: string, userIds: readonly string[]): Promise<Map<string, ScimGroupRef[]>>;

  /**
   * Applies one request's change atomically: the resource, the membership deltas and the engine's change all
   * commit or none does. Compare-and-set on `expectedVersion`: when the stored version differs (or a resource
   * exists where `expectedVersion` is null), nothing is written and the answer is `version-conflict`. A second
   * User of the organization with the same `index.userName` answers `uniqueness`, nothing written. Other
   * failures throw (an `AdapterError` of `@scim/core` where the adapter has one).
   */
  write(write: ScimWrite): Promise<ScimWriteResult>;
}

export interface ScimTokenRecord {
  organizationId: string;
  /** After this instant the token is refused (the end of a rotation's overlap); null: no expiry. */
  expiresAt: Date | null;
}

/** A resource as stored: the representation without `id`, `meta` and group `members` (kept as rows). */
export interface StoredScimResource {
  organizationId: string;
  resourceType: ScimResourceType;
  id: string;
  /** JSON object with canonical attribute names: core attributes at the top, extensions under their URN. */
  attributes: Record<string, unknown>;
  /** Nanoseconds since the epoch of the last write (the server's receive time, monotonic per resource). */
  version: bigint;
  created: Date;
  lastModified: Date;
}

/**
 * Values a store indexes for `query`, computed by the server so every store compares the same thing.
 * Case-insensitive attributes (`userName`, `displayName`, `emails.value`) arrive lower-cased, and so do the
 * values of conditions on them: the store compares plainly.
 */
export interface ScimIndexValues {
  /** Users: lower-cased; unique per organization among Users. Null for groups. */
  userName: string | null;
  /** Case-exact. */
  externalId: string | null;
  /** Lower-cased. */
  displayName: string | null;
  /** Users: every email value, lower-cased. */
  emails: string[];
  /** Users: `active` (true when never given). Null for groups. */
  active: boolean | null;
}

export type ScimStringIndex = 'id' | 'userName' | 'externalId' | 'displayName' | 'emails.value';

/**
 * The part of a SCIM filter a database runs. `eq` is equality, `sw` a prefix and `co` a substring match on
 * the index value (`emails.value`: any of the values); `meta.lastModified` compares the resource's
 * `lastModified`. The rest of a filter, if any, the server evaluates itself over bounded pages of the result.
 */
export type ScimStoreFilter =
  | { op: 'and'; filters: ScimStoreFilter[] }
  | { op: 'eq' | 'sw' | 'co'; attribute: ScimStringIndex; value: string }
  | { op: 'eq'; attribute: 'active'; value: boolean }
  | { op: 'eq' | 'gt' | 'ge' | 'lt' | 'le'; attribute: 'meta.lastModified'; value: Date };

export interface ScimStoreQuery {
  organizationId: string;
  resourceType: ScimResourceType;
  filter: ScimStoreFilter | null;
  offset: number;
  limit: number;
}

export interface ScimStorePage {
  /** Matches in all, not only this page. */
  total: number;
  resources: StoredScimResource[];
}

export interface ScimMembersQuery {
  organizationId: string;
  groupId: string;
  /** The last user id of the previous page; null for the first page. */
  after: string | null;
  limit: number;
}

export interface ScimMemberRef {
  /** The member's user id. */
  value: string;
  /** The member's display name, when the store has it at hand. */
  display?: string | null;
}

export interface ScimGroupRef {
  value: string;
  display?: string | null;
}

/** The change in the engine's terms, to go through the apply path with `version` as its version. */
export type ScimChange =
  | { type: 'user_created' | 'user_updated'; user: DirectoryUser }
  /** DELETE of a user: a deprovision; the engine's policy decides what the app does. */
  | { type: 'user_deleted'; user: DirectoryUser }
  | { type: 'group_created' | 'group_updated'; group: DirectoryGroup }
  | { type: 'group_deleted'; group: DirectoryGroup };

/** Everything one request changes, in one call. */
export interface ScimWrite {
  organizationId: string;
  resourceType: ScimResourceType;
  id: string;
  /** The version the request read; null for a create. */
  expectedVersion: bigint | null;
  /** The new version: the server's receive time in nanoseconds, above `expectedVersion`. */
  version: bigint;
  receivedAt: Date;
  /** The new representation; null when the resource is deleted. */
  resource: ScimResourceWrite | null;
  /**
   * Groups: the membership deltas (user ids), disjoint. Adding a present member or removing an absent one is a
   * no-op; an added id that is not a User of the organization at commit time is ignored. Null for users.
   * Deleting a group removes its memberships; deleting a user removes the user from every group.
   */
  members: { add: string[]; remove: string[] } | null;
  change: ScimChange;
}

export interface ScimResourceWrite {
  attributes: Record<string, unknown>;
  index: ScimIndexValues;
  created: Date;
  lastModified: Date;
}

/**
 * `rejected`: the app refused the change for good (its `UserRejection`, or a constraint of its tables);
 * nothing was written, and the identity provider is answered 400 `invalidValue` with `detail`.
 */
export type ScimWriteResult =
  | { ok: true }
  | { ok: false; reason: 'version-conflict' | 'uniqueness' }
  | { ok: false; reason: 'rejected'; detail: string };
