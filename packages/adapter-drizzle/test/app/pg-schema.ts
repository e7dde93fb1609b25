import { sql } from 'drizzle-orm';
import { boolean, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export * from '../../src/pg.js';

/**
 * The app's own users table: `plan` and `createdAt` belong to the app and the adapter never writes them.
 * The key columns are nullable: a row the app created itself, with both null, is one account linking may adopt.
 */
export const appUsers = pgTable(
  'app_users',
  {
    id: serial('id').primaryKey(),
    scimOrganizationId: text('scim_organization_id'),
    scimUserId: text('scim_user_id'),
    email: text('email'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    username: text('username'),
    isActive: boolean('is_active').notNull().default(true),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
    roles: text('roles').array(),
    plan: text('plan').notNull().default('free'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('app_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);

/** A users table with no SCIM column, written by the app's own functions (service mode) through `ctx.tx`. */
export const serviceUsers = pgTable('service_users', {
  id: serial('id').primaryKey(),
  email: text('email'),
  displayName: text('display_name'),
  givenName: text('given_name'),
  familyName: text('family_name'),
  active: boolean('active').notNull().default(true),
  roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
});

/** A users table whose email is required (NOT NULL, no default), as many apps have it. */
export const strictUsers = pgTable(
  'strict_users',
  {
    id: serial('id').primaryKey(),
    scimOrganizationId: text('scim_organization_id'),
    scimUserId: text('scim_user_id'),
    email: text('email').notNull(),
    displayName: text('display_name'),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [uniqueIndex('strict_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);
