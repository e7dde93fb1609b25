import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export * from '../../src/sqlite.js';

/**
 * The app's own users table: `plan` and `createdAt` belong to the app and the adapter never writes them.
 * The key columns are nullable: a row the app created itself, with both null, is one account linking may adopt.
 */
export const appUsers = sqliteTable(
  'app_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scimOrganizationId: text('scim_organization_id'),
    scimUserId: text('scim_user_id'),
    email: text('email'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    username: text('username'),
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    deactivatedAt: integer('deactivated_at', { mode: 'timestamp_ms' }),
    roles: text('roles', { mode: 'json' }).$type<string[]>(),
    plan: text('plan').notNull().default('free'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex('app_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);

/** A users table with no SCIM column, written by the app's own functions (service mode) through `ctx.tx`. */
export const serviceUsers = sqliteTable('service_users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email'),
  displayName: text('display_name'),
  givenName: text('given_name'),
  familyName: text('family_name'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  roles: text('roles', { mode: 'json' }).$type<string[]>().notNull().default([]),
});

/** A users table whose email is required (NOT NULL, no default), as many apps have it. */
export const strictUsers = sqliteTable(
  'strict_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scimOrganizationId: text('scim_organization_id'),
    scimUserId: text('scim_user_id'),
    email: text('email').notNull(),
    displayName: text('display_name'),
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('strict_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);
