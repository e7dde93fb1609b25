import type { EntityKind, EntityState, InboxRecord, StoredGroup, SyncState } from '@scim/core';
import type { IdentityLink, StoredDirectory } from '@scim/core/adapter';

export type Awaitable<T> = T | Promise<T>;

/**
 * A provisioned user as the app's own table holds it. Leave out (undefined) a field your mapping
 * does not store: the suite then does not check it. `roles` compare in any order.
 */
export interface BackdoorUser {
  id: string;
  organizationId: string;
  email: string | null;
  active: boolean;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  username?: string | null;
  roles?: readonly string[];
}

export interface BackdoorMembership {
  userId: string;
  groupId: string;
}

/**
 * A row of the app's users table read by its own primary key (table-mode account linking): the
 * mapping's organization and user columns are null while no directory user is linked to it.
 */
export interface BackdoorAppRow {
  organizationId: string | null;
  userId: string | null;
  email: string | null;
  active: boolean;
  displayName?: string | null;
}

/** A row of the app's users table that no directory user is linked to (a user who signed up on their own). */
export interface UnlinkedUserInput {
  email: string;
  displayName?: string | null;
}

/**
 * Readers of the REAL store, written by the adapter's author with the database's own client (a raw
 * query, the ORM's plain finders), never through the adapter under test. Each returns `null` when
 * the record is not there. The suite checks every write through them.
 */
export interface ConformanceBackdoor {
  /** The app's user row, through the app's mapping; null when there is no row. */
  readUser(organizationId: string, userId: string): Awaitable<BackdoorUser | null>;
  /** The version record (or tombstone) of a user, group or directory. */
  readEntity(organizationId: string, kind: EntityKind, id: string): Awaitable<EntityState | null>;
  /** The inbox record, `reason` (of a rejected event) and `payload` included. */
  readInbox(eventId: string): Awaitable<InboxRecord | null>;
  readGroup(organizationId: string, groupId: string): Awaitable<StoredGroup | null>;
  /** Memberships of one organization, narrowed to one user and/or one group when given. */
  readMemberships(
    organizationId: string,
    filter: { userId?: string; groupId?: string },
  ): Awaitable<readonly BackdoorMembership[]>;
  readDirectory(organizationId: string, directoryId: string): Awaitable<StoredDirectory | null>;
  readSyncState(organizationId: string, directoryId: string): Awaitable<SyncState | null>;
  /** The SDK's identity link of a directory user (which app user it is); null when there is none. */
  readLink(organizationId: string, directoryUserId: string): Awaitable<IdentityLink | null>;
  /**
   * Table-mode account linking: inserts a row of the app's users table with this email and null
   * organization and user columns; resolves its primary key as text. Optional: without it (or without
   * `capabilities.linkByEmail`) the table-mode `linking` tests skip, saying why.
   */
  insertUnlinkedUser?(user: UnlinkedUserInput): Awaitable<string>;
  /** The row `insertUnlinkedUser` made, by its primary key, whoever it is linked to now; null once deleted. */
  readUnlinkedUser?(rowId: string): Awaitable<BackdoorAppRow | null>;
}
