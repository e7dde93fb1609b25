import { createScimEngine, type ScimHooks } from '@scim/core';
import { compareWithDirectory, tallyDeliveries } from '@scim/demo/harness';
import { startSimulator } from '@scim/simulator';
import { BINDINGS, startApp } from '../apps.js';
import { Capture } from '../capture.js';
import { churnFor, directoryChurn } from '../churn.js';
import { scenarioDatabase } from '../pg/database.js';
import { openPgStore } from '../pg/store.js';
import type { Recorder, Scenario } from '../scenario.js';
import { startTcpProxy } from '../tcp-proxy.js';

const CHURN_PER_SECOND = 40;
const CHURN_MS = 6_000;
/** [start, length] of each outage, in ms from the start of the churn. */
const OUTAGES: readonly [number, number][] = [
  [1_500, 1_500],
  [4_000, 1_000],
];
// Scalekit retries for hours; this keeps its doubling shape but gives up after about 4 minutes, so that a
// busy 2-core machine (an app restart can take 20 s there) does not turn a slow recovery into a lost
// delivery. A quiet run never reaches the long steps.
const RETRIES_MS = [0, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 120_000];

/** Counts hook calls per event id: an event applied twice would call its hooks twice. */
function countingHooks(counts: Map<string, number>): ScimHooks {
  const count = (payload: { event?: { id: string } }) => {
    if (payload.event !== undefined) counts.set(payload.event.id, (counts.get(payload.event.id) ?? 0) + 1);
  };
  return {
    onUserProvisioned: count,
    onUserUpdated: count,
    onUserDeprovisioned: count,
    onGroupChanged: count,
  };
}

