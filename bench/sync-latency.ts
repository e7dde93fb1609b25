/**
 * A full sync against a far-away Scalekit: 100,000 users into PostgreSQL through @scim/adapter-drizzle, with the
 * simulator (in its own process) answering every request 50 ms late, beside the listing alone at the same latency
 * (every page through the real @scalekit-sdk/node client, nothing stored). Each page is then a round trip, so the
 * listing bounds any sync; the goal is a sync within 1.1x of it, its database work hidden behind the listing.
 * Both start with a fresh client, so both pay the SDK's token round trips. Where the sync's time goes (before the
 * first user page, the user listing and its idle gaps, after the last page) comes from timing every API and store
 * call. With `--rounds n`, each round runs the listing then the sync; the figure is the median of the rounds' ratios.
 * Own database `scim_bench_sync_latency`, created afresh. Writes bench/results/sync-latency.json.
 *
 * Run: pnpm --filter @scim/bench sync-latency [--users 100000] [--latency 50] [--rounds 1]
 *        [--concurrency n] [--batch-size n] [--no-detail]      (after pnpm build)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ScalekitClient } from '@scalekit-sdk/node';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { createScimEngine, type SyncEngineOptions, silentLogger } from '@scim/core';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type Breakdown, breakdown, timedAdapter, timedClient } from './call-timeline.js';
import { type CpuFigures, startCpuMeter } from './cpu-meter.js';
import { createDrizzleDatabase } from './databases.js';
import { appUserMapping } from './drizzle-app.js';
import * as schema from './drizzle-schema.js';
import { type Seeded, startSimulatorProcess } from './simulator-process.js';

const GOAL = 1.1;
const PAGE_SIZE = 100;
const DATABASE = 'scim_bench_sync_latency';

function flag(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

const { values } = parseArgs({
  strict: true,
  options: {
    users: { type: 'string' },
    latency: { type: 'string' },
    rounds: { type: 'string' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    'no-detail': { type: 'boolean' },
  },
});
const USERS = flag(values.users, 'users', 100_000, 1);
const LATENCY_MS = flag(values.latency, 'latency', 50, 0);
const ROUNDS = flag(values.rounds, 'rounds', 1, 1);
const INCLUDE_DETAIL = values['no-detail'] !== true;
const sync: SyncEngineOptions = {
  pageSize: PAGE_SIZE,
  includeDetail: INCLUDE_DETAIL,
  ...(values.concurrency === undefined ? {} : { concurrency: flag(values.concurrency, 'concurrency', 2, 1) }),
  ...(values['batch-size'] === undefined ? {} : { batchSize: flag(values['batch-size'], 'batch-size', 500, 1) }),
};

process.once('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});

const url = await createDrizzleDatabase(DATABASE);
// Room for the batches in flight, the checkpoint writes and the lease renewals; kept open, so that the CPU of
// the same backends is measured from before a sync to after it.
const POOL = Math.max(4, (sync.concurrency ?? 2) + 2);
const pool = new pg.Pool({ connectionString: url, max: POOL, idleTimeoutMillis: 0 });
const db = drizzle(pool, { schema });
const truncate = () =>
  db.execute(
    sql`truncate app_users, scim_events, scim_entities, scim_groups, scim_memberships, scim_directories, scim_sync_states, scim_leases`,
  );

const simulator = await startSimulatorProcess(USERS);
const { seeded } = simulator;
const { organizationId, directoryId } = seeded;
const freshClient = (s: Seeded) => new ScalekitClient(s.url, s.credentials.clientId, s.credentials.clientSecret);
const setLatency = (ms: number) => simulator.request({ cmd: 'latency', ms }, 'latencyMs');
const tokensIssued = async () =>
  (await simulator.request<{ stats: { tokensIssued: number } }>({ cmd: 'stats' }, 'stats')).stats.tokensIssued;

interface Run {
  seconds: number;
  tokens: number;
  timeline: Breakdown;
  cpu: CpuFigures;
}

/** The pool's connections, all open, and the pids of their backends. */
async function backendPids(): Promise<number[]> {
  const clients = await Promise.all(Array.from({ length: POOL }, () => pool.connect()));
  const { rows } = await clients[0]!.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  const pids = [
    ...rows.map((r) => r.pid),
    (await clients[0]!.query<{ pid: number }>('select pg_backend_pid() pid')).rows[0]!.pid,
  ];
  for (const client of clients) client.release();
  return pids;
}

