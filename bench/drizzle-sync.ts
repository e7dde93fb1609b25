/**
 * A full sync of 100,000 users from the simulator (in its own process, through the real
 * @scalekit-sdk/node client) into PostgreSQL through @scim/adapter-drizzle, beside
 *  - the naive loop: list a page, then await one Drizzle upsert per user (run on the first 5,000
 *    users, reported in users/s), and
 *  - the raw limit: the same 100,000 rows written straight into the app's table with batched
 *    `INSERT ... ON CONFLICT DO UPDATE` through node-postgres (no API, no bookkeeping), and
 *  - the listing alone: every page through the SDK, nothing stored (the ceiling of any sync).
 * Own database `scim_bench_drizzle`, created afresh. Writes bench/results/drizzle-sync.json.
 *
 * Run: pnpm --filter @scim/bench drizzle  (after pnpm build).  BENCH_DRIZZLE_USERS=10000 for a short run,
 * BENCH_SYNC_CONCURRENCY=n for another `sync.concurrency` than the engine's default.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { ScalekitClient } from '@scalekit-sdk/node';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { createScimEngine, silentLogger } from '@scim/core';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleDatabase } from './databases.js';
import { appUserMapping } from './drizzle-app.js';
import * as schema from './drizzle-schema.js';
import { startSimulatorProcess } from './simulator-process.js';

const USERS = Number(process.env.BENCH_DRIZZLE_USERS ?? 100_000);
const NAIVE_USERS = Math.min(USERS, Number(process.env.BENCH_DRIZZLE_NAIVE_USERS ?? 5_000));
const RAW_BATCH = 1000;
/** User batches the sync writes at once (`sync.concurrency`); the engine's default when unset. */
const CONCURRENCY =
  process.env.BENCH_SYNC_CONCURRENCY === undefined ? undefined : Number(process.env.BENCH_SYNC_CONCURRENCY);
const DATABASE = 'scim_bench_drizzle';
const here = new URL('.', import.meta.url);

const url = await createDrizzleDatabase(DATABASE);
// Room for the batches in flight, the checkpoint writes and the lease renewals.
const pool = new pg.Pool({ connectionString: url, max: Math.max(4, (CONCURRENCY ?? 2) + 2) });
const db = drizzle(pool, { schema });
const { appUsers } = schema;
const truncate = () =>
  db.execute(
    sql`truncate app_users, scim_events, scim_entities, scim_groups, scim_memberships, scim_directories, scim_sync_states, scim_leases`,
  );

