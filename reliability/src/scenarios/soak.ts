import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appApi, compareWithDirectory, startApp } from '@scim/demo/harness';
import { startSimulator } from '@scim/simulator';
import { rssMiB } from '../app-runner.js';
import { directoryChurn } from '../churn.js';
import { emptyDatabase } from '../pg/database.js';
import type { Recorder, Scenario } from '../scenario.js';

/** The repository's example apps: an existing app with SCIM added, run as its users run it. */
const EXAMPLES = [
  { binding: 'express', example: 'express-prisma', description: 'Express 5 + Prisma 7 (adapter-pg)' },
  { binding: 'fastify', example: 'fastify-drizzle', description: 'Fastify 5 + Drizzle (node-postgres)' },
] as const;
type Example = (typeof EXAMPLES)[number];
const examplesRoot = fileURLToPath(new URL('../../../examples/', import.meta.url));

const SOAK_MS = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 60) * 1000;
const CHANGES_PER_SECOND = Number(process.env.RELIABILITY_SOAK_RATE ?? 150);
const WINDOW_MS = 5_000;
/** A hard bound on the directory's growth, whatever the rate. */
const MAX_CHANGES = 40_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const soakScenario: Scenario = {
  id: 'soak',
  title: 'Soak: sustained webhook traffic on PostgreSQL',
  kind: 'load',
  injected: `For ${SOAK_MS / 1000} s per app, the simulator's directory changes ${CHANGES_PER_SECOND} times a second (at most ${MAX_CHANGES.toLocaleString('en')} changes) and every event is delivered over loopback to the repository's example apps, each its own process on its own PostgreSQL database (${EXAMPLES.map((e) => `\`examples/${e.example}\`: ${e.description}`).join('; ')}), with 10% duplicate deliveries, reordering over a window of 10 and 8 deliveries in flight.`,
  checked: `Every ${WINDOW_MS / 1000} s: events emitted and deliveries acknowledged per second, the backlog, and the app process's RSS. Throughput is held (every window after the first acknowledges at least 80% of what it emitted, and the backlog never exceeds two seconds of traffic), memory stays flat (the last RSS sample within 50% of the second), nothing is given up, and after the queue drains the app equals the directory.`,
  async run(r) {
    for (const example of EXAMPLES) {
      const url = await emptyDatabase(r, `scim_reliability_soak_${example.binding}`);
      if (url === null) return;
      await soak(r, url, example);
    }
  },
};