const meter = async () => startCpuMeter({ simulator: [simulator.child.pid!], database: await backendPids() });

async function listingAlone(): Promise<Run & { listed: number }> {
  const timed = timedClient(freshClient(seeded));
  const tokensBefore = await tokensIssued();
  const stop = await meter();
  const start = performance.now();
  let listed = 0;
  let pageToken = '';
  do {
    const page = await timed.client.directory.listDirectoryUsers(organizationId, directoryId, {
      pageSize: PAGE_SIZE,
      pageToken,
      includeDetail: INCLUDE_DETAIL,
    });
    listed += page.users.length;
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  const end = performance.now();
  const cpu = stop();
  return {
    listed,
    cpu,
    seconds: (end - start) / 1000,
    tokens: (await tokensIssued()) - tokensBefore,
    timeline: breakdown(timed.calls, start, end),
  };
}

async function fullSync(): Promise<Run & { written: number }> {
  await truncate();
  const timed = timedClient(freshClient(seeded));
  const engine = createScimEngine({
    adapter: timedAdapter(drizzleAdapter(db, { users: appUserMapping }), timed.calls),
    logger: silentLogger,
    scalekit: timed.client,
    webhookSecret: 'whsec_AAAA',
    sync,
  });
  const tokensBefore = await tokensIssued();
  const stop = await meter();
  const start = performance.now();
  const report = await engine.sync({ organizationId, directoryId });
  const end = performance.now();
  const cpu = stop();
  const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from app_users');
  const written = rows[0]!.n;
  if (written !== USERS || report.users.created !== USERS) {
    throw new Error(`the sync wrote ${written} users and created ${report.users.created}, expected ${USERS}`);
  }
  return {
    written,
    cpu,
    seconds: (end - start) / 1000,
    tokens: (await tokensIssued()) - tokensBefore,
    timeline: breakdown(timed.calls, start, end),
  };
}

// A first listing, unmeasured and without latency, warms the simulator (it stands in for Scalekit, whose
// warm-up is no one's cost here) and this process's SDK code.
await setLatency(0);
await listingAlone();
await setLatency(LATENCY_MS);

// Interleaved, so that a busy spell of the machine falls on both alike.
const listings: Awaited<ReturnType<typeof listingAlone>>[] = [];
const syncs: Awaited<ReturnType<typeof fullSync>>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  listings.push(await listingAlone());
  syncs.push(await fullSync());
}
await simulator.close();
await pool.end();

// A round's two runs met the same machine: its ratio is the figure, and the round with the median ratio is shown.
const rounds = listings.map((listing, i) => ({ listing, sync: syncs[i]!, ratio: syncs[i]!.seconds / listing.seconds }));
const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
const middle = byRatio.length / 2;
const ratio =
  byRatio.length % 2 === 1
    ? byRatio[Math.floor(middle)]!.ratio
    : (byRatio[middle - 1]!.ratio + byRatio[middle]!.ratio) / 2;
const shown = byRatio[Math.ceil(middle) - 1]!;
const { listing, sync: ours } = shown;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmt = (n: number) => n.toLocaleString('en-US');
const settings = `batchSize ${sync.batchSize ?? 'default'}, concurrency ${sync.concurrency ?? 'default'}, includeDetail ${INCLUDE_DETAIL}`;
console.log(
  `full sync of ${fmt(USERS)} users into PostgreSQL through @scim/adapter-drizzle, Directory API at ${LATENCY_MS} ms a request (simulator in its own process; ${settings}):`,
);
if (ROUNDS > 1)
  console.log(`  the round of the median ratio, of ${ROUNDS} (listing alone, then the sync, each round):`);
