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

/** "Inactive" is a `deactivatedAt` date; roles through a function. */
export const functionMapping: PrismaUserMapping<PostgresPrisma, 'User'> = {
  model: 'User',
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: directoryFields,
  active: (active) => ({ deactivatedAt: active ? null : new Date() }),
  roles: (roles) => ({ roles: [...roles].sort() }),
};

export type MappingStyle = 'boolean' | 'function';

/**
 * The generated clients of the three providers differ only in the type of `roles`; tests that work on
 * all three use the PostgreSQL client's types.
 */
export function asPostgres(prisma: AnyPrisma): PostgresPrisma {
  return prisma as unknown as PostgresPrisma;
}
