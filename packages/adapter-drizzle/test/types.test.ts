import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';

describe('drizzleAdapter', () => {
  test('types the mapping against the table (checked by tsc, more in mapping-types.ts; the function is never called)', () => {
    const typeChecks = () => {
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
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  test('takes the dialect from the database object', () => {
    const adapter = drizzleAdapter(drizzle.mock({ schema }), {
      users: {
        model: schema.appUsers,
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: () => ({}),
        active: 'isActive',
      },
    });
    expect(adapter.name).toBe('drizzle:pg');
    expect(adapter.capabilities).toEqual({
      transactions: true,
      batchWrites: true,
      maxBatchSize: 1000,
      userTable: true,
      linkByEmail: false,
      scimResources: true,
    });
    expect(drizzleAdapter(drizzle.mock({ schema })).capabilities).toMatchObject({
      userTable: false,
      linkByEmail: false,
    });
  });

  test('refuses a mapping that names a column the table does not have', () => {
    expect(() =>
      drizzleAdapter(drizzle.mock({ schema }), {
        users: {
          model: schema.appUsers,
          organizationId: 'scimOrganizationId',
          userId: 'nope' as 'scimUserId',
          fields: () => ({}),
          active: 'isActive',
        },
      }),
    ).toThrow(/no column "nope"/);
  });

  test('refuses something that is not a Drizzle database', () => {
    expect(() =>
      drizzleAdapter({} as never, {
        users: {
          model: schema.appUsers,
          organizationId: 'scimOrganizationId',
          userId: 'scimUserId',
          fields: () => ({}),
          active: 'isActive',
        },
      }),
    ).toThrow(/expected a Drizzle database/);
  });
});
