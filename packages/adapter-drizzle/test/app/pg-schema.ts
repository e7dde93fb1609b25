import { boolean, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export * from '../../src/pg.js';

/** The app's own users table: `plan` and `createdAt` belong to the app and the adapter never writes them. */
export const appUsers = pgTable(
  'app_users',
  {
    id: serial('id').primaryKey(),
    scimOrganizationId: text('scim_organization_id').notNull(),
    scimUserId: text('scim_user_id').notNull(),
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
