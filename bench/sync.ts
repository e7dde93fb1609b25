/**
 * Full sync of 10,000 and 100,000 users from the simulator (in its own process) through the real
 * @scalekit-sdk/node client into the memory adapter, beside the naive loop of Scalekit's docs, and
 * an incremental sync of the 100,000-user directory after 100 changes. Each scenario runs in a
 * fresh process: its peak RSS is its own. Writes bench/results/sync.json.
 *
 * Run: pnpm --filter @scim/bench sync  (after pnpm build).  BENCH_SYNC_SIZES=10000 for a short run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { next, type Seeded } from './simulator-process.js';

const SIZES = (process.env.BENCH_SYNC_SIZES ?? '10000,100000').split(',').map(Number);
const here = new URL('.', import.meta.url);
const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost' };

// The measured worker runs as plain JavaScript, as a deployed app would: under tsx its loader alone
// adds about 35 MiB of RSS that is not ours.
const workerFile = fileURLToPath(new URL('./dist/sync-worker.mjs', here));
await build({
  entryPoints: [fileURLToPath(new URL('./sync-worker.ts', here))],
  outfile: workerFile,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});

function start(script: string): ChildProcess {
  const compiled = script === './sync-worker.ts';
  return fork(compiled ? workerFile : new URL(script, here), [], {
    execArgv: compiled ? [] : ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

interface Figures {
  listed: number;
  seconds: number;
  maxRssMiB: number;
  cpuSeconds: number;
  updated?: number;
}

async function scenario(simulator: ChildProcess, seeded: Seeded, name: 'full' | 'naive' | 'incremental') {
  const worker = start('./sync-worker.ts');
  const done = next<{ result: Figures }>(worker, (m) => 'result' in m);
  worker.send({ scenario: name, ...seeded });
  if (name === 'incremental') {
    await next(worker, (m) => 'synced' in m);
    simulator.send({ cmd: 'change', count: 100 });
    await next(simulator, (m) => 'changed' in m);
    worker.send({ cmd: 'go' });
  }
  const { result } = await done;
  return result;
}

const rows: Record<string, unknown>[] = [];
for (const users of SIZES) {
  const simulator = start('./sync-simulator.ts');
  await next(simulator, (m) => 'ready' in m);
  simulator.send({ cmd: 'seed', users });
  const seeded = await next<Seeded>(simulator, (m) => 'url' in m);

  // One unmeasured listing first: the simulator's code is then warm for both measured runs.
  await scenario(simulator, seeded, 'naive');
  const ours = await scenario(simulator, seeded, 'full');
  const naive = await scenario(simulator, seeded, 'naive');
  const row: Record<string, unknown> = {
    users,
    ours: {
      usersPerSecond: Math.round(ours.listed / ours.seconds),
      seconds: ours.seconds,
      peakRssMiB: ours.maxRssMiB,
      cpuMicrosPerUser: Math.round((ours.cpuSeconds * 1e6) / ours.listed),
    },
    naive: {
      usersPerSecond: Math.round(naive.listed / naive.seconds),
      seconds: naive.seconds,
      peakRssMiB: naive.maxRssMiB,
      cpuMicrosPerUser: Math.round((naive.cpuSeconds * 1e6) / naive.listed),
    },
    speedup: Number((naive.seconds / ours.seconds).toFixed(2)),
  };
  if (users >= 100_000) {
    const incremental = await scenario(simulator, seeded, 'incremental');
    row.incremental = {
      changes: 100,
      listed: incremental.listed,
      updated: incremental.updated,
      seconds: incremental.seconds,
    };
  }
  rows.push(row);
  simulator.send({ cmd: 'close' });
  await new Promise((resolve) => simulator.once('exit', resolve));

  console.log(
    `full sync of ${users.toLocaleString('en-US')} users (simulator in its own process, real ScalekitClient):`,
  );
  console.log(
    `  ours:  ${(row.ours as { usersPerSecond: number }).usersPerSecond.toLocaleString('en-US')} users/s, ` +
      `${ours.seconds.toFixed(2)} s, peak RSS ${ours.maxRssMiB} MiB, ` +
      `CPU ${Math.round((ours.cpuSeconds * 1e6) / ours.listed)} µs/user in the sync process`,
  );
  console.log(
    `  naive: ${(row.naive as { usersPerSecond: number }).usersPerSecond.toLocaleString('en-US')} users/s, ` +
      `${naive.seconds.toFixed(2)} s, peak RSS ${naive.maxRssMiB} MiB, ` +
      `CPU ${Math.round((naive.cpuSeconds * 1e6) / naive.listed)} µs/user  (list a page, await an upsert per user)`,
  );
  if (row.incremental) {
    const inc = row.incremental as { listed: number; updated: number; seconds: number };
    console.log(
      `  incremental after 100 changes: ${inc.listed} listed, ${inc.updated} updated, ${inc.seconds.toFixed(3)} s`,
    );
  }
}
console.log('targets: >= 20,000 users/s; peak RSS < 300 MB at 100,000 users; incremental (100 changes) < 1 s');
mkdirSync(new URL('./results/', here), { recursive: true });
writeFileSync(
  new URL('./results/sync.json', here),
  `${JSON.stringify({ benchmark: 'sync', node: process.version, rows }, null, 2)}\n`,
);
