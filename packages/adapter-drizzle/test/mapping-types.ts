import { drizzle } from 'drizzle-orm/node-postgres';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';

// Compile-time checks of the mapping's types: tsc checks this function, nothing calls it.
export function typeChecks() {
  const db = drizzle.mock({ schema });
  const base = {
    model: schema.appUsers,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: () => ({ email: 'a@example.com' }),
  } as const;
  drizzleAdapter(db, { users: { ...base, active: 'isActive', roles: 'roles' } });
  drizzleAdapter(db, { users: { ...base, active: (active) => ({ deactivatedAt: active ? null : new Date() }) } });
  // @ts-expect-error `email` is not a boolean column
  drizzleAdapter(db, { users: { ...base, active: 'email' } });
  // @ts-expect-error no such column
  drizzleAdapter(db, { users: { ...base, userId: 'directoryUserId', active: 'isActive' } });
  // @ts-expect-error `fields` returns columns of the table, typed as the table types them
  drizzleAdapter(db, { users: { ...base, fields: () => ({ plan: 42 }), active: 'isActive' } });
}