export const dbOutageScenario: Scenario = {
  id: 'db-outage',
  title: 'The database goes away during deliveries',
  kind: 'correctness',
  injected: `A TCP proxy between the app and PostgreSQL is cut (every open connection reset, new ones refused) ${OUTAGES.length} times (${OUTAGES.map(([, length]) => `${length / 1000} s`).join(' and ')}) while the simulator delivers ${CHURN_PER_SECOND} directory changes a second for ${CHURN_MS / 1000} s, with Scalekit's retries on a short schedule (${RETRIES_MS.join(', ')} ms); once through Express, once through Fastify, each app with its own pool (1 s connect timeout).`,
  checked:
    'Every delivery attempt answered while the database was away is a 5xx (never a 2xx or a 4xx); no delivery is given up; every event acknowledged with a 2xx is in the inbox; after recovery each event is in the inbox exactly once with a final status, its hooks ran at most once, and the app equals the directory (users, fields, active state, groups).',
  async run(r) {
    const url = await scenarioDatabase(r, 'scim_reliability_outage');
    if (url === null) return;
    const target = new URL(url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(url);
    proxied.hostname = proxy.host;
    proxied.port = String(proxy.port);
    const sim = await startSimulator({
      seed: 1001,
      retrySchedule: RETRIES_MS,
      faults: { webhooks: { concurrency: 8 } },
    });
    const capture = new Capture();
    const rows: (string | number)[][] = [];
    try {
      for (const [index, binding] of BINDINGS.entries()) {
        const store = openPgStore(proxied.toString(), { max: 4, connectionTimeoutMillis: 1_000 });
        const hookCounts = new Map<string, number>();
        const engine = createScimEngine({
          adapter: store.adapter,
          webhookSecret: sim.credentials.webhookSecret,
          logger: capture.logger(`${binding} engine`),
          hooks: countingHooks(hookCounts),
        });
        const app = await startApp(binding, engine);
        const subscription = sim.webhooks.subscribe(app.url);
        try {
          const { organization, directory } = sim.state.seed({ users: 40, groups: 5, events: true });
          await sim.webhooks.idle({ timeoutMs: 240_000 });
          sim.webhooks.clearLog();
          const seedEvents = sim.state.events().filter((event) => event.organizationId === organization.id).length;
          const churn = directoryChurn(sim, directory.id, 7 + index);
          const windows: [number, number][] = [];
          const started = Date.now();
          const outages = OUTAGES.map(async ([at, length]) => {
            await new Promise((resolve) => setTimeout(resolve, at));
            const from = Date.now();
            proxy.cut();
            await new Promise((resolve) => setTimeout(resolve, length));
            proxy.restore();
            windows.push([from, Date.now()]);
          });
          const changes = await churnFor(churn, CHURN_PER_SECOND, CHURN_MS);
          await Promise.all(outages);
          await sim.webhooks.idle({ timeoutMs: 300_000 });
          const restoredAt = Math.max(...windows.map(([, end]) => end));

          const log = sim.webhooks.log().filter((attempt) => attempt.subscriptionId === subscription.id);
          const during = log.filter((attempt) =>
            windows.some(([from, to]) => attempt.startedAt.getTime() >= from && attempt.finishedAt.getTime() <= to),
          );
          const wrong = during.filter((attempt) => attempt.status === null || attempt.status < 500);
          r.equal(wrong.length, 0, `${binding}: attempts answered during an outage with something other than a 5xx`);
          for (const attempt of wrong.slice(0, 5)) {
            r.check(false, `${binding}: ${attempt.eventId} during the outage: ${attempt.status ?? attempt.error}`);
          }
          const fourXx = log.filter(
            (attempt) => attempt.status !== null && attempt.status >= 400 && attempt.status < 500,
          );
          r.equal(fourXx.length, 0, `${binding}: 4xx answers (a database outage must be retryable)`);
          r.equal(sim.webhooks.stats().givenUp, 0, `${binding}: deliveries given up`);

          const inbox = await store.pool.query<{ id: string; status: string }>(
            'select id, status from scim_events where organization_id = $1',
            [organization.id],
          );
          const inboxIds = new Set(inbox.rows.map((row) => row.id));
          const acknowledged = new Set(
            log.filter((attempt) => attempt.outcome === 'delivered').map((attempt) => attempt.eventId),
          );
          const lost = [...acknowledged].filter((id) => !inboxIds.has(id));
          r.equal(lost.length, 0, `${binding}: acknowledged events missing from the inbox`);
          const events = sim.state.events().filter((event) => event.organizationId === organization.id);
          const missing = events.filter((event) => !inboxIds.has(event.id));
          r.equal(missing.length, 0, `${binding}: events of the organization missing from the inbox`);
          const pending = inbox.rows.filter((row) => row.status === 'pending').length;
          r.equal(pending, 0, `${binding}: inbox records left pending`);
          const twice = [...hookCounts].filter(([, count]) => count > 1);
          r.equal(twice.length, 0, `${binding}: events whose hooks ran more than once`);

          const comparison = compareWithDirectory(churn.truth(), {
            users: await store.appUsers(organization.id),
            groups: await store.appGroups(organization.id),
          });
          for (const difference of comparison.differences) r.check(false, `${binding}: ${difference}`);

          const firstAckAfter = log
            .filter((attempt) => attempt.outcome === 'delivered' && attempt.finishedAt.getTime() >= restoredAt)
            .map((attempt) => attempt.finishedAt.getTime())
            .sort((a, b) => a - b)[0];
          const tally = tallyDeliveries(log);
          rows.push([
            binding,
            changes,
            events.length - seedEvents,
            log.length,
            during.length,
            during.filter((attempt) => (attempt.status ?? 0) >= 500).length,
            acknowledged.size,
            inbox.rows.length,
            sim.webhooks.stats().givenUp,
            firstAckAfter === undefined ? 'n/a' : firstAckAfter - restoredAt,
            comparison.equal ? 'yes' : 'NO',
            Object.entries(tally)
              .map(([key, count]) => `${count}× ${key}`)
              .join(', '),
          ]);
          r.figure(`${binding}: run length (s)`, Number(((Date.now() - started) / 1000).toFixed(1)));
        } finally {
          subscription.unsubscribe();
          await app.close();
          await store.close();
        }
      }
    } finally {
      await sim.close();
      await proxy.close();
    }
    await resetDuringBegin(r, url);
    r.figure('connections accepted by the proxy', proxy.stats.accepted);
    r.figure('connections refused while cut', proxy.stats.refused);
    r.figure('sockets reset by the cuts', proxy.stats.reset);
    r.table({
      title: 'Deliveries through the outages',
      columns: [
        'binding',
        'changes',
        'events (after seeding)',
        'attempts',
        'attempts during outages',
        'of them 5xx',
        'events acknowledged (2xx)',
        'inbox rows',
        'given up',
        'ms from restore to next 2xx',
        'equal to directory',
        'answers',
      ],
      rows,
    });
  },
};

const BEGIN_CUTS = 5;

/**
 * The narrowest window of an outage: the connection drops while the transaction's BEGIN is on the wire.
 * drizzle-orm 0.45's node-postgres `transaction()` sends BEGIN before its try/finally and so leaked the
 * client; `@scim/adapter-drizzle` now runs its transactions on a checkout of its own. The pool (a plain
 * `pg.Pool` of two) must get every connection back, or every later delivery would be answered 500 until
 * the app restarts, and closing it would never end.
 */
async function resetDuringBegin(r: Recorder, url: string) {
  const target = new URL(url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(url);
  proxied.hostname = proxy.host;
  proxied.port = String(proxy.port);
  const store = openPgStore(proxied.toString(), { max: 2, connectionTimeoutMillis: 1_000 });
  let failed = 0;
  let usableAfter = 0;
  try {
    for (let i = 0; i < BEGIN_CUTS; i++) {
      // Warm the pool so BEGIN goes out on an idle connection at once.
      await store.pool.query('select 1').catch(() => undefined);
      const attempt = store.adapter.transaction((tx) => tx.getEvent('evt_none'));
      setImmediate(() => proxy.cut());
      await attempt.then(
        () => undefined,
        () => {
          failed++;
        },
      );
      proxy.restore();
      const usable = await store.adapter
        .transaction((tx) => tx.getEvent('evt_none'))
        .then(
          () => true,
          () => false,
        );
      if (usable) usableAfter++;
    }
  } finally {
    await store.close();
    await proxy.close();
  }
  r.equal(usableAfter, BEGIN_CUTS, 'pool usable again after each reset during BEGIN');
  r.table({
    title: 'Connection reset while BEGIN is on the wire (drizzle adapter over a plain pg.Pool of two)',
    columns: ['pool', 'resets', 'transactions failed', 'pool usable afterwards'],
    rows: [['plain pg.Pool', BEGIN_CUTS, failed, usableAfter]],
  });
}
