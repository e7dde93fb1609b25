import * as schema from '../app/pg-schema.js';
import { appFields } from './mapping.js';

/** The PostgreSQL test app's users table as the adapter maps it: a boolean `isActive` column and a `roles` column. */
export const pgAppUsers = {
  model: schema.appUsers,
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: appFields,
  active: 'isActive',
  roles: 'roles',
} as const;
