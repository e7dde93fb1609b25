import { createHash } from 'node:crypto';
import { conformanceTestIds, runAdapterConformance } from '@scim/adapter-test-suite';
import { sqlBackdoor } from '@scim/sql/testing';
import pg from 'pg';
import { afterAll, test } from 'vitest';
import { createBookkeepingTables, pgAdapter } from '../src/pg-adapter.js';
import { appUsers, createAppUsers } from './app-users.js';

const BASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// This checkout's own database: other checkouts run the same tests against the same server at the same time.
const DATABASE = `scim_example_pg_${createHash('sha1')
  .update(import.meta.url)
  .digest('hex')
  .slice(0, 10)}`;

async function recreate(): Promise<string> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(BASE_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

// This adapter has no table mapping, so an engine over it needs the app's user functions: the table-mode
// tests that drive an engine are left out (the service-mode run, `service:<suite>`, has them all), and
// so are those of the mapping's own methods. The table-mode tests of the bookkeeping itself run.
const BOOKKEEPING =
  /^(store|sync-state)\/|^concurrency\/parallel (claims|advanceEntities|lease)|^conflicts\/two transactions/;
const TABLE_METHODS = /upsertUsers|patchUsers|deleteUsers|capabilities are declared/;
const needsTableMapping = (id: string) =>
  !id.startsWith('service:') && id.includes('/') && (!BOOKKEEPING.test(id) || TABLE_METHODS.test(id));

let url: string | undefined;
try {
  url = await recreate();
} catch (error) {
  if (process.env.CI) throw new Error('PostgreSQL is not reachable; CI requires it', { cause: error });
  test.skip(`PostgreSQL is not reachable (${(error as Error).message}): the conformance suite needs it`, () => {});
}

if (url !== undefined) {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  // A second pool: the peer adapter races the first the way a second app instance would.
  const second = new pg.Pool({ connectionString: url, max: 5 });
  afterAll(() => Promise.all([pool.end(), second.end()]));
  await createBookkeepingTables(pool);
  await createAppUsers(pool);

  const adapter = pgAdapter(pool);
  // Plain SELECTs on the pool, never through the adapter: the suite checks what the database holds.
  const backdoor = {
    ...sqlBackdoor(
      { query: async (text, params) => (await pool.query(text, params)).rows, execute: async () => 0 },
      'postgresql',
    ),
    readUser: () => null,
  };
  runAdapterConformance({
    name: 'pg (example adapter on @scim/sql)',
    setup: () => ({ adapter, backdoor }),
    serviceMode: () => ({ adapter, app: appUsers(pool) }),
    peer: () => ({ adapter: pgAdapter(second) }),
    skip: conformanceTestIds().filter(needsTableMapping),
  });
}
