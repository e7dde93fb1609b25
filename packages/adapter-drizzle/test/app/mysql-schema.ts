import { boolean, datetime, int, json, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

export * from '../../src/mysql.js';

/**
 * The app's own users table: `plan` and `createdAt` belong to the app and the adapter never writes them.
 * The key columns are nullable: a row the app created itself, with both null, is one account linking may adopt.
 */
export const appUsers = mysqlTable(
  'app_users',
  {
    id: int('id').autoincrement().primaryKey(),
    scimOrganizationId: varchar('scim_organization_id', { length: 191 }),
    scimUserId: varchar('scim_user_id', { length: 191 }),
    email: varchar('email', { length: 255 }),
    givenName: varchar('given_name', { length: 255 }),
    familyName: varchar('family_name', { length: 255 }),
    displayName: varchar('display_name', { length: 255 }),
    username: varchar('username', { length: 255 }),
    isActive: boolean('is_active').notNull().default(true),
    deactivatedAt: datetime('deactivated_at', { mode: 'date', fsp: 3 }),
    roles: json('roles').$type<string[]>(),
    plan: varchar('plan', { length: 32 }).notNull().default('free'),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull().default(new Date(0)),
  },
  (t) => [uniqueIndex('app_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);

/** A users table with no SCIM column, written by the app's own functions (service mode) through `ctx.tx`. */
export const serviceUsers = mysqlTable('service_users', {
  id: int('id').autoincrement().primaryKey(),
  email: varchar('email', { length: 255 }),
  displayName: varchar('display_name', { length: 255 }),
  givenName: varchar('given_name', { length: 255 }),
  familyName: varchar('family_name', { length: 255 }),
  active: boolean('active').notNull().default(true),
  roles: json('roles').$type<string[]>().notNull(),
});

/** A users table whose email is required (NOT NULL, no default), as many apps have it. */
export const strictUsers = mysqlTable(
  'strict_users',
  {
    id: int('id').autoincrement().primaryKey(),
    scimOrganizationId: varchar('scim_organization_id', { length: 191 }),
    scimUserId: varchar('scim_user_id', { length: 191 }),
    email: varchar('email', { length: 255 }).notNull(),
    displayName: varchar('display_name', { length: 255 }),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [uniqueIndex('strict_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);
