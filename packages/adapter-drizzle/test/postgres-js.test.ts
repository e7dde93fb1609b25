import { runAdapterConformance } from '@scim/adapter-test-suite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { type RawReader, rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations, recreatePostgres, testDatabase, unreachable } from './support/databases.js';
import { activeMapping, appFields } from './support/mapping.js';
import { pgServiceApp } from './support/service-app.js';

// postgres.js: the same statements as node-postgres, through another driver's session (rows as an array,
// `count` for a write, no named prepared statements of the adapter's own).
async function prepare() {
  let url: string;
  try {
    url = await recreatePostgres(testDatabase('scim_drizzle_pgjs'));
  } catch (error) {
    return unreachable('PostgreSQL', error);
  }
  const primary = postgres(url, { max: 5, onnotice: () => {} });
  const second = postgres(url, { max: 5, onnotice: () => {} });
  const db = drizzle(primary, { schema });
  await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
  return { db, peerDb: drizzle(second, { schema }), clients: [primary, second] };
}

const ready = await prepare();

if (typeof ready === 'string') {
  test.skip(`drizzle:pg (postgres.js): ${ready}`, () => {});
} else {
  const { db, peerDb, clients } = ready;
  afterAll(() => Promise.all(clients.map((client) => client.end())));
  const rows = async (query: SQL) => [...((await db.execute(query)) as unknown as Record<string, unknown>[])];
  const reader: RawReader = {
    textType: 'text',
    rows,
    insert: async (query) => String((await rows(sql`${query} returning id`))[0]?.id),
  };
  const options = {
    users: {
      model: schema.appUsers,
      organizationId: 'scimOrganizationId',
      userId: 'scimUserId',
      fields: appFields,
      active: activeMapping('column'),
      roles: 'roles',
      email: 'email',
    },
  } as const;
  runAdapterConformance({
    name: 'drizzle:pg (postgres.js, active as column)',
    setup: () => ({ adapter: drizzleAdapter(db, options), backdoor: rawBackdoor(reader, 'column') }),
    serviceMode: () => ({ adapter: drizzleAdapter(db), app: pgServiceApp(db) }),
    peer: () => ({ adapter: drizzleAdapter(peerDb, options) }),
  });
}
