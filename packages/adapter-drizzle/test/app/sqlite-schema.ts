import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export * from '../../src/sqlite.js';

/** The app's own users table: `plan` and `createdAt` belong to the app and the adapter never writes them. */
export const appUsers = sqliteTable(
  'app_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scimOrganizationId: text('scim_organization_id').notNull(),
    scimUserId: text('scim_user_id').notNull(),
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
