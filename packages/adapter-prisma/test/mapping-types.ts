/**
 * Compile-only: what the table mapping and service mode accept, checked by `tsc` twice (`pnpm typecheck`):
 * with this repository's settings and with `exactOptionalPropertyTypes` (tsconfig.exact-optional.json),
 * which many apps turn on. Every `@ts-expect-error` is an error the types must catch. Nothing here runs.
 */
import { createScimEngine } from '@scim/core';
import { prismaAdapter } from '../src/index.js';
import type { PrismaClient as PostgresClient } from './generated/postgresql/client/client.js';
import type { PrismaClient as SqliteClient } from './generated/sqlite/client/client.js';

declare const prisma: PostgresClient;
declare const sqlite: SqliteClient;
const keys = { model: 'User', organizationId: 'scimOrganizationId', userId: 'scimUserId' } as const;
const strictKeys = { ...keys, model: 'StrictUser' } as const;

// `undefined` leaves a field as it is, `null` clears an optional one; both as the directory sends them.
export const plain = prismaAdapter(prisma, {
  users: {
    ...keys,
    fields: (u) => ({ email: u.email, name: u.displayName, givenName: undefined }),
    create: () => ({ id: 'x', updatedAt: new Date() }),
    active: 'isActive',
    roles: 'roles',
    email: 'email',
  },
});

export const unknownKey = prismaAdapter(prisma, {
  users: {
    ...keys,
    // @ts-expect-error `mail` is not a field of User
    fields: (u) => ({ email: u.email, mail: u.email }),
    active: 'isActive',
  },
});

export const unknownKeyFromActive = prismaAdapter(prisma, {
  users: {
    ...keys,
    fields: () => ({}),
    // @ts-expect-error `deactivated` is not a field of User (it is `deactivatedAt`)
    active: (active: boolean) => ({ deactivated: !active }),
  },
});

export const unknownKeyFromCreate = prismaAdapter(prisma, {
  users: {
    ...keys,
    fields: () => ({}),
    // @ts-expect-error `uuid` is not a field of User
    create: () => ({ uuid: 'x' }),
    active: 'isActive',
  },
});

export const wrongType = prismaAdapter(prisma, {
  users: {
    ...keys,
    // @ts-expect-error `plan` is a String
    fields: () => ({ plan: 42 }),
    active: 'isActive',
  },
});

export const requiredGetsNull = prismaAdapter(prisma, {
  users: {
    ...strictKeys,
    // @ts-expect-error `email` is required: the directory's `string | null` does not fit it
    fields: (u) => ({ email: u.email }),
    active: 'isActive',
  },
});

// A required field takes a value or `undefined` (a new row without it is refused and the change rejected).
export const requiredHandled = prismaAdapter(prisma, {
  users: { ...strictKeys, fields: (u) => ({ email: u.email ?? undefined }), active: 'isActive' },
});

export const rolesIntoString = prismaAdapter(prisma, {
  // @ts-expect-error `roles` needs a String[] or Json field; `plan` is a String
  users: { ...keys, fields: () => ({}), active: 'isActive', roles: 'plan' },
});

// The SQLite client's `roles` is a Json field: it takes string[].
export const rolesIntoJson = prismaAdapter(sqlite, {
  users: { ...keys, fields: () => ({}), active: 'isActive', roles: 'roles' },
});

export const rolesThroughFunction = prismaAdapter(prisma, {
  users: { ...keys, fields: () => ({}), active: 'isActive', roles: (roles) => ({ plan: roles.join(',') }) },
});

export const emailNotString = prismaAdapter(prisma, {
  // @ts-expect-error the email field holds a String
  users: { ...keys, fields: () => ({}), active: 'isActive', email: 'isActive' },
});

// Service mode: the app's functions get the interactive transaction's client, typed with the app's models.
export const service = createScimEngine({
  adapter: prismaAdapter(prisma),
  users: {
    async create(user, ctx) {
      const created = await ctx.tx.serviceUser.create({ data: { email: user.email ?? null, active: user.active } });
      return created.id;
    },
    async update(id, user, ctx) {
      await ctx.tx.serviceUser.update({ where: { id: Number(id) }, data: { active: user.active } });
    },
    async deactivate(id, ctx) {
      // @ts-expect-error a transaction client has no $disconnect: the connection is the SDK's
      await ctx.tx.$disconnect();
      await ctx.tx.serviceUser.update({ where: { id: Number(id) }, data: { active: false } });
    },
  },
});
