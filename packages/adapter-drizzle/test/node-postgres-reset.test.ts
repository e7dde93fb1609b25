import { randomUUID } from 'node:crypto';
import type { InboxRecord } from '@scim/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { drizzleKitMigrations, recreatePostgres, testDatabase, unreachable } from './support/databases.js';
import { appFields } from './support/mapping.js';
import { startResettingProxy } from './support/tcp-proxy.js';

async function prepare() {
  try {
    const url = await recreatePostgres(testDatabase('scim_drizzle_reset_test'));
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    await migrate(drizzle(setup, { schema }), { migrationsFolder: await drizzleKitMigrations('pg') });
    await setup.end();
    return url;
  } catch (error) {
    return unreachable('PostgreSQL', error);
  }
}

const url = await prepare();
const record = (organizationId: string): InboxRecord => ({
  id: `evt_${randomUUID()}`,
  organizationId,
  type: 'organization.directory.user_created',
  occurredAt: new Date().toISOString(),
  receivedAt: new Date(),
  status: 'pending',
  reason: null,
  payload: null,
});

if (!url.startsWith('postgres')) {
  test.skip(`drizzle:pg (node-postgres) connection resets: ${url}`, () => {});
} else {
  const server = new URL(url);
  const proxy = await startResettingProxy({ host: server.hostname, port: Number(server.port || 5432) });
  afterAll(() => proxy.close());
  const viaProxy = new URL(url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);

  // No 'error' listener on the pool or its clients: an 'error' the adapter left unhandled would reach
  // the process as an uncaught exception, and vitest fails the run on one.
  test('drizzle:pg (node-postgres): connection resets during BEGIN and mid-transaction neither leak nor crash', async () => {
    const pool = new pg.Pool({ connectionString: viaProxy.toString(), max: 2 });
    const adapter = drizzleAdapter(drizzle(pool, { schema }), {
      users: {
        model: schema.appUsers,
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: appFields,
        active: 'isActive',
      },
    });
    const org = `org_${randomUUID()}`;
    // Warm both connections, so the resets hit clients the pool has handed out before.
    await Promise.all([adapter.claimEvents([record(org)]), adapter.claimEvents([record(org)])]);

    for (let round = 0; round < 5; round++) {
      proxy.cutDuringBegin();
      await expect(adapter.claimEvents([record(org)])).rejects.toThrow();
      proxy.cutAfterBegin();
      await expect(adapter.claimEvents([record(org)])).rejects.toThrow();
    }
    expect(proxy.resets).toBe(10);

    // Every checkout came back: the pool of two serves two transactions at once and holds nothing.
    const later = [record(org), record(org)];
    expect(await Promise.all(later.map((event) => adapter.claimEvents([event])))).toEqual(later.map((e) => [e.id]));
    expect((await adapter.getEvent(later[0]!.id))?.organizationId).toBe(org);
    expect(pool.waitingCount).toBe(0);
    expect(pool.idleCount).toBe(pool.totalCount);

    // A leaked checkout would keep this waiting for ever (the test's timeout).
    await pool.end();
    expect(pool.totalCount).toBe(0);
  });
}
