/**
 * The schema of the app the scenarios run: the app's own users table plus the SDK's bookkeeping tables
 * from `@scim/adapter-drizzle/pg`, exactly as an app declares them. drizzle-kit generates the migration
 * from this file.
 */
import { boolean, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export * from '@scim/adapter-drizzle/pg';

export const appUsers = pgTable(
  'app_users',
  {
    id: serial('id').primaryKey(),
    scimOrganizationId: text('scim_organization_id').notNull(),
    scimUserId: text('scim_user_id').notNull(),
    email: text('email'),
    name: text('name'),
    department: text('department'),
    isActive: boolean('is_active').notNull().default(true),
    roles: text('roles').array(),
    plan: text('plan').notNull().default('free'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('app_users_scim_key').on(t.scimOrganizationId, t.scimUserId)],
);
