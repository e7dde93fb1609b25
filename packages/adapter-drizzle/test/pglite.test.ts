import { PGlite } from '@electric-sql/pglite';
import { runAdapterConformance } from '@scim/adapter-test-suite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations } from './support/databases.js';
import { activeMapping, appFields } from './support/mapping.js';

// PGlite is one in-process connection: no peer, the concurrency suite races the adapter against itself.
const client = new PGlite();
const db = drizzle(client, { schema });
await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
afterAll(() => client.close());

const reader = {
  textType: 'text' as const,
  rows: async (query: SQL) => (await db.execute(query)).rows as Record<string, unknown>[],
};

const adapter = drizzleAdapter(db, {
  users: {
    model: schema.appUsers,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: appFields,
    active: activeMapping('deactivatedAt'),
    roles: 'roles',
  },
});

runAdapterConformance({
  name: 'drizzle:pg (PGlite, active as deactivatedAt)',
  setup: () => ({ adapter, backdoor: rawBackdoor(reader, 'deactivatedAt') }),
});

let statements = 0;
const counted = drizzle(client, { schema, logger: { logQuery: () => void statements++ } });
adapterBehaviour('drizzle:pg (PGlite)', () => ({
  reader,
  exec: (query) => db.execute(query),
  counted: {
    adapter: drizzleAdapter(counted, {
      users: {
        model: schema.appUsers,
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: appFields,
        active: activeMapping('deactivatedAt'),
        roles: 'roles',
      },
    }),
    statements: () => statements,
  },
}));
