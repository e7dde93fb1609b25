import { runAdapterConformance } from '@scim/adapter-test-suite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations, recreatePostgres, unreachable } from './support/databases.js';
import { activeMapping, appFields } from './support/mapping.js';

async function prepare() {
  try {
    const url = await recreatePostgres('scim_drizzle_test');
    const primary = new pg.Pool({ connectionString: url, max: 5 });
    // A second pool: the peer adapter races the primary the way a second app instance would.
    const second = new pg.Pool({ connectionString: url, max: 5 });
    const db = drizzle(primary, { schema });
    await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
    return { db, peerDb: drizzle(second, { schema }), pools: [primary, second] };
  } catch (error) {
    return unreachable('PostgreSQL', error);
  }
}

const ready = await prepare();

if (typeof ready === 'string') {
  test.skip(`drizzle:pg (node-postgres): ${ready}`, () => {});
} else {
  const { db, peerDb, pools } = ready;
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));
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
}
