import {
  bigint,
  boolean,
  customType,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * Ids compare byte by byte (collation "C"), whatever the database's default collation: listings
 * page in the order the core expects, and the primary key's index serves them.
 */
const key = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

const version = (name: string) => bigint(name, { mode: 'bigint' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** The event inbox: one row per delivered event id. */
export const scimEvents = pgTable(
  'scim_events',
  {
    id: key('id').primaryKey(),
    organizationId: key('organization_id').notNull(),
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
export const scimEntities = pgTable(
  'scim_entities',
  {
    organizationId: key('organization_id').notNull(),
    kind: text('kind').notNull(),
    id: key('id').notNull(),
    version: version('version').notNull(),
    deleted: boolean('deleted').notNull(),
    active: boolean('active').notNull(),
    fingerprint: text('fingerprint'),
    directoryRoles: text('directory_roles'),
    eventId: text('event_id'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.kind, t.id] })],
);

export const scimGroups = pgTable(
  'scim_groups',
  {
    organizationId: key('organization_id').notNull(),
    id: key('id').notNull(),
    directoryId: text('directory_id'),
    displayName: text('display_name'),
    externalId: text('external_id'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export const scimMemberships = pgTable(
  'scim_memberships',
  {
    organizationId: key('organization_id').notNull(),
    userId: key('user_id').notNull(),
    groupId: key('group_id').notNull(),
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

export const scimDirectories = pgTable(
  'scim_directories',
  {
    organizationId: key('organization_id').notNull(),
    id: key('id').notNull(),
    enabled: boolean('enabled').notNull(),
    provider: text('provider'),
    directoryType: text('directory_type'),
    status: text('status'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export const scimSyncStates = pgTable(
  'scim_sync_states',
  {
    organizationId: key('organization_id').notNull(),
    directoryId: key('directory_id').notNull(),
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
export const scimLinks = pgTable(
  'scim_links',
  {
    organizationId: key('organization_id').notNull(),
    directoryUserId: key('directory_user_id').notNull(),
    appUserId: key('app_user_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.directoryUserId] }),
    index('scim_links_app_user_idx').on(t.organizationId, t.appUserId),
  ],
);

/** Sync leases; `expires_at` compared in the database. */
export const scimLeases = pgTable('scim_leases', {
  name: key('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: instant('expires_at').notNull(),
});

/**
 * The SCIM 2.0 server's resources (`@scim/scim-server`): the representation the identity provider sees
 * (JSON text, kept as written) and the values its filters compare, lower-cased by the server where SCIM
 * compares without case. `user_name` is unique per organization among Users (groups have none, and NULLs
 * never clash); its "C" collation lets `LIKE 'prefix%'` (a filter's `sw`) use the index.
 */
export const scimResources = pgTable(
  'scim_resources',
  {
    organizationId: key('organization_id').notNull(),
    resourceType: text('resource_type').notNull(),
    id: key('id').notNull(),
    version: version('version').notNull(),
    attributes: text('attributes').notNull(),
    userName: key('user_name'),
    externalId: key('external_id'),
    displayName: key('display_name'),
    active: boolean('active'),
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
export const scimResourceEmails = pgTable(
  'scim_resource_emails',
  {
    organizationId: key('organization_id').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: key('resource_id').notNull(),
    email: key('email').notNull(),
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
export const scimTokens = pgTable(
  'scim_tokens',
  {
    hash: text('hash').primaryKey(),
    organizationId: key('organization_id').notNull(),
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
