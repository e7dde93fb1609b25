/**
 * @scim/sql's bookkeeping (the port of examples/pg-adapter) against @scim/adapter-drizzle's, on the same workloads,
 * side by side in one run (since @scim/adapter-drizzle runs @scim/sql's statements too, the two now differ by their
 * port: Drizzle's session and transactions against plain node-postgres): PostgreSQL through node-postgres, the engine in this process, the directory in memory
 * (`memoryDirectory` of @scim/adapter-test-suite), so the figures are the engine's and the database's work.
 *  - a full sync of BENCH_SQL_USERS (30,000) users in 60 groups, each user in two;
 *  - BENCH_SQL_EVENTS (4,000) webhook events of four organizations (groups, user creates with groups, updates,
 *    10% redeliveries), applied 32 at a time through `engine.applyEvent` (the engine's group commit on).
 * Three targets each: `drizzle` (its table mapping into `app_users`), `sql, table` (the example's port with a table
 * mapping into the same `app_users` written the way Drizzle's is, so the two differ by their bookkeeping) and
 * `sql, service` (the example adapter as it is: the app's own create and update, a plain INSERT or UPDATE through
 * `ctx.tx`, one statement a user). Rounds interleaved on emptied tables; medians of BENCH_SQL_ROUNDS (3).
 * Databases `scim_bench_sql_drizzle` and `scim_bench_sql_pg` (TEST_POSTGRES_URL). Writes bench/results/sql-bookkeeping.json.
 *
 * Run: pnpm --filter @scim/bench sql  (after pnpm build).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { memoryDirectory, scalekitEvents } from '@scim/adapter-test-suite';
import { createScimEngine, parseDirectoryEvent, type ScimAdapter, type ScimEngine, silentLogger } from '@scim/core';
import { createBookkeepingTables, pgAdapter, pgPort } from '@scim/example-pg-adapter';
import { sqlAdapter } from '@scim/sql';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleDatabase, createEmptyDatabase } from './databases.js';
import { appUserMapping } from './drizzle-app.js';
import * as schema from './drizzle-schema.js';
import { APP_USERS_SQL, appUserService, appUsersMapping } from './sql-app.js';

const USERS = Number(process.env.BENCH_SQL_USERS ?? 30_000);
const EVENTS = Number(process.env.BENCH_SQL_EVENTS ?? 4_000);
const ROUNDS = Number(process.env.BENCH_SQL_ROUNDS ?? 3);
const GROUPS = 60;
const IN_FLIGHT = 32;
const POOL = 10;

const drizzlePool = new pg.Pool({ connectionString: await createDrizzleDatabase('scim_bench_sql_drizzle'), max: POOL });
const sqlPool = new pg.Pool({ connectionString: await createEmptyDatabase('scim_bench_sql_pg'), max: POOL });
await createBookkeepingTables(sqlPool);
await sqlPool.query(APP_USERS_SQL);

type Target = 'drizzle' | 'sql, table' | 'sql, service';
const TARGETS: Target[] = ['drizzle', 'sql, table', 'sql, service'];

function adapterOf(target: Target): { adapter: ScimAdapter; pool: pg.Pool; service: boolean } {
  if (target === 'drizzle') {
    const adapter = drizzleAdapter(drizzle(drizzlePool, { schema }), { users: appUserMapping }) as ScimAdapter;
    return { adapter, pool: drizzlePool, service: false };
  }
  if (target === 'sql, table') {
    return {
      adapter: sqlAdapter(pgPort(sqlPool), { name: 'pg', userTable: appUsersMapping }),
      pool: sqlPool,
      service: false,
    };
  }
  return { adapter: pgAdapter(sqlPool), pool: sqlPool, service: true };
}

async function empty(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' and (tablename like 'scim_%' or tablename = 'app_users')",
  );
  await pool.query(`truncate ${rows.map((r) => r.name).join(', ')}`);
}

async function counts(pool: pg.Pool): Promise<{ users: number; versions: number; memberships: number; inbox: number }> {
  const { rows } = await pool.query(
    'select (select count(*) from app_users)::int as users, (select count(*) from scim_entities)::int as versions, ' +
      '(select count(*) from scim_memberships)::int as memberships, (select count(*) from scim_events)::int as inbox',
  );
  return rows[0];
}

function engineOf(target: Target, scalekit?: ReturnType<typeof memoryDirectory>['client']): ScimEngine {
  const { adapter, service } = adapterOf(target);
  return createScimEngine({
    adapter,
    ...(service ? { users: appUserService } : {}),
    logger: silentLogger,
    ...(scalekit === undefined ? {} : { scalekit }),
    sync: { includeDetail: false },
  } as Parameters<typeof createScimEngine>[0]);
}

// The sync's directory, the same for every target and round.
const organizationId = 'org_bench_sql';
const directory = memoryDirectory({ organizationId });
const events = scalekitEvents({ organizationId });
for (let g = 0; g < GROUPS; g++) directory.putGroup({ id: `dirgroup_${g}`, displayName: `Group ${g}` });
for (let u = 0; u < USERS; u++) {
  const groups = [{ id: `dirgroup_${u % GROUPS}` }, { id: `dirgroup_${(u * 7 + 1) % GROUPS}` }];
  directory.putUser(events.user(`diruser_${String(u).padStart(6, '0')}`, { groups }));
}

async function syncOnce(target: Target): Promise<{ seconds: number; written: Awaited<ReturnType<typeof counts>> }> {
  const { pool } = adapterOf(target);
  await empty(pool);
  const engine = engineOf(target, directory.client);
  const start = performance.now();
  const report = await engine.sync({ organizationId, directoryId: directory.directoryId });
  const seconds = (performance.now() - start) / 1000;
  const written = await counts(pool);
  if (report.users.listed !== USERS || written.users !== USERS) {
    throw new Error(`${target}: the sync listed ${report.users.listed} and wrote ${written.users} users, not ${USERS}`);
  }
  return { seconds, written };
}

/** The webhook workload: raw events in delivery order, the same for every target and round. */
function webhookEvents(): unknown[] {
  const out: unknown[] = [];
  const perOrg = EVENTS / 4;
  for (let o = 0; o < 4; o++) {
    const org = scalekitEvents({ organizationId: `org_bench_hooks_${o}` });
    const groups = Array.from({ length: 10 }, (_, g) => `dirgroup_${g}`);
    const mine: unknown[] = groups.map((id) =>
      org.groupCreated({ id, display_name: id, organization_id: `org_bench_hooks_${o}` } as never),
    );
    const users = Math.floor(perOrg * 0.6);
    for (let u = 0; u < users; u++) {
      const id = `diruser_${u}`;
      mine.push(org.userCreated(org.user(id, { groups: [{ id: groups[u % 10]! }, { id: groups[(u + 3) % 10]! }] })));
    }
    while (mine.length < perOrg * 0.9) {
      const u = mine.length % users;
      mine.push(
        org.userUpdated(org.user(`diruser_${u}`, { given_name: `G${mine.length}`, groups: [{ id: groups[u % 10]! }] })),
      );
    }
    // Redeliveries of earlier events.
    while (mine.length < perOrg) mine.push(mine[(mine.length * 7919) % mine.length]);
    out.push(...mine);
  }
  return out;
}
const deliveries = webhookEvents();

