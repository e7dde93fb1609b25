/**
 * The records of the SCIM 2.0 server (`@scim/scim-server`), kept by the SDK's bookkeeping so that its reads,
 * filters and PATCHes work whatever the app's own tables hold: each resource as the identity provider sees
 * it (its JSON representation and version), the values its filters compare, and the tenants' tokens.
 * Group members are the SDK's memberships, changed by deltas.
 */

export type ResourceType = 'User' | 'Group';

export interface StoredResource {
  organizationId: string;
  resourceType: ResourceType;
  id: string;
  /** The representation without `id`, `meta` and group `members`: core attributes at the top, extensions under their URN. */
  attributes: Record<string, unknown>;
  /** Nanoseconds since the epoch of the last write (the server's receive time, monotonic per resource). */
  version: bigint;
  created: Date;
  lastModified: Date;
}

/**
 * What a filter compares, computed by the SCIM server so that every store compares the same thing:
 * `userName`, `displayName` and `emails` arrive lower-cased (so do filter values on them); `externalId` as sent.
 */
export interface ResourceIndex {
  /** Users: unique per organization among Users. Null for groups. */
  userName: string | null;
  externalId: string | null;
  displayName: string | null;
  emails: string[];
  /** Users: whether active. Null for groups. */
  active: boolean | null;
}

export type ResourceStringIndex = 'id' | 'userName' | 'externalId' | 'displayName' | 'emails.value';

/** The part of a SCIM filter a database runs: `eq`, `sw` (prefix), `co` (substring) and `and`. */
export type ResourceFilter =
  | { op: 'and'; filters: ResourceFilter[] }
  | { op: 'eq' | 'sw' | 'co'; attribute: ResourceStringIndex; value: string }
  | { op: 'eq'; attribute: 'active'; value: boolean }
  | { op: 'eq' | 'gt' | 'ge' | 'lt' | 'le'; attribute: 'meta.lastModified'; value: Date };

export interface ResourceQuery {
  organizationId: string;
  resourceType: ResourceType;
  filter: ResourceFilter | null;
  /** 0-based; results ordered by id (plain string comparison). */
  offset: number;
  /** 0 answers the total only. */
  limit: number;
}

export interface ResourcePage {
  /** Every match, not only this page's. */
  total: number;
  resources: StoredResource[];
}

/** One compare-and-set write of a resource (`resource` null deletes it). */
export interface ResourcePut {
  resourceType: ResourceType;
  id: string;
  /** The version the writer read; null for a create (the resource must not exist). */
  expectedVersion: bigint | null;
  version: bigint;
  resource: { attributes: Record<string, unknown>; index: ResourceIndex; created: Date; lastModified: Date } | null;
}

export type ResourcePutResult = 'ok' | 'version-conflict' | 'uniqueness';

/** A tenant's SCIM bearer token, kept as its SHA-256 hash: the token itself is shown once. */
export interface TokenRecord {
  /** SHA-256 of the token, hex. */
  hash: string;
  organizationId: string;
  label: string | null;
  createdAt: Date;
  /** Refused after this instant (a rotation's overlap ends, or a revocation); null: no expiry. */
  expiresAt: Date | null;
}
