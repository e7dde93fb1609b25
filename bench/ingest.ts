/**
 * Webhook ingest over real HTTP into PostgreSQL, 32 concurrent senders, beside the naive handler of Scalekit's docs:
 *  - Express 5 + @scim/http-express, and Fastify 5 + @scim/http-fastify, both on the engine with
 *    @scim/adapter-drizzle over a pg.Pool (inbox claim, versions, tombstones, groups, memberships, one transaction),
 *  - the same Express 5 app with `scimRouter` served in front of it on the node:http server (the webhook never runs
 *    through Express's stack; every other request goes on to the app),
 *  - naive: Express 5, `express.raw()`, the SDK's `verifyWebhookPayload`, one `INSERT ... ON CONFLICT DO UPDATE` of
 *    the user row through `pg`, group events acknowledged and dropped (no inbox, no versions).
 * Each server runs in its own process; this process signs and sends. Every target gets the same deliveries (a seeded
 * mix of user and group events over four organizations, ~15% redeliveries, ~10% held back so they arrive late).
 * A warm-up round per target, then rounds interleaved across targets, each on emptied tables; medians reported.
 * After every round the database is compared with the end state the events must leave.
 * Own database `scim_bench_ingest` (TEST_POSTGRES_URL). Writes bench/results/ingest.json.
 *
 * Run: pnpm --filter @scim/bench ingest  (after pnpm build).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { generateWebhookSecret } from '@scim/core/testing';
import pg from 'pg';
import { createDrizzleDatabase } from './databases.js';
import { checkAll, checkUsers, type FullCheck, type UserCheck } from './ingest/check.js';
import { ingestPlan } from './ingest/events.js';
import { type LoadResult, load, percentile, sign } from './ingest/load.js';

const DELIVERIES = Number(process.env.BENCH_INGEST_DELIVERIES ?? 8000);
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3);
const SENDERS = Number(process.env.BENCH_INGEST_SENDERS ?? 32);
const POOL_SIZE = Number(process.env.BENCH_INGEST_POOL ?? 10);
const DATABASE = 'scim_bench_ingest';
const TARGETS = {
  express: 'Express 5 + @scim/http-express',
  expressFront: 'Express 5 app, @scim/http-express in front',
  fastify: 'Fastify 5 + @scim/http-fastify',
  naive: 'naive (Express 5, SDK verify, pg upsert)',
} as const;
type TargetKey = keyof typeof TARGETS;
const GOALS = { eventsPerSecond: 2000, p99Ms: 50, overNaive: 0.8 };

function startServer(target: TargetKey, databaseUrl: string, secret: string) {
  const child: ChildProcess = fork(new URL('./ingest/server.ts', import.meta.url), [target], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_INGEST_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: {
      ...process.env,
      INGEST_DATABASE_URL: databaseUrl,
      INGEST_WEBHOOK_SECRET: secret,
      INGEST_POOL_SIZE: String(POOL_SIZE),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<{ url: string; child: ChildProcess }>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve({ url: message.url, child }));
    child.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
  });
}

/** CPU time the server process has used so far, in microseconds, and the statements it sent PostgreSQL. */
function serverCounters(child: ChildProcess): Promise<{ cpuMicros: number; statements: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: { cpuMicros?: number; statements?: number }) => {
      if (message.cpuMicros === undefined) return;
      child.off('message', onMessage);
      resolve({ cpuMicros: message.cpuMicros, statements: message.statements ?? 0 });
    };
    child.on('message', onMessage);
    child.send({ cmd: 'cpu' });
  });
}

/** The server processes of this database's connections. */
async function backendPids(): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database()',
  );
  return rows.map((row) => row.pid);
}

/**
 * CPU time of these PostgreSQL server processes so far (Linux `/proc`, clock ticks of 10 ms), by pid, in
 * microseconds; null where `/proc` is not there (or PostgreSQL runs on another machine).
 */