async function soak(r: Recorder, url: string, { binding, example }: Example) {
  const cwd = `${examplesRoot}${example}`;
  if (!existsSync(`${cwd}/src/main.ts`)) {
    r.check(false, `examples/${example} is missing`);
    return;
  }
  // The Prisma example needs its generated clients, as its own `pnpm start` makes them.
  if (existsSync(`${cwd}/scripts/generate.mjs`) && !existsSync(`${cwd}/generated`)) {
    await promisify(execFile)(process.execPath, ['scripts/generate.mjs'], { cwd });
  }
  const sim = await startSimulator({
    seed: binding === 'express' ? 5005 : 6006,
    retrySchedule: [0, 250, 500, 1_000, 2_000, 4_000, 8_000],
    deliveryLogLimit: 0,
    eventHistoryLimit: 0,
    faults: { webhooks: { duplicateRate: 0.1, reorderWindow: 10, concurrency: 8 } },
  });
  const app = await startApp({
    cwd,
    env: {
      ...sim.env(),
      DATABASE_URL: url,
      PORT: '0',
      SCIM_SYNC_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
      NO_PROXY: '127.0.0.1,localhost',
    },
  });
  const reader = appApi(app.url, 'unused');
  const subscription = sim.webhooks.subscribe(`${app.url}/webhooks/scalekit`);
  const pid = app.child.pid!;
  const rows: (string | number)[][] = [];
  try {
    const { organization, directory } = sim.state.seed({ users: 200, groups: 10, events: true });
    await sim.webhooks.idle({ timeoutMs: 60_000 });
    const churn = directoryChurn(sim, directory.id, binding === 'express' ? 1 : 2);
    let emitted = 0;
    const stopCounting = sim.state.onEvent(() => {
      emitted++;
    });
    const started = performance.now();
    let made = 0;
    let windowStart = started;
    let deliveredAtWindow = sim.webhooks.stats().delivered;
    let emittedAtWindow = emitted;
    const ratios: number[] = [];
    const backlogs: number[] = [];
    const rss: number[] = [await rssMiB(pid)];
    while (performance.now() - started < SOAK_MS && made < MAX_CHANGES) {
      const due = Math.min(MAX_CHANGES, Math.floor(((performance.now() - started) / 1000) * CHANGES_PER_SECOND));
      for (; made < due; made++) churn.step();
      await sleep(20);
      const now = performance.now();
      if (now - windowStart >= WINDOW_MS) {
        const stats = sim.webhooks.stats();
        const seconds = (now - windowStart) / 1000;
        const rate = (stats.delivered - deliveredAtWindow) / seconds;
        const offered = (emitted - emittedAtWindow) / seconds;
        const backlog = stats.queued + stats.inFlight + stats.retrying;
        const memory = await rssMiB(pid);
        ratios.push(rate / offered);
        backlogs.push(backlog);
        rss.push(memory);
        rows.push([
          Math.round((now - started) / 1000),
          Math.round(offered),
          Math.round(rate),
          backlog,
          Math.round(memory),
        ]);
        windowStart = now;
        deliveredAtWindow = stats.delivered;
        emittedAtWindow = emitted;
      }
    }
    stopCounting();
    const drainStarted = performance.now();
    await sim.webhooks.idle({ timeoutMs: 120_000 });
    const drainMs = performance.now() - drainStarted;
    const stats = sim.webhooks.stats();
    r.equal(stats.givenUp, 0, `${binding}: deliveries given up`);
    // Keeping up: each window acknowledges at least 80% of the events emitted in it (duplicates come on
    // top), and the backlog never holds more than two seconds of traffic.
    const held = ratios.slice(1).every((ratio) => ratio >= 0.8);
    r.check(
      held,
      `${binding}: acknowledged/emitted per window fell under 0.8 (${ratios.map((x) => x.toFixed(2)).join(', ')})`,
    );
    const bound = Math.max(100, 2 * CHANGES_PER_SECOND);
    r.check(
      Math.max(...backlogs) <= bound,
      `${binding}: backlog reached ${Math.max(...backlogs)} deliveries (bound ${bound})`,
    );
    const flat = rss.at(-1)! <= (rss[1] ?? rss[0]!) * 1.5;
    r.check(flat, `${binding}: RSS grew from ${rss[1]?.toFixed(0)} to ${rss.at(-1)?.toFixed(0)} MiB`);
    const comparison = compareWithDirectory(churn.truth(), {
      users: await reader.users(organization.id),
      groups: await reader.groups(organization.id),
    });
    for (const difference of comparison.differences) r.check(false, `${binding}: ${difference}`);
    const seconds = (performance.now() - started) / 1000;
    r.figure(`${binding}: app`, `examples/${example}`);
    r.figure(`${binding}: directory changes`, made);
    r.figure(`${binding}: events emitted`, emitted);
    r.figure(`${binding}: deliveries acknowledged (duplicates included)`, stats.delivered);
    r.figure(`${binding}: mean deliveries/s over the run`, Math.round(stats.delivered / seconds));
    r.figure(`${binding}: delivery attempts (retries included)`, stats.attempts);
    r.figure(`${binding}: drain after the traffic stopped (ms)`, Math.round(drainMs));
    r.figure(
      `${binding}: RSS first / last / max (MiB)`,
      `${rss[0]!.toFixed(0)} / ${rss.at(-1)!.toFixed(0)} / ${Math.max(...rss).toFixed(0)}`,
    );
    r.figure(`${binding}: users in the directory (active and not)`, churn.truth().users.length);
    r.figure(`${binding}: equal to the directory`, comparison.equal);
  } finally {
    subscription.unsubscribe();
    await app.stop();
    await sim.close();
  }
  r.table({
    title: `examples/${example}: every ${WINDOW_MS / 1000} s`,
    columns: ['t (s)', 'events/s emitted', 'deliveries/s acknowledged', 'deliveries pending', 'app RSS (MiB)'],
    rows,
  });
}
