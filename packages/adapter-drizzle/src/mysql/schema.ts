import {
  bigint,
  boolean,
  customType,
  datetime,
  foreignKey,
  index,
  longtext,
  mysqlTable,
  primaryKey,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';

/**
 * Ids compare byte by byte (utf8mb4_bin), whatever the server's default collation: `usr_a` and
 * `usr_A` are two ids, and listings page in the order the core expects. 191 characters keep the
 * three-column keys under InnoDB's 3072-byte index limit.
 */
const key = customType<{ data: string }>({
  dataType: () => 'varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
});

/**
 * Longer text compared byte by byte (a filter's `eq`, `sw` and `co` are case-sensitive; the SCIM server
 * lower-cases what compares without case). 512 characters keep an index of the organization, the
 * resource type and this column under InnoDB's 3072-byte limit.
 */
const binaryText = (length: number) =>
  customType<{ data: string }>({
    dataType: () => `varchar(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  });
const indexedText = binaryText(512);
const emailText = binaryText(320);

const version = (name: string) => bigint(name, { mode: 'bigint' });
const instant = (name: string) => datetime(name, { mode: 'date', fsp: 3 });

/** The event inbox: one row per delivered event id. */
export const scimEvents = mysqlTable(
  'scim_events',
  {
    id: key('id').primaryKey(),
    organizationId: key('organization_id').notNull(),
    type: varchar('type', { length: 255 }).notNull(),
    occurredAt: varchar('occurred_at', { length: 64 }).notNull(),
    receivedAt: instant('received_at').notNull(),
    status: varchar('status', { length: 32 }).notNull(),
    /** Why a `rejected` event was refused (codes and messages, never payload values). */
    reason: text('reason'),
    payload: longtext('payload'),
    /** Marks the rows one `claimEvents` call inserted: MySQL has no RETURNING, so they are read back by it. */
    claimToken: varchar('claim_token', { length: 36 }),
  },
  (t) => [index('scim_events_received_at_idx').on(t.receivedAt)],
);

/**
 * Versions and tombstones of users, groups and directories. `write_token` marks the rows one
 * `advanceEntities` call wrote: MySQL has no RETURNING, so the adapter reads them back by it.
 */
export const scimEntities = mysqlTable(
  'scim_entities',
  {
    organizationId: key('organization_id').notNull(),
    kind: varchar('kind', { length: 16 }).notNull(),
    id: key('id').notNull(),
    version: version('version').notNull(),
    deleted: boolean('deleted').notNull(),
    active: boolean('active').notNull(),
    fingerprint: varchar('fingerprint', { length: 255 }),
    directoryRoles: text('directory_roles'),
    eventId: varchar('event_id', { length: 255 }),
    updatedAt: instant('updated_at').notNull(),
    writeToken: varchar('write_token', { length: 36 }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.kind, t.id] })],
);

export const scimGroups = mysqlTable(
  'scim_groups',
  {
    organizationId: key('organization_id').notNull(),
    id: key('id').notNull(),
    directoryId: varchar('directory_id', { length: 255 }),
    displayName: text('display_name'),
    externalId: varchar('external_id', { length: 255 }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export const scimMemberships = mysqlTable(
  'scim_memberships',
  {
    organizationId: key('organization_id').notNull(),
    userId: key('user_id').notNull(),
    groupId: key('group_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId, t.groupId] }),
    index('scim_memberships_group_idx').on(t.organizationId, t.groupId),
    foreignKey({
      name: 'scim_memberships_group_fk',
      columns: [t.organizationId, t.groupId],
      foreignColumns: [scimGroups.organizationId, scimGroups.id],
    }).onDelete('cascade'),
  ],
);

export const scimDirectories = mysqlTable(
  'scim_directories',
  {
    organizationId: key('organization_id').notNull(),
    id: key('id').notNull(),
    enabled: boolean('enabled').notNull(),
    provider: varchar('provider', { length: 255 }),
    directoryType: varchar('directory_type', { length: 255 }),
    status: varchar('status', { length: 255 }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
);

export const scimSyncStates = mysqlTable(
  'scim_sync_states',
  {
    organizationId: key('organization_id').notNull(),
    directoryId: key('directory_id').notNull(),
    status: varchar('status', { length: 32 }).notNull(),
    watermark: instant('watermark'),
    checkpoint: longtext('checkpoint'),
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
export const scimLinks = mysqlTable(
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

/**
 * Sync leases; `expires_at` compared in the database. Keep `owner`
 * before `expires_at`: the lease upsert's assignments run in column order and the expiry reads the owner.
 */
export const scimLeases = mysqlTable('scim_leases', {
  name: key('name').primaryKey(),
  owner: varchar('owner', { length: 255 }).notNull(),
  expiresAt: instant('expires_at').notNull(),
});

/**
 * The SCIM 2.0 server's resources (`@scim/scim-server`): the representation the identity provider sees
 * (JSON text, kept as written) and the values its filters compare, lower-cased by the server where SCIM
 * compares without case. `user_name` is unique per organization among Users (groups have none, and NULLs
 * never clash). `user_name`, `external_id` and `display_name` hold up to 512 characters.
 */
export const scimResources = mysqlTable(
  'scim_resources',
  {
    organizationId: key('organization_id').notNull(),
    resourceType: varchar('resource_type', { length: 16 }).notNull(),
    id: key('id').notNull(),
    version: version('version').notNull(),
    attributes: longtext('attributes').notNull(),
    userName: indexedText('user_name'),
    externalId: indexedText('external_id'),
    displayName: indexedText('display_name'),
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
export const scimResourceEmails = mysqlTable(
  'scim_resource_emails',
  {
    organizationId: key('organization_id').notNull(),
    resourceType: varchar('resource_type', { length: 16 }).notNull(),
    resourceId: key('resource_id').notNull(),
    email: emailText('email').notNull(),
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
export const scimTokens = mysqlTable(
  'scim_tokens',
  {
    hash: varchar('hash', { length: 64 }).primaryKey(),
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
