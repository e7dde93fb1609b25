import { runAdapterConformance } from '@scim/adapter-test-suite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations, recreatePostgres, testDatabase, unreachable } from './support/databases.js';
import { activeMapping, appFields } from './support/mapping.js';

async function prepare() {
  let url: string;
  try {
    url = await recreatePostgres(testDatabase('scim_drizzle_test'));
  } catch (error) {
    return unreachable('PostgreSQL', error);
  }
  const primary = new pg.Pool({ connectionString: url, max: 5 });
  // A second pool: the peer adapter races the primary the way a second app instance would.
  const second = new pg.Pool({ connectionString: url, max: 5 });
  const db = drizzle(primary, { schema });
  await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
  let statements = 0;
  const countedDb = drizzle(primary, { schema, logger: { logQuery: () => void statements++ } });
  return { db, countedDb, statements: () => statements, peerDb: drizzle(second, { schema }), pools: [primary, second] };
}

const ready = await prepare();

if (typeof ready === 'string') {
  test.skip(`drizzle:pg (node-postgres): ${ready}`, () => {});
} else {
  const { db, countedDb, statements, peerDb, pools } = ready;
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));
  const primaryExec = (query: SQL) => db.execute(query);
  const reader = {
    textType: 'text' as const,
    rows: async (query: SQL) => (await db.execute(query)).rows as Record<string, unknown>[],
  };

  for (const style of ['column', 'deactivatedAt'] as const) {
    const options = {
      users: {
        model: schema.appUsers,
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: appFields,
        active: activeMapping(style),
        roles: 'roles',
      },
    } as const;
    const adapter = drizzleAdapter(db, options);
    runAdapterConformance({
      name: `drizzle:pg (node-postgres, active as ${style})`,
      setup: () => ({ adapter, backdoor: rawBackdoor(reader, style) }),
      peer: () => ({ adapter: drizzleAdapter(peerDb, options) }),
    });
  }
  adapterBehaviour('drizzle:pg (node-postgres)', () => ({
    reader,
    exec: (query) => primaryExec(query),
    counted: {
      adapter: drizzleAdapter(countedDb, {
        users: {
          model: schema.appUsers,
          organizationId: 'scimOrganizationId',
          userId: 'scimUserId',
          fields: appFields,
          active: 'isActive',
          roles: 'roles',
        },
      }),
      statements,
    },
  }));
}
