import type { EntityKind, InboxStatus, SyncState } from '@scim/core';

/**
 * The shapes of the SDK's bookkeeping documents as stored. Versions are BSON int64 (written from a
 * bigint); a read may hand them back as a number, a bigint or a `Long`, see `toBigInt`.
 */

/** `scim_events`: the inbox. `_id` is the event id, so the claim rests on the primary key. */
export interface EventDoc {
  _id: string;
  organizationId: string;
  type: string;
  occurredAt: string;
  receivedAt: Date;
  status: InboxStatus;
  /** Why a `rejected` event was refused (codes and messages, never payload values). */
  reason?: string | null;
  payload: string | null;
}

/** `scim_entities`: one version record (or tombstone) per (organizationId, kind, id). */
export interface EntityDoc {
  organizationId: string;
  kind: EntityKind;
  id: string;
  version: bigint;
  deleted: boolean;
  active: boolean;
  fingerprint: string | null;
  directoryRoles: string[] | null;
  eventId: string | null;
  updatedAt: Date;
}

/** `scim_groups`, unique on (organizationId, id). */
export interface GroupDoc {
  organizationId: string;
  id: string;
  directoryId: string | null;
  displayName: string | null;
  externalId: string | null;
}

/** `scim_memberships`, unique on (organizationId, userId, groupId). */
export interface MembershipDoc {
  organizationId: string;
  userId: string;
  groupId: string;
}

/** `scim_directories`, unique on (organizationId, id). */
export interface DirectoryDoc {
  organizationId: string;
  id: string;
  enabled: boolean;
  provider: string | null;
  directoryType: string | null;
  status: string | null;
}

/** `scim_sync_states`, unique on (organizationId, directoryId). */
export type SyncStateDoc = SyncState;

/** `scim_leases`: `_id` is the lease name. */
export interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

/** `scim_links`: which app user each directory user is, unique on (organizationId, directoryUserId). */
export interface LinkDoc {
  organizationId: string;
  directoryUserId: string;
  /** The app's own id of the user, as text. */
  appUserId: string;
}