function postgresCpuMicros(pids: readonly number[]): Map<number, number> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100);
    } catch {
      // Not a process of this machine, or it ended meanwhile.
    }
  }
  return cpu.size === 0 ? null : cpu;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const plan = ingestPlan(DELIVERIES);
const secret = generateWebhookSecret();
const databaseUrl = await createDrizzleDatabase(DATABASE);
const admin = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const postgresVersion = (await admin.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
const truncate = () =>
  admin.query(
    'truncate app_users, scim_events, scim_entities, scim_groups, scim_memberships, scim_directories, scim_sync_states, scim_leases',
  );

const keys = Object.keys(TARGETS) as TargetKey[];
const servers = new Map<TargetKey, { url: string; child: ChildProcess }>();
for (const key of keys) servers.set(key, await startServer(key, databaseUrl, secret));

interface Round {
  load: LoadResult;
  /** CPU time of the server process (Node: HTTP, verification, engine, driver), not PostgreSQL's. */
  serverCpuMsPerEvent: number;
  /** Statements the server sent PostgreSQL (BEGIN and COMMIT included), per delivery. */
  statementsPerEvent: number;
  /** CPU time of this database's PostgreSQL server processes per delivery (null without `/proc`). */
  postgresCpuMsPerEvent: number | null;
  check: FullCheck | UserCheck;
}
const rounds = new Map<TargetKey, Round[]>(keys.map((k) => [k, []]));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load1 = loadavg()[0]!.toFixed(2);

console.log(
  `ingest benchmark: ${fmt(plan.deliveries.length)} deliveries a round (${fmt(plan.distinctEvents)} distinct events, ` +
    `${fmt(plan.redeliveries)} redeliveries, ${fmt(plan.outOfOrder)} sent after a newer event of the same entity), ` +
    `${SENDERS} concurrent senders on keep-alive HTTP, pg.Pool of ${POOL_SIZE} per server`,
);
console.log(
  `  mix: ${Object.entries(plan.mix)
    .map(([type, n]) => `${type} ${fmt(n)}`)
    .join(', ')}; expected end state: ${fmt(plan.users.size)} users, ${fmt(plan.groups.size)} groups`,
);
console.log(
  `  PostgreSQL ${postgresVersion}, Node ${process.version}, ${cpus().length} cores shared with other work ` +
    `(load average ${load1} at start), each server in its own process, the senders in this one; expect 10-20% noise`,
);

for (const key of keys) {
  await truncate();
  await load(servers.get(key)!.url, sign(plan.deliveries, secret), SENDERS);
}
for (let r = 0; r < ROUNDS; r++) {
  // Rotating the order spreads a slow moment of the shared machine over the targets.
  for (const key of [...keys.slice(r % keys.length), ...keys.slice(0, r % keys.length)]) {
    await truncate();
    const signed = sign(plan.deliveries, secret);
    const { url, child } = servers.get(key)!;
    const before = await serverCounters(child);
    const postgresBefore = postgresCpuMicros(await backendPids());
    const result = await load(url, signed, SENDERS);
    // Connections the pool opened during the round count from zero.
    const postgresAfter = postgresCpuMicros(await backendPids());
    const after = await serverCounters(child);
    let postgresCpuMsPerEvent: number | null = null;
    if (postgresAfter !== null) {
      let micros = 0;
      for (const [pid, total] of postgresAfter) micros += total - (postgresBefore?.get(pid) ?? 0);
      postgresCpuMsPerEvent = micros / 1000 / plan.deliveries.length;
    }
    const serverCpuMsPerEvent = (after.cpuMicros - before.cpuMicros) / 1000 / plan.deliveries.length;
    const statementsPerEvent = (after.statements - before.statements) / plan.deliveries.length;
    const check = key === 'naive' ? await checkUsers(admin, plan) : await checkAll(admin, plan);
    rounds.get(key)!.push({ load: result, serverCpuMsPerEvent, statementsPerEvent, postgresCpuMsPerEvent, check });
    console.log(
      `  round ${r + 1} ${TARGETS[key].padEnd(42)} ${fmt(plan.deliveries.length / result.seconds).padStart(6)} events/s` +
        `  p50 ${percentile(result.latencies, 50).toFixed(1)} ms  p99 ${percentile(result.latencies, 99).toFixed(1)} ms` +
        `  server CPU ${serverCpuMsPerEvent.toFixed(2)} ms/event  ${statementsPerEvent.toFixed(2)} statements/event` +
        (postgresCpuMsPerEvent === null ? '' : `  PostgreSQL CPU ${postgresCpuMsPerEvent.toFixed(2)} ms/event`) +
        (result.retries > 0 ? `  (${result.retries} retried after a 5xx)` : ''),
    );
  }
}

for (const { child } of servers.values()) {
  child.send({ cmd: 'close' });
  await new Promise((resolve) => child.once('exit', resolve));
}

interface Summary {
  name: string;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerEvent: number;
  statementsPerEvent: number;
  postgresCpuMsPerEvent: number | null;
  endStateCorrectEveryRound: boolean;
  endState: FullCheck | UserCheck;
  rounds: {
    eventsPerSecond: number;
    seconds: number;
    requests: number;
    retries: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    serverCpuMsPerEvent: number;
    statementsPerEvent: number;
    postgresCpuMsPerEvent: number | null;
    statuses: Record<string, number>;
    outcomes: Record<string, number>;
  }[];
}

function summarize(key: TargetKey): Summary {
  const list = rounds.get(key)!;
  const rate = (x: Round) => plan.deliveries.length / x.load.seconds;
  return {
    name: TARGETS[key],
    eventsPerSecond: Math.round(median(list.map(rate))),
    p50Ms: Number(median(list.map((x) => percentile(x.load.latencies, 50))).toFixed(2)),
    p99Ms: Number(median(list.map((x) => percentile(x.load.latencies, 99))).toFixed(2)),
    serverCpuMsPerEvent: Number(median(list.map((x) => x.serverCpuMsPerEvent)).toFixed(3)),
    statementsPerEvent: Number(median(list.map((x) => x.statementsPerEvent)).toFixed(2)),
    postgresCpuMsPerEvent: list.some((x) => x.postgresCpuMsPerEvent === null)
      ? null
      : Number(median(list.map((x) => x.postgresCpuMsPerEvent!)).toFixed(3)),
    endStateCorrectEveryRound: list.every((x) =>
      'ok' in x.check ? x.check.ok : x.check.wrong + x.check.missing === 0,
    ),
    endState: list[list.length - 1]!.check,
    rounds: list.map((x) => ({
      eventsPerSecond: Math.round(rate(x)),
      seconds: Number(x.load.seconds.toFixed(3)),
      requests: x.load.requests,
      retries: x.load.retries,
      p50Ms: Number(percentile(x.load.latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(x.load.latencies, 99).toFixed(2)),
      maxMs: Number(percentile(x.load.latencies, 100).toFixed(2)),
      serverCpuMsPerEvent: Number(x.serverCpuMsPerEvent.toFixed(3)),
      statementsPerEvent: Number(x.statementsPerEvent.toFixed(2)),
      postgresCpuMsPerEvent: x.postgresCpuMsPerEvent === null ? null : Number(x.postgresCpuMsPerEvent.toFixed(3)),
      statuses: x.load.statuses,
      outcomes: x.load.outcomes,
    })),
  };
}
const summary: Record<TargetKey, Summary> = {
  express: summarize('express'),
  expressFront: summarize('expressFront'),
  fastify: summarize('fastify'),
  naive: summarize('naive'),
};

const naiveRate = summary.naive.eventsPerSecond;
console.log('');
console.log(
  `medians of ${ROUNDS} rounds; targets: >= ${fmt(GOALS.eventsPerSecond)} events/s, p99 < ${GOALS.p99Ms} ms, >= ${GOALS.overNaive}x the naive handler`,
);
console.log(
  `  ${'target'.padEnd(42)} ${'events/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'/ naive'.padStart(8)} ${'server CPU ms/event'.padStart(20)} ${'statements/event'.padStart(17)} ${'PG CPU ms/event'.padStart(16)}  goals`,
);
for (const key of keys) {
  const s = summary[key];
  const ratio = s.eventsPerSecond / naiveRate;
  const goals =
    key === 'naive'
      ? '(reference)'
      : [
          s.eventsPerSecond >= GOALS.eventsPerSecond ? 'rate ok' : 'rate MISSED',
          s.p99Ms < GOALS.p99Ms ? 'p99 ok' : 'p99 MISSED',
          ratio >= GOALS.overNaive ? 'ratio ok' : 'ratio MISSED',
        ].join(', ');
  console.log(
    `  ${s.name.padEnd(42)} ${fmt(s.eventsPerSecond).padStart(8)} ${s.p50Ms.toFixed(1).padStart(7)} ${s.p99Ms.toFixed(1).padStart(7)} ${`${ratio.toFixed(2)}x`.padStart(8)} ${s.serverCpuMsPerEvent.toFixed(2).padStart(20)} ${s.statementsPerEvent.toFixed(2).padStart(17)} ${(s.postgresCpuMsPerEvent?.toFixed(2) ?? '-').padStart(16)}  ${goals}`,
  );
}
console.log('');
for (const key of keys) {
  const s = summary[key];
  const check = s.endState;
  if ('ok' in check) {
    const outcomes = s.rounds[s.rounds.length - 1]!.outcomes;
    console.log(
      `  ${s.name}: end state ${s.endStateCorrectEveryRound ? 'correct in every round' : 'WRONG'}: ` +
        `inbox rows ${fmt(check.inboxRows)} = distinct events ${fmt(check.distinctEvents)}, ${check.pendingEvents} pending; ` +
        `${fmt(check.expected - check.missing - check.wrong)}/${fmt(check.expected)} users as the newest event left them ` +
        `(${check.deletedWithoutRow} deleted before their creation arrived, so never written), ` +
        `${check.wrongVersions} wrong versions, ${check.wrongGroups} wrong groups, ${check.wrongMemberships} wrong memberships; ` +
        `answers: ${Object.entries(outcomes)
          .map(([o, n]) => `${o} ${fmt(n)}`)
          .join(', ')}`,
    );
  } else {
    console.log(
      `  ${s.name}: ${fmt(check.wrong + check.missing)} of ${fmt(check.expected)} users ${check.wrong + check.missing === 0 ? '' : 'NOT '}` +
        'as the newest event left them (a redelivered or late event overwrote a newer one); no groups or memberships kept',
    );
  }
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/ingest.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'ingest',
      node: process.version,
      postgres: postgresVersion,
      cores: cpus().length,
      loadAverageAtStart: Number(load1),
      deliveriesPerRound: plan.deliveries.length,
      distinctEvents: plan.distinctEvents,
      redeliveries: plan.redeliveries,
      outOfOrder: plan.outOfOrder,
      mix: plan.mix,
      senders: SENDERS,
      poolSize: POOL_SIZE,
      rounds: ROUNDS,
      goals: GOALS,
      results: summary,
      ratios: {
        expressOverNaive: Number((summary.express.eventsPerSecond / naiveRate).toFixed(3)),
        expressFrontOverNaive: Number((summary.expressFront.eventsPerSecond / naiveRate).toFixed(3)),
        fastifyOverNaive: Number((summary.fastify.eventsPerSecond / naiveRate).toFixed(3)),
      },
    },
    (_, value) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  )}\n`,
);
await admin.end();
if (keys.some((k) => k !== 'naive' && !summary[k].endStateCorrectEveryRound)) {
  console.error('our end state was wrong in at least one round: see bench/results/ingest.json');
  process.exitCode = 1;
}
