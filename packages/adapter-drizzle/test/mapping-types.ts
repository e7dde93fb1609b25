/**
 * Compile-only: what the table mapping and service mode accept, checked by `tsc` twice (`pnpm typecheck`):
 * with this repository's settings and with `exactOptionalPropertyTypes` (tsconfig.exact-optional.json),
 * which many apps turn on. Every `@ts-expect-error` is an error the types must catch.
 */
import { createScimEngine, type UserWrite } from '@scim/core';
import { eq } from 'drizzle-orm';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle as mysqlDrizzle } from 'drizzle-orm/mysql2';
import { drizzle } from 'drizzle-orm/node-postgres';
import { drizzleAdapter } from '../src/index.js';
import * as mysqlSchema from './app/mysql-schema.js';
import * as schema from './app/pg-schema.js';
import * as sqliteSchema from './app/sqlite-schema.js';

const db = drizzle.mock({ schema });
const keys = { model: schema.appUsers, organizationId: 'scimOrganizationId', userId: 'scimUserId' } as const;
const strictKeys = { ...keys, model: schema.strictUsers } as const;

// `undefined` leaves a column as it is, `null` clears a nullable one; both as the directory sends them.
export const plain = drizzleAdapter(db, {
  users: {
    ...keys,
    fields: (u) => ({ email: u.email, displayName: u.displayName, givenName: undefined }),
    active: 'isActive',
    roles: 'roles',
    email: 'email',
  },
});

// @ts-expect-error `mail` is not a column of the table
export const unknownKey = drizzleAdapter(db, {
  users: {
    ...keys,
    fields: (u) => ({ email: u.email, mail: u.email }),
    active: 'isActive',
  },
});
// @ts-expect-error `deactivated` is not a column of the table (it is `deactivatedAt`)
export const unknownKeyFromActive = drizzleAdapter(db, {
  users: {
    ...keys,
    fields: () => ({}),
    active: (active: boolean) => ({ deactivated: !active }),
  },
});
// @ts-expect-error `plan` is a text column
export const wrongType = drizzleAdapter(db, {
  users: { ...keys, fields: () => ({ plan: 42 }), active: 'isActive' },
});
// @ts-expect-error `email` is NOT NULL: the directory's `string | null` does not fit it
export const notNullGetsNull = drizzleAdapter(db, {
  users: {
    ...strictKeys,
    fields: (u) => ({ email: u.email }),
    active: 'isActive',
  },
});
// A NOT NULL column takes a value or `undefined` (a new row without it is refused and the change rejected).
export const notNullHandled = drizzleAdapter(db, {
  users: {
    ...strictKeys,
    fields: (u) => ({ email: u.email ?? undefined, displayName: u.displayName }),
    active: 'isActive',
  },
});

// @ts-expect-error `roles` needs a column that takes string[]; `plan` is text
export const rolesIntoText = drizzleAdapter(db, {
  users: { ...keys, fields: () => ({}), active: 'isActive', roles: 'plan' },
});
export const rolesThroughFunction = drizzleAdapter(db, {
  users: { ...keys, fields: () => ({}), active: 'isActive', roles: (roles) => ({ plan: roles.join(',') }) },
});

// @ts-expect-error the email column holds a string
export const emailNotText = drizzleAdapter(db, {
  users: { ...keys, fields: () => ({}), active: 'isActive', email: 'isActive' },
});
// @ts-expect-error `active` names a boolean column
export const notBoolean = drizzleAdapter(db, {
  users: { ...keys, fields: () => ({}), active: 'email' },
});
// The same holds on MySQL and SQLite: roles go into a JSON column typed string[], not into a text column.
export const mysqlRoles = drizzleAdapter(mysqlDrizzle.mock({ schema: mysqlSchema, mode: 'default' }), {
  users: { ...keys, model: mysqlSchema.appUsers, fields: () => ({}), active: 'isActive', roles: 'roles' },
});
// @ts-expect-error `plan` is a text column
export const sqliteRolesIntoText = drizzleAdapter(sqliteDrizzle.mock({ schema: sqliteSchema }), {
  users: { ...keys, model: sqliteSchema.appUsers, fields: () => ({}), active: 'isActive', roles: 'plan' },
});
// Service mode: the app's functions get Drizzle's own transaction, typed with the app's schema.
export const service = createScimEngine({
  adapter: drizzleAdapter(db),
  users: {
    async create(user: UserWrite, ctx) {
      const [row] = await ctx.tx
        .insert(schema.serviceUsers)
        .values({ email: user.email ?? null, active: user.active })
        .returning({ id: schema.serviceUsers.id });
      await ctx.tx.query.serviceUsers.findFirst({ where: eq(schema.serviceUsers.id, row!.id) });
      return row!.id;
    },
    async update(id, user, ctx) {
      await ctx.tx
        .update(schema.serviceUsers)
        .set({ active: user.active })
        .where(eq(schema.serviceUsers.id, Number(id)));
    },
    async deactivate(id, ctx) {
      // @ts-expect-error a Drizzle transaction has no such method
      await ctx.tx.deactivateUser(id);
    },
  },
});

// On SQLite `ctx.tx` is the app's own database object.
export const sqliteService = createScimEngine({
  adapter: drizzleAdapter(sqliteDrizzle.mock({ schema: sqliteSchema })),
  users: {
    create: async (_user, ctx) => (await ctx.tx.select().from(sqliteSchema.serviceUsers).all()).length,
    update: async () => undefined,
    deactivate: async () => undefined,
  },
});
