import { createScimEngine, type ScimHooks } from '@scim/core';
import { compareWithDirectory } from '@scim/demo/harness';
import { startSimulator } from '@scim/simulator';
import { BINDINGS, type RunningApp, startApp } from '../apps.js';
import { churnFor, directoryChurn } from '../churn.js';
import { send, signedDelivery } from '../fixtures.js';
import { scenarioDatabase } from '../pg/database.js';
import { openPgStore, type PgStore } from '../pg/store.js';
import type { Scenario } from '../scenario.js';
import { inParallel, shuffled } from '../tenant-traffic.js';

const RACE_USERS = 100;
const VERSIONS = 3;
const CONCURRENCY = 16;

function countingHooks(counts: Map<string, number>): ScimHooks {
  const count = (payload: { event?: { id: string } }) => {
    if (payload.event !== undefined) counts.set(payload.event.id, (counts.get(payload.event.id) ?? 0) + 1);
  };
  return { onUserProvisioned: count, onUserUpdated: count, onUserDeprovisioned: count, onGroupChanged: count };
}

/** `user_created` then `VERSIONS - 1` updates of one user, each newer than the one before. */
function versionsOf(organizationId: string, i: number) {
  return Array.from({ length: VERSIONS }, (_, v) => ({
    spec_version: '1',
    id: `evt_race_${i}_${v}`,
    type: v === 0 ? 'organization.directory.user_created' : 'organization.directory.user_updated',
    occurred_at: `2026-11-29T09:00:0${v}.${String(i).padStart(9, '0')}Z`,
    organization_id: organizationId,
    object: 'DirectoryUser',
    data: {
      id: `diruser_race_${i}`,
      organization_id: organizationId,
      email: `race${i}@example.com`,
      name: `Version ${v}`,
      department: `Department v${v}`,
      active: true,
    },
  }));
}

