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
    index('scim_memberships_group_idx').on(t.organizationId, t.groupId),
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

/** Sync leases; `expires_at` in milliseconds since the epoch, compared in the database. */
export const scimLeases = pgTable('scim_leases', {
  name: key('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});

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
};
