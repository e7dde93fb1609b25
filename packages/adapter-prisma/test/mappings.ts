import { randomUUID } from 'node:crypto';
import type { UserWrite } from '@scim/core';
import type { PrismaUserMapping } from '../src/index.js';
import type { AnyPrisma, PostgresPrisma } from './clients.js';

function directoryFields(user: UserWrite) {
  return {
    email: user.email,
    name: user.displayName,
    givenName: user.givenName,
    familyName: user.familyName,
    username: user.username,
    department: user.department,
  };
}

/** A boolean `isActive` field and a `roles` field (a `String[]` on PostgreSQL, `Json` elsewhere). */
export const booleanMapping: PrismaUserMapping<PostgresPrisma, 'User'> = {
  model: 'User',
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: directoryFields,
  active: 'isActive',
  roles: 'roles',
};

/**
 * The boolean mapping with `create`: new rows go in through one raw INSERT, so the values of the model's
 * Prisma-level defaults (`cuid()`, `@updatedAt`) come from here.
 */
export const rawInsertMapping: PrismaUserMapping<PostgresPrisma, 'User'> = {
  ...booleanMapping,
  create: () => ({ id: `raw_${randomUUID()}`, updatedAt: new Date() }),
};

/** "Inactive" is a `deactivatedAt` date; roles through a function. */
export const functionMapping: PrismaUserMapping<PostgresPrisma, 'User'> = {
  model: 'User',
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: directoryFields,
  active: (active) => ({ deactivatedAt: active ? null : new Date() }),
  roles: (roles) => ({ roles: [...roles].sort() }),
};

export type MappingStyle = 'boolean' | 'raw-insert' | 'function';

/**
 * The generated clients of the three providers differ only in the type of `roles`; tests that work on
 * all three use the PostgreSQL client's types.
 */
export function asPostgres(prisma: AnyPrisma): PostgresPrisma {
  return prisma as unknown as PostgresPrisma;
}
