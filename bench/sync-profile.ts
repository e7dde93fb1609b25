/**
 * Where a full sync into PostgreSQL spends its time: one sync of BENCH_PROFILE_USERS users from the
 * simulator (its own process) through @scim/adapter-drizzle (default), @scim/adapter-prisma or the
 * memory adapter, with every store call timed (wall time, and the CPU time of the database's backends
 * while it ran) and the CPU time of this process, the simulator and the backends over the whole sync.
 *
 * Backend CPU is read from /proc/<pid>/schedstat (Linux); a call's share is exact at concurrency 1
 * only (BENCH_SYNC_CONCURRENCY=1), where no other transaction runs beside it. Writes
 * results/sync-profile.json; BENCH_PROFILE_CPUPROF=<file> also writes a V8 CPU profile of the sync.
 *
 * Run: pnpm --filter @scim/bench sync-profile  (after pnpm build; needs PostgreSQL, TEST_POSTGRES_URL)
 * BENCH_PROFILE_ADAPTER=drizzle|prisma|memory, BENCH_PROFILE_USERS (50000), BENCH_SYNC_CONCURRENCY.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { ScalekitClient } from '@scalekit-sdk/node';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { prismaAdapter } from '@scim/adapter-prisma';
import { createScimEngine, memoryAdapter, type ScimAdapter, silentLogger } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { runNs } from './cpu-meter.js';
import { BASE_URL, createDrizzleDatabase, createPrismaDatabase } from './databases.js';
import { appUserMapping } from './drizzle-app.js';
import * as schema from './drizzle-schema.js';
import { startSimulatorProcess } from './simulator-process.js';

const USERS = Number(process.env.BENCH_PROFILE_USERS ?? 50_000);
const ADAPTER = process.env.BENCH_PROFILE_ADAPTER ?? 'drizzle';
const CONCURRENCY =
  process.env.BENCH_SYNC_CONCURRENCY === undefined ? undefined : Number(process.env.BENCH_SYNC_CONCURRENCY);
// The batches in flight, the checkpoint writes and the lease renewals each take a connection.
const POOL = Math.max(4, (CONCURRENCY ?? 2) + 2);
const here = new URL('.', import.meta.url);

if (!['drizzle', 'prisma', 'memory'].includes(ADAPTER)) throw new Error(`unknown adapter ${ADAPTER}`);

/** The adapter under test, and the database its backends serve (undefined for the memory adapter). */
async function adapterUnderTest(): Promise<{ adapter: ScimAdapter; database?: string; close(): Promise<void> }> {
  if (ADAPTER === 'memory') return { adapter: memoryAdapter(), close: async () => {} };
  if (ADAPTER === 'drizzle') {
    const database = 'scim_bench_profile';
    const pool = new pg.Pool({ connectionString: await createDrizzleDatabase(database), max: POOL });
    const adapter = drizzleAdapter(drizzle(pool, { schema }), { users: appUserMapping });
    return { adapter, database, close: () => pool.end() };
  }
  const database = 'scim_bench_profile_prisma';
  const { prisma } = await createPrismaDatabase(database, POOL);
  const adapter = prismaAdapter(prisma, {
    users: {
      model: 'User',
      organizationId: 'scimOrganizationId',
      userId: 'scimUserId',
      fields: (user) => ({
        email: user.email,
        name: user.displayName,
        givenName: user.givenName,
        familyName: user.familyName,
        username: user.username,
      }),
      create: () => ({ id: randomUUID(), updatedAt: new Date() }),
      active: 'isActive',
      roles: 'roles',
    },
  });
  return { adapter, database, close: () => prisma.$disconnect() };
}

const target = await adapterUnderTest();
const simulator = await startSimulatorProcess(USERS);
const { seeded } = simulator;
const client = new ScalekitClient(seeded.url, seeded.credentials.clientId, seeded.credentials.clientSecret);

// Warm-up: one full listing (the simulator stands in for Scalekit, whose warm-up is not the sync's cost), and
// every pooled connection opened, before anything is measured.
let token = '';
do {
  const page = await client.directory.listDirectoryUsers(seeded.organizationId, seeded.directoryId, {
    pageSize: 100,
    pageToken: token,
  });
  token = page.nextPageToken;
} while (token !== '');
await Promise.all(Array.from({ length: POOL }, () => target.adapter.transaction((s) => s.getSyncState('o', 'd'))));
let backends: number[] = [];
if (target.database !== undefined) {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  backends = (
    await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [target.database])
  ).rows.map((row) => row.pid);
  await admin.end();
}
const backendNs = () => backends.reduce((sum, pid) => sum + runNs(pid), 0);