process.once('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});
const simulator = await startSimulatorProcess(USERS);
const { seeded } = simulator;
const { organizationId, directoryId } = seeded;
const client = new ScalekitClient(seeded.url, seeded.credentials.clientId, seeded.credentials.clientSecret);

// Every scenario runs on a warm simulator: it stands in for Scalekit, whose warm-up is no one's cost
// here. A first full listing, unmeasured, warms its code.
async function listAll(): Promise<number> {
  let count = 0;
  let token = '';
  do {
    const page = await client.directory.listDirectoryUsers(organizationId, directoryId, {
      pageSize: 100,
      pageToken: token,
    });
    count += page.users.length;
    token = page.nextPageToken;
  } while (token !== '');
  return count;
}
await listAll();

// 1. The naive loop, on the first NAIVE_USERS users.
let naiveUsers = 0;
const naiveStart = performance.now();
let pageToken = '';
do {
  const page = await client.directory.listDirectoryUsers(organizationId, directoryId, { pageSize: 100, pageToken });
  for (const user of page.users) {
    if (naiveUsers >= NAIVE_USERS) break;
    const row = {
      email: user.email,
      givenName: user.givenName,
      familyName: user.familyName,
      username: user.preferredUsername,
      isActive: true,
    };
    await db
      .insert(appUsers)
      .values({ scimOrganizationId: organizationId, scimUserId: user.id, ...row })
      .onConflictDoUpdate({ target: [appUsers.scimOrganizationId, appUsers.scimUserId], set: row });
    naiveUsers++;
  }
  pageToken = page.nextPageToken;
} while (pageToken !== '' && naiveUsers < NAIVE_USERS);
const naiveSeconds = (performance.now() - naiveStart) / 1000;

// 2. The listing alone: every page through the SDK, nothing done with the users. No sync, of any
// adapter, can be faster than this.
const listingStart = performance.now();
const listed = await listAll();
const listingSeconds = (performance.now() - listingStart) / 1000;

// 3. Ours: a full sync through the engine and the adapter, bookkeeping included.
await truncate();
const engine = createScimEngine({
  adapter: drizzleAdapter(db, { users: appUserMapping }),
  logger: silentLogger,
  scalekit: client,
  webhookSecret: 'whsec_AAAA',
  sync: { includeDetail: false, ...(CONCURRENCY === undefined ? {} : { concurrency: CONCURRENCY }) },
});
const oursStart = performance.now();
const report = await engine.sync({ organizationId, directoryId });
const oursSeconds = (performance.now() - oursStart) / 1000;
const written = (
  await db.execute(
    sql`select (select count(*) from app_users)::int as users, (select count(*) from scim_entities)::int as versions, (select count(*) from scim_memberships)::int as memberships`,
  )
).rows[0] as { users: number; versions: number; memberships: number };
const count = written.users;
if (count !== USERS || report.users.listed !== USERS) {
  throw new Error(`the sync wrote ${count} users and listed ${report.users.listed}, expected ${USERS}`);
}

// 4. The raw limit: the rows the sync wrote, written again into an empty table in batches.
const rows = (
  await pool.query<{ o: string; u: string; e: string | null; g: string | null; f: string | null; n: string | null }>(
    'select scim_organization_id o, scim_user_id u, email e, given_name g, family_name f, username n from app_users',
  )
).rows;
await pool.query('truncate app_users');
const rawClient = await pool.connect();
const rawStart = performance.now();
for (let i = 0; i < rows.length; i += RAW_BATCH) {
  const batch = rows.slice(i, i + RAW_BATCH);
  const params: unknown[] = [];
  const values = batch.map((r) => {
    params.push(r.o, r.u, r.e, r.g, r.f, r.n);
    const n = params.length;
    return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}, true)`;
  });
  await rawClient.query(
    `insert into app_users (scim_organization_id, scim_user_id, email, given_name, family_name, username, is_active)
     values ${values.join(', ')}
     on conflict (scim_organization_id, scim_user_id) do update set email = excluded.email,
       given_name = excluded.given_name, family_name = excluded.family_name, username = excluded.username,
       is_active = excluded.is_active`,
    params,
  );
}
const rawSeconds = (performance.now() - rawStart) / 1000;
rawClient.release();

await simulator.close();
await pool.end();

const oursRate = Math.round(USERS / oursSeconds);
const naiveRate = Math.round(naiveUsers / naiveSeconds);
const rawRate = Math.round(rows.length / rawSeconds);
const listingRate = Math.round(listed / listingSeconds);
const result = {
  benchmark: 'drizzle-sync',
  node: process.version,
  database: 'PostgreSQL through node-postgres',
  users: USERS,
  concurrency: CONCURRENCY ?? 'default',
  ours: {
    usersPerSecond: oursRate,
    seconds: Number(oursSeconds.toFixed(2)),
    created: report.users.created,
    rowsWritten: written,
  },
  naive: { users: naiveUsers, usersPerSecond: naiveRate, seconds: Number(naiveSeconds.toFixed(2)) },
  raw: { users: rows.length, batch: RAW_BATCH, usersPerSecond: rawRate, seconds: Number(rawSeconds.toFixed(2)) },
  listingAlone: { users: listed, usersPerSecond: listingRate, seconds: Number(listingSeconds.toFixed(2)) },
  oursOverNaive: Number((oursRate / naiveRate).toFixed(1)),
  oursOverRaw: Number((oursRate / rawRate).toFixed(3)),
};
const fmt = (n: number) => n.toLocaleString('en-US');
console.log(
  `full sync of ${fmt(USERS)} users into PostgreSQL through @scim/adapter-drizzle (simulator in its own process; sync.concurrency ${CONCURRENCY ?? 'default'}):`,
);
console.log(
  `  ours:  ${fmt(oursRate)} users/s, ${oursSeconds.toFixed(2)} s (listing, planning, and writing ${fmt(written.users)} users, ${fmt(written.versions)} version rows, ${fmt(written.memberships)} memberships)`,
);
console.log(
  `  naive: ${fmt(naiveRate)} users/s, measured on the first ${fmt(naiveUsers)} users (${naiveSeconds.toFixed(2)} s; list a page, await a Drizzle upsert per user)`,
);
console.log(
  `  raw:   ${fmt(rawRate)} users/s, ${rawSeconds.toFixed(2)} s (the same rows, INSERT ... ON CONFLICT in batches of ${RAW_BATCH}, no API, no bookkeeping)`,
);
console.log(
  `  listing alone: ${fmt(listingRate)} users/s (every page through @scalekit-sdk/node, 100 users a page, nothing stored) = ${((100 * listingRate) / rawRate).toFixed(0)}% of raw, ${(listingRate / naiveRate).toFixed(1)}x naive: the ceiling of any sync here`,
);
console.log(
  `  ours / naive: ${result.oursOverNaive}x (target >= 10x);  ours / raw: ${(result.oursOverRaw * 100).toFixed(1)}% (target >= 50%)`,
);
mkdirSync(new URL('./results/', here), { recursive: true });
writeFileSync(new URL('./results/drizzle-sync.json', here), `${JSON.stringify(result, null, 2)}\n`);