const l = listing.timeline;
const page = (b: Breakdown) =>
  `page mean ${b.userPageMeanMs.toFixed(1)} ms, median ${b.userPageMedianMs.toFixed(1)} ms`;
console.log(
  `  listing alone: ${listing.seconds.toFixed(2)} s (${fmt(l.userPages)} pages of ${PAGE_SIZE} through @scalekit-sdk/node, nothing stored; ${page(l)}; the first ${s(l.firstUserPageMs)}, with ${listing.tokens} token request)`,
);
const t = ours.timeline;
const tail = Object.entries(t.afterUsersByStoreMethod)
  .sort((a, b) => b[1] - a[1])
  .map(([method, ms]) => `${method} ${s(ms)}`)
  .join(', ');
console.log(`  full sync:     ${ours.seconds.toFixed(2)} s`);
console.log(
  `    before the first user page ${s(t.beforeUsersMs)} (the token, ${t.groupPages} group pages in ${s(t.groupListingMs)}, their writes)`,
);
console.log(
  `    user listing ${s(t.userListingMs)} (${fmt(t.userPages)} pages; ${page(t)}; idle between pages ${s(t.userListingIdleMs)})`,
);
console.log(`    after the last user page ${s(t.afterUsersMs)} (store calls, overlapping: ${tail})`);
console.log(
  `    transactions: ${fmt(t.transactions.count)}, median ${t.transactions.medianMs.toFixed(0)} ms, p90 ${t.transactions.p90Ms.toFixed(0)} ms, max ${t.transactions.maxMs.toFixed(0)} ms`,
);
for (const [name, run] of [
  ['listing alone', listing],
  ['full sync', ours],
] as const) {
  const { cpu } = run;
  const loop = cpu.eventLoopDelayMs;
  console.log(
    `  ${name}, CPU: this process ${cpu.process.toFixed(1)} s (event-loop delay mean ${loop.mean} ms, p99 ${loop.p99} ms), simulator ${cpu.others.simulator!.toFixed(1)} s, PostgreSQL ${cpu.others.database!.toFixed(1)} s; machine ${Math.round(100 * cpu.machineBusy)}% busy (other work on it included)`,
  );
}
const perRound = rounds.map(
  (r) => `${r.sync.seconds.toFixed(1)}/${r.listing.seconds.toFixed(1)} s = ${r.ratio.toFixed(3)}x`,
);
console.log(
  `  sync / listing alone: ${ratio.toFixed(3)}x${ROUNDS > 1 ? `, median of the rounds (${perRound.join('; ')})` : ''} (goal <= ${GOAL}x)${ratio <= GOAL ? '' : '  ABOVE THE GOAL'}`,
);

const run = (r: Run) => ({ seconds: r.seconds, tokens: r.tokens, timeline: r.timeline, cpu: r.cpu });
const result = {
  benchmark: 'sync-latency',
  node: process.version,
  database: 'PostgreSQL through node-postgres',
  users: USERS,
  latencyMs: LATENCY_MS,
  pageSize: PAGE_SIZE,
  sync: {
    batchSize: sync.batchSize ?? 'default',
    concurrency: sync.concurrency ?? 'default',
    includeDetail: INCLUDE_DETAIL,
  },
  ratio,
  goal: GOAL,
  rounds: rounds.map((r) => ({ ratio: r.ratio, listingAlone: run(r.listing), fullSync: run(r.sync) })),
};
const here = new URL('.', import.meta.url);
mkdirSync(new URL('./results/', here), { recursive: true });
const rounded = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
writeFileSync(new URL('./results/sync-latency.json', here), `${JSON.stringify(result, rounded, 2)}\n`);
