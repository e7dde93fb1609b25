import {
  customType,
  foreignKey,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/**
 * A 64-bit integer kept exact: written as a bigint, read back through `cast(... as text)` by the
 * adapter, because drivers hand out integers past 2^53 as imprecise numbers.
 */
const int64 = customType<{ data: bigint; driverData: bigint | number | string }>({
  dataType: () => 'integer',
  toDriver: (value) => value,
  fromDriver: (value) => BigInt(value),
});

const flag = (name: string) => integer(name, { mode: 'boolean' });
const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** The event inbox: one row per delivered event id. */
export const scimEvents = sqliteTable(
  'scim_events',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    type: text('type').notNull(),
    occurredAt: text('occurred_at').notNull(),
    receivedAt: instant('received_at').notNull(),
    status: text('status').notNull(),
    /** Why a `rejected` event was refused (codes and messages, never payload values). */
    reason: text('reason'),
    payload: text('payload'),
  },
  (t) => [index('scim_events_received_at_idx').on(t.receivedAt)],
);

/** Versions and tombstones of users, groups and directories. */
export const scimEntities = sqliteTable(
  'scim_entities',
  {
    organizationId: text('organization_id').notNull(),
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    version: int64('version').notNull(),
    deleted: flag('deleted').notNull(),
    active: flag('active').notNull(),
    fingerprint: text('fingerprint'),
    directoryRoles: text('directory_roles'),
    eventId: text('event_id'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.kind, t.id] })],
);

export const scimGroups = sqliteTable(
  'scim_groups',
  {
    organizationId: text('organization_id').notNull(),
    id: text('id').notNull(),
    directoryId: text('directory_id'),
    displayName: text('display_name'),
    externalId: text('external_id'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

/** Needs `PRAGMA foreign_keys = ON` on the connection for the cascade (SQLite's default is off). */
export const scimMemberships = sqliteTable(
  'scim_memberships',
  {
    organizationId: text('organization_id').notNull(),
    userId: text('user_id').notNull(),
    groupId: text('group_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId, t.groupId] }),
    // With the user id: a group's members page in id order from the index (a 50,000-member group is not sorted per page).
    index('scim_memberships_group_idx').on(t.organizationId, t.groupId, t.userId),
    foreignKey({
      name: 'scim_memberships_group_fk',
      columns: [t.organizationId, t.groupId],
      foreignColumns: [scimGroups.organizationId, scimGroups.id],
    }).onDelete('cascade'),
  ],
);

export const scimDirectories = sqliteTable(
  'scim_directories',
  {
    organizationId: text('organization_id').notNull(),
    id: text('id').notNull(),
    enabled: flag('enabled').notNull(),
    provider: text('provider'),
    directoryType: text('directory_type'),
    status: text('status'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export const scimSyncStates = sqliteTable(
  'scim_sync_states',
  {
    organizationId: text('organization_id').notNull(),
    directoryId: text('directory_id').notNull(),
    status: text('status').notNull(),
    watermark: instant('watermark'),
    checkpoint: text('checkpoint'),
    lastStartedAt: instant('last_started_at'),
    lastFinishedAt: instant('last_finished_at'),
    lastError: text('last_error'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.directoryId] })],
);

/**
 * Identity links: which app user (the app's own id, as text) each directory user is, in one organization.
 * Written in service mode, where the app's tables hold no SCIM columns.
 */
export const scimLinks = sqliteTable(
  'scim_links',
  {
    organizationId: text('organization_id').notNull(),
    directoryUserId: text('directory_user_id').notNull(),
    appUserId: text('app_user_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.directoryUserId] }),
    index('scim_links_app_user_idx').on(t.organizationId, t.appUserId),
  ],
);

/** Sync leases; `expires_at` in milliseconds since the epoch, compared in the database. */
export const scimLeases = sqliteTable('scim_leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/**
 * The SCIM 2.0 server's resources (`@scim/scim-server`): the representation the identity provider sees
 * (JSON text, kept as written) and the values its filters compare, lower-cased by the server where SCIM
 * compares without case. `user_name` is unique per organization among Users (groups have none, and NULLs
 * never clash). Text compares byte by byte (SQLite's BINARY collation).
 */
export const scimResources = sqliteTable(
  'scim_resources',
  {
    organizationId: text('organization_id').notNull(),
    resourceType: text('resource_type').notNull(),
    id: text('id').notNull(),
    version: int64('version').notNull(),
    attributes: text('attributes').notNull(),
    userName: text('user_name'),
    externalId: text('external_id'),
    displayName: text('display_name'),
    active: flag('active'),
    createdAt: instant('created_at').notNull(),
    lastModified: instant('last_modified').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.resourceType, t.id] }),
    uniqueIndex('scim_resources_user_name_key').on(t.organizationId, t.resourceType, t.userName),
    index('scim_resources_external_id_idx').on(t.organizationId, t.resourceType, t.externalId),
    index('scim_resources_display_name_idx').on(t.organizationId, t.resourceType, t.displayName),
    index('scim_resources_last_modified_idx').on(t.organizationId, t.resourceType, t.lastModified),
  ],
);

/** The email index of the resources (`emails[].value`, lower-cased by the server), removed with its resource. */
export const scimResourceEmails = sqliteTable(
  'scim_resource_emails',
  {
    organizationId: text('organization_id').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    email: text('email').notNull(),
  },
  (t) => [
    primaryKey({ name: 'scim_resource_emails_pk', columns: [t.organizationId, t.resourceType, t.resourceId, t.email] }),
    index('scim_resource_emails_email_idx').on(t.organizationId, t.resourceType, t.email),
    foreignKey({
      name: 'scim_resource_emails_resource_fk',
      columns: [t.organizationId, t.resourceType, t.resourceId],
      foreignColumns: [scimResources.organizationId, scimResources.resourceType, scimResources.id],
    }).onDelete('cascade'),
  ],
);

/** The tenants' SCIM bearer tokens, kept as their SHA-256 hash (hex): a token is shown once, never stored. */
export const scimTokens = sqliteTable(
  'scim_tokens',
  {
    hash: text('hash').primaryKey(),
    organizationId: text('organization_id').notNull(),
    label: text('label'),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at'),
  },
  (t) => [index('scim_tokens_organization_idx').on(t.organizationId, t.createdAt)],
);

/** Every bookkeeping table, to spread into the app's Drizzle schema. */
export const scimTables = {
  scimEvents,
  scimEntities,
  scimGroups,
  scimMemberships,
  scimDirectories,
  scimSyncStates,
  scimLeases,
  scimLinks,
  scimResources,
  scimResourceEmails,
  scimTokens,
};
