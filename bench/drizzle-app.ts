import type { UserMapping } from '@scim/adapter-drizzle';
import { appUsers } from './drizzle-schema.js';

/** How the benchmarks' app maps directory users onto its `app_users` table (the adapter's `users` option). */
export const appUserMapping: UserMapping<typeof appUsers> = {
  model: appUsers,
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: (user) => ({
    email: user.email,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    username: user.username,
  }),
  active: 'isActive',
  roles: 'roles',
};