const calls = new Map<string, { calls: number; wallMs: number; backendMs: number }>();
function record(name: string, wallMs: number, backendMs: number): void {
  const entry = calls.get(name) ?? { calls: 0, wallMs: 0, backendMs: 0 };
  entry.calls++;
  entry.wallMs += wallMs;
  entry.backendMs += backendMs;
  calls.set(name, entry);
}
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const wall = performance.now();
  const backend = backendNs();
  try {
    return await run();
  } finally {
    record(name, performance.now() - wall, (backendNs() - backend) / 1e6);
  }
}
/** The store with each call timed; `prefix` tells calls made outside a transaction apart. */
function timedStore<S extends ScimStore>(store: S, prefix: string): S {
  return new Proxy(store, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string' || key === 'transaction') return value;
      return (...args: unknown[]) => timed(`${prefix}${key}`, () => value.apply(object, args));
    },
  });
}
const adapter: ScimAdapter = {
  ...timedStore(target.adapter, 'outside a transaction: '),
  name: target.adapter.name,
  capabilities: target.adapter.capabilities,
  transaction: (fn) =>
    timed('transaction (whole)', () => target.adapter.transaction((store, tx) => fn(timedStore(store, ''), tx))),
};
const engine = createScimEngine({
  adapter,
  logger: silentLogger,
  scalekit: client,
  webhookSecret: 'whsec_AAAA',
  sync: { includeDetail: false, ...(CONCURRENCY === undefined ? {} : { concurrency: CONCURRENCY }) },
});

const profiler = process.env.BENCH_PROFILE_CPUPROF === undefined ? undefined : new Session();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    profiler!.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );
if (profiler !== undefined) {
  profiler.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
}
const simulatorNs = runNs(simulator.child.pid!);
const backendStart = backendNs();
const cpuStart = process.cpuUsage();
const started = performance.now();
const report = await engine.sync({ organizationId: seeded.organizationId, directoryId: seeded.directoryId });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const simulatorSeconds = (runNs(simulator.child.pid!) - simulatorNs) / 1e9;
const backendSeconds = (backendNs() - backendStart) / 1e9;
if (profiler !== undefined) {
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(process.env.BENCH_PROFILE_CPUPROF!, JSON.stringify(profile));
}
if (report.users.created !== USERS) throw new Error(`the sync created ${report.users.created} of ${USERS} users`);

const perUser = (s: number) => ((s * 1e6) / USERS).toFixed(1);
const nodeSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `full sync of ${USERS.toLocaleString('en-US')} users into ${target.adapter.name} (sync.concurrency ${CONCURRENCY ?? 'default'}):`,
);
console.log(`  ${Math.round(USERS / seconds).toLocaleString('en-US')} users/s, ${seconds.toFixed(2)} s`);
console.log(
  `  CPU, µs a user: this process ${perUser(nodeSeconds)}, simulator ${perUser(simulatorSeconds)}, database backends ${perUser(backendSeconds)}`,
);
console.log('  store calls:                               calls   wall µs/user   backend CPU µs/user');
for (const [name, entry] of [...calls].sort((a, b) => b[1].wallMs - a[1].wallMs)) {
  console.log(
    `    ${name.padEnd(40)} ${String(entry.calls).padStart(6)} ${perUser(entry.wallMs / 1000).padStart(14)} ${perUser(entry.backendMs / 1000).padStart(21)}`,
  );
}
mkdirSync(new URL('./results/', here), { recursive: true });
writeFileSync(
  new URL('./results/sync-profile.json', here),
  `${JSON.stringify(
    {
      adapter: target.adapter.name,
      users: USERS,
      concurrency: CONCURRENCY ?? 'default',
      usersPerSecond: Math.round(USERS / seconds),
      cpuMicrosecondsPerUser: {
        process: Number(perUser(nodeSeconds)),
        simulator: Number(perUser(simulatorSeconds)),
        backends: Number(perUser(backendSeconds)),
      },
      calls: Object.fromEntries(calls),
    },
    null,
    2,
  )}\n`,
);
await simulator.close();
await target.close();