export const twoInstancesScenario: Scenario = {
  id: 'two-instances',
  title: 'Two app instances on one PostgreSQL receive the same deliveries',
  kind: 'correctness',
  injected: `An Express and a Fastify instance, each with its own engine and its own connection pool on the same PostgreSQL database. (1) ${RACE_USERS} users with ${VERSIONS} versions each (a creation and two updates), every version signed and sent to BOTH instances at once, all shuffled, ${CONCURRENCY} in flight. (2) The simulator subscribed to both instances (so every event is delivered twice, concurrently), with 20% extra duplicates and reordering over a window of 8, while the directory changes 30 times a second for 5 s.`,
  checked:
    'Each event is claimed by exactly one instance (one inbox record, exactly one answer that is 201 processed or 200 stale, the other 200 duplicate); its hooks run once across both instances at most; every user ends at its newest version (older versions arriving later are skipped); with the simulator, the app equals the directory and no delivery is given up.',
  async run(r) {
    const url = await scenarioDatabase(r, 'scim_reliability_instances');
    if (url === null) return;
    const sim = await startSimulator({
      seed: 4004,
      retrySchedule: [0, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 120_000],
      faults: { webhooks: { duplicateRate: 0.2, reorderWindow: 8, concurrency: 8 } },
    });
    const stores: PgStore[] = [];
    const apps: RunningApp[] = [];
    const hookCounts = new Map<string, number>();
    try {
      for (const binding of BINDINGS) {
        const store = openPgStore(url, { max: 5 });
        stores.push(store);
        const engine = createScimEngine({
          adapter: store.adapter,
          webhookSecret: sim.credentials.webhookSecret,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
          hooks: countingHooks(hookCounts),
        });
        apps.push(await startApp(binding, engine));
      }
      const reader = stores[0]!;

      // (1) Every version to both instances at once.
      const raceOrg = 'org_race';
      const events = Array.from({ length: RACE_USERS }, (_, i) => versionsOf(raceOrg, i)).flat();
      const answers = new Map<string, string[]>();
      const sends = shuffled(
        events.flatMap((event) => apps.map((app) => ({ event, app }))),
        4242,
      );
      await inParallel(sends, CONCURRENCY, async ({ event, app }) => {
        const answer = await send(
          app.url,
          signedDelivery(sim.credentials.webhookSecret, event, { timestamp: Math.floor(Date.now() / 1000) }),
        );
        const outcome = `${answer.status} ${(answer.json as { status?: string } | undefined)?.status ?? '?'}`;
        answers.set(event.id, [...(answers.get(event.id) ?? []), outcome]);
      });
      let claimedTwice = 0;
      let unclaimed = 0;
      const tally = new Map<string, number>();
      for (const outcomes of answers.values()) {
        for (const outcome of outcomes) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
        const claims = outcomes.filter((outcome) => outcome === '201 processed' || outcome === '200 stale').length;
        if (claims > 1) claimedTwice++;
        if (claims === 0) unclaimed++;
        r.check(
          outcomes.length === 2 && outcomes.filter((outcome) => outcome === '200 duplicate').length === 1,
          `race: answers ${outcomes.join(', ')} (one claim and one duplicate expected)`,
        );
      }
      r.equal(claimedTwice, 0, 'race: events claimed by both instances');
      r.equal(unclaimed, 0, 'race: events claimed by neither instance');
      const raceInbox = await reader.inbox(raceOrg);
      r.equal(
        Object.values(raceInbox).reduce((a, b) => a + b, 0),
        events.length,
        'race: inbox records for the raced events',
      );
      const users = await reader.view.users(raceOrg);
      const notNewest = [...users].filter(([, user]) => user.department !== `Department v${VERSIONS - 1}`);
      r.equal(users.size, RACE_USERS, 'race: users stored');
      r.equal(notNewest.length, 0, 'race: users not at their newest version');
      for (const [id, user] of notNewest.slice(0, 5)) r.check(false, `race: ${id} ended at ${user.department}`);

      // (2) The simulator delivers every event to both instances.
      const subscriptions = apps.map((app) => sim.webhooks.subscribe(app.url));
      const { organization, directory } = sim.state.seed({ users: 100, groups: 6, events: true });
      const churn = directoryChurn(sim, directory.id, 5);
      const changes = await churnFor(churn, 30, 5_000);
      await sim.webhooks.idle({ timeoutMs: 300_000 });
      r.equal(sim.webhooks.stats().givenUp, 0, 'simulator: deliveries given up');
      const simEvents = sim.state.events().filter((event) => event.organizationId === organization.id);
      const inbox = await reader.pool.query<{ id: string }>('select id from scim_events where organization_id = $1', [
        organization.id,
      ]);
      r.equal(inbox.rows.length, simEvents.length, 'simulator: inbox records (one per event)');
      const comparison = compareWithDirectory(churn.truth(), {
        users: await reader.appUsers(organization.id),
        groups: await reader.appGroups(organization.id),
      });
      for (const difference of comparison.differences) r.check(false, `simulator: ${difference}`);
      const twice = [...hookCounts].filter(([, count]) => count > 1);
      r.equal(twice.length, 0, 'events whose hooks ran on both instances or twice');
      for (const subscription of subscriptions) subscription.unsubscribe();

      const log = sim.webhooks.log();
      r.figure('race: events', events.length);
      r.figure('race: deliveries (each event to both instances)', sends.length);
      r.figure('simulator: directory changes', changes);
      r.figure('simulator: events', simEvents.length);
      r.figure('simulator: delivery attempts (two endpoints, duplicates)', log.length);
      r.figure('simulator: equal to the directory', comparison.equal);
      r.figure(
        'hook calls (both instances)',
        [...hookCounts.values()].reduce((a, b) => a + b, 0),
      );
      r.table({
        title: 'Answers in the race',
        columns: ['answer', 'count'],
        rows: [...tally].sort(([a], [b]) => a.localeCompare(b)),
      });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(stores.map((store) => store.close()));
      await sim.close();
    }
  },
};
