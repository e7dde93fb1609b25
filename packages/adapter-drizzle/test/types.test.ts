import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';

describe('drizzleAdapter', () => {
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
    expect(adapter.capabilities).toEqual({ transactions: true, batchWrites: true, maxBatchSize: 1000 });
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
