import { boolean, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The app's own users table, as it was before SCIM: people sign up or are invited, and the app keeps
 * its own columns (plan, createdAt). The three `scim*` columns and the unique key were added for
 * directory sync: which organization and directory user a row belongs to, and its roles.
 */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    email: text('email'),
    name: text('name'),
    department: text('department'),
    jobTitle: text('job_title'),
    plan: text('plan').notNull().default('team'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    scimOrganizationId: text('scim_organization_id'),
    scimUserId: text('scim_user_id'),
    roles: jsonb('roles').$type<string[]>().notNull().default([]),
  },
  (table) => [uniqueIndex('users_scim_key').on(table.scimOrganizationId, table.scimUserId)],
);

// @scim's bookkeeping tables (inbox, versions, groups, memberships, sync state, leases), migrated with
// the app's own by drizzle-kit.
export * from '@scim/adapter-drizzle/pg';