async function webhooksOnce(target: Target): Promise<{ seconds: number; written: Awaited<ReturnType<typeof counts>> }> {
  const { pool } = adapterOf(target);
  await empty(pool);
  const engine = engineOf(target);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < deliveries.length) await engine.applyEvent(parseDirectoryEvent(deliveries[next++]));
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { seconds, written: await counts(pool) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results: Record<string, Record<Target, number[]>> = { sync: {} as never, webhooks: {} as never };
const written: Record<string, Record<Target, unknown>> = { sync: {} as never, webhooks: {} as never };
for (const target of TARGETS) {
  results.sync![target] = [];
  results.webhooks![target] = [];
  await syncOnce(target); // warm-up
}
for (let round = 0; round < ROUNDS; round++) {
  for (const target of TARGETS) {
    const sync = await syncOnce(target);
    results.sync![target].push(USERS / sync.seconds);
    written.sync![target] = sync.written;
    const hooks = await webhooksOnce(target);
    results.webhooks![target].push(deliveries.length / hooks.seconds);
    written.webhooks![target] = hooks.written;
  }
}
await drizzlePool.end();
await sqlPool.end();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const summary: Record<string, unknown> = {};
for (const [workload, unit] of [
  ['sync', 'users/s'],
  ['webhooks', 'events/s'],
] as const) {
  const row = Object.fromEntries(TARGETS.map((t) => [t, median(results[workload]![t])])) as Record<Target, number>;
  summary[workload] = {
    medians: row,
    rounds: results[workload],
    written: written[workload],
    sqlTableOverDrizzle: Number((row['sql, table'] / row.drizzle).toFixed(2)),
    sqlServiceOverDrizzle: Number((row['sql, service'] / row.drizzle).toFixed(2)),
    serviceOverTable: Number((row['sql, service'] / row['sql, table']).toFixed(2)),
  };
  const title =
    workload === 'sync'
      ? `full sync of ${fmt(USERS)} users (${GROUPS} groups, two each), in process`
      : `${fmt(deliveries.length)} webhook events, ${IN_FLIGHT} at a time, in process`;
  console.log(`${title}, medians of ${ROUNDS} rounds:`);
  for (const target of TARGETS) console.log(`  ${target.padEnd(13)} ${fmt(row[target]).padStart(7)} ${unit}`);
  console.log(
    `  sql, table / drizzle: ${(row['sql, table'] / row.drizzle).toFixed(2)}x;  sql, service / sql, table: ${(row['sql, service'] / row['sql, table']).toFixed(2)}x`,
  );
}
const here = new URL('.', import.meta.url);
mkdirSync(new URL('./results/', here), { recursive: true });
writeFileSync(
  new URL('./results/sql-bookkeeping.json', here),
  `${JSON.stringify({ benchmark: 'sql-bookkeeping', node: process.version, users: USERS, events: deliveries.length, ...summary }, null, 2)}\n`,
);
