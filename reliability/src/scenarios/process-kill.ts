import { compareWithDirectory } from '@scim/demo/harness';
import { startSimulator } from '@scim/simulator';
import { freePort, runSyncProcess, startAppProcess } from '../app-runner.js';
import { churnFor, directoryChurn } from '../churn.js';
import { scenarioDatabase } from '../pg/database.js';
import { openPgStore } from '../pg/store.js';
import type { Recorder, Scenario } from '../scenario.js';

// Scalekit retries for hours; this keeps its doubling shape but gives up after about 4 minutes, so that a
// busy 2-core machine (an app restart can take 20 s there) does not turn a slow recovery into a lost
// delivery. A quiet run never reaches the long steps.
const RETRIES_MS = [0, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 120_000];
const KILLS_AT_MS = [1_500, 4_500, 7_500];
const CHURN_PER_SECOND = 40;
const CHURN_MS = 9_000;
const SYNC_USERS = Number(process.env.RELIABILITY_SYNC_USERS ?? 5_000);
const API_LATENCY_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const processKillScenario: Scenario = {
  id: 'process-kill',
  title: 'The app process is killed mid-transaction and mid-sync',
  kind: 'correctness',
  injected: `(1) The app (Express on PostgreSQL, its own process) is SIGKILLed ${KILLS_AT_MS.length} times while the simulator delivers ${CHURN_PER_SECOND} changes a second, each time at a moment PostgreSQL shows one of its transactions open, and restarted on the same port. (2) A full sync of ${SYNC_USERS.toLocaleString('en')} users (Directory API latency ${API_LATENCY_MS} ms a call), after the directory deactivated, deleted and changed some of them, is SIGKILLed once ${Math.round(0.4 * 100)}% of the users are listed, then started again.`,
  checked:
    '(1) No delivery is given up, every event ends in the inbox once with a final status, and the app equals the directory. (2) When killed, no user the directory still lists as active is inactive in the app and no user missing from the partial listing was deprovisioned; the restarted sync resumes from its checkpoint (it lists again, to know who exists, but applies only the pages after the checkpoint), deprovisions the deleted users only then, and the app ends equal to the directory.',
  async run(r) {
    const url = await scenarioDatabase(r, 'scim_reliability_kill');
    if (url === null) return;
    await killDuringDeliveries(r, url);
    await killDuringSync(r, url);
  },
};

async function openTransactions(reader: ReturnType<typeof openPgStore>, database: string): Promise<number> {
  const result = await reader.pool.query<{ n: string }>(
    `select count(*) as n from pg_stat_activity
      where datname = $1 and pid <> pg_backend_pid() and xact_start is not null and backend_type = 'client backend'`,
    [database],
  );
  return Number(result.rows[0]!.n);
}

async function killDuringDeliveries(r: Recorder, url: string) {
  const database = new URL(url).pathname.slice(1);
  const sim = await startSimulator({ seed: 2002, retrySchedule: RETRIES_MS, faults: { webhooks: { concurrency: 8 } } });
  const reader = openPgStore(url, { max: 2 });
  const port = await freePort();
  let app = await startAppProcess({ binding: 'express', databaseUrl: url, port, sim, env: { SCIM_POOL_SIZE: '2' } });
  const subscription = sim.webhooks.subscribe(app.url);
  const rows: (string | number)[][] = [];
  try {
    const { organization, directory } = sim.state.seed({ users: 30, groups: 4, events: true });
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    const churn = directoryChurn(sim, directory.id, 99);
    const started = Date.now();
    const killer = (async () => {
      for (const at of KILLS_AT_MS) {
        await sleep(at - (Date.now() - started));
        let open = 0;
        const deadline = Date.now() + 2_000;
        while (open === 0 && Date.now() < deadline) open = await openTransactions(reader, database);
        const killedAt = Date.now();
        app.child.kill('SIGKILL');
        await new Promise((resolve) => app.child.once('exit', resolve));
        const downFrom = Date.now();
        app = await startAppProcess({ binding: 'express', databaseUrl: url, port, sim, env: { SCIM_POOL_SIZE: '2' } });
        rows.push([rows.length + 1, Math.round((killedAt - started) / 100) / 10, open, Date.now() - downFrom]);
      }
    })();
    const changes = await churnFor(churn, CHURN_PER_SECOND, CHURN_MS);
    await killer;
    await sim.webhooks.idle({ timeoutMs: 300_000 });

    const log = sim.webhooks.log().filter((attempt) => attempt.subscriptionId === subscription.id);
    const noAnswer = log.filter((attempt) => attempt.status === null).length;
    r.equal(sim.webhooks.stats().givenUp, 0, 'deliveries: given up');
    const inbox = await reader.pool.query<{ id: string; status: string }>(
      'select id, status from scim_events where organization_id = $1',
      [organization.id],
    );
    const ids = new Set(inbox.rows.map((row) => row.id));
    const events = sim.state.events().filter((event) => event.organizationId === organization.id);
    r.equal(events.filter((event) => !ids.has(event.id)).length, 0, 'deliveries: events missing from the inbox');
    r.equal(inbox.rows.filter((row) => row.status === 'pending').length, 0, 'deliveries: inbox records left pending');
    r.check(
      rows.some((row) => Number(row[2]) > 0),
      'deliveries: no kill landed while a transaction of the app was open',
    );
    const comparison = compareWithDirectory(churn.truth(), {
      users: await reader.appUsers(organization.id),
      groups: await reader.appGroups(organization.id),
    });
    for (const difference of comparison.differences) r.check(false, `deliveries: ${difference}`);
    r.figure('deliveries: directory changes', changes);
    r.figure('deliveries: events', events.length);
    r.figure('deliveries: attempts', log.length);
    r.figure('deliveries: attempts without an answer (killed in flight or app down)', noAnswer);
    r.figure('deliveries: equal to the directory', comparison.equal);
  } finally {
    subscription.unsubscribe();
    await app.stop();
    await sim.close();
    await reader.close();
  }
  r.table({
    title: 'Kills during deliveries',
    columns: ['kill', 'at (s)', 'app transactions open at the kill', 'ms until the app listened again'],
    rows,
  });
}

async function killDuringSync(r: Recorder, url: string) {
  const sim = await startSimulator({ seed: 3003 });
  const reader = openPgStore(url, { max: 2 });
  try {
    const { organization, directory, userIds } = sim.state.seed({ users: SYNC_USERS, groups: 40 });
    const organizationId = organization.id;
    sim.api.setFaults({ latencyMs: API_LATENCY_MS });

    const first = await runSyncProcess({ databaseUrl: url, sim, organizationId });
    const firstUsers = (first.report?.users ?? {}) as Record<string, number>;
    const callsFirst = sim.api.stats().callsByMethod.listDirectoryUsers ?? 0;
    r.check(first.report !== null, `sync: the first full sync did not finish:\n${first.output}`);
    r.figure(
      'sync: users created by the first full sync',
      Number((first.report?.users as { created?: number })?.created),
    );

    // The directory moves on while the app is not listening.
    const deleted = userIds.filter((_, i) => i % 97 === 0);
    const deactivated = userIds.filter((_, i) => i % 53 === 1 && i % 97 !== 0);
    // Disjoint from the deactivated: a listing leaves inactive users out, so it cannot see their other fields.
    const changed = userIds.filter((_, i) => i % 17 === 2 && i % 97 !== 0 && i % 53 !== 1);
    for (const id of deleted) sim.state.deleteUser(id);
    for (const id of deactivated) sim.state.deactivateUser(id, { event: 'user_updated' });
    for (const id of changed) sim.state.updateUser(id, { department: 'Moved by the directory' });

    const callsBefore = sim.api.stats().callsByMethod.listDirectoryUsers ?? 0;
    const killed = await runSyncProcess({
      databaseUrl: url,
      sim,
      organizationId,
      killWhen: (progress) => progress.phase === 'users' && progress.usersListed >= SYNC_USERS * 0.4,
    });
    const callsKilled = (sim.api.stats().callsByMethod.listDirectoryUsers ?? 0) - callsBefore;
    r.check(killed.killed && killed.report === null, 'sync: the second sync was not killed mid-listing');
    const listedAtKill = killed.progress.at(-1)?.usersListed ?? 0;

    const atKill = new Map((await reader.appUsers(organizationId)).map((user) => [user.directoryUserId, user]));
    const activeInDirectory = sim.state.users(directory.id).map((user) => user.id);
    const wronglyInactive = activeInDirectory.filter((id) => atKill.get(id)?.active === false);
    r.equal(wronglyInactive.length, 0, 'sync: users active in the directory but inactive in the app after the kill');
    const deprovisionedEarly = deleted.filter((id) => atKill.get(id)?.active === false);
    r.equal(
      deprovisionedEarly.length,
      0,
      'sync: users deleted from the directory deprovisioned from a partial listing',
    );

    const resumed = await runSyncProcess({ databaseUrl: url, sim, organizationId });
    const callsResumed = (sim.api.stats().callsByMethod.listDirectoryUsers ?? 0) - callsBefore - callsKilled;
    const report = resumed.report as { resumed?: boolean; users?: Record<string, number> } | null;
    r.check(report !== null, `sync: the restarted sync did not finish:\n${resumed.output}`);
    r.equal(report?.resumed, true, 'sync: the restarted sync resumed from the checkpoint');
    // A resumed run lists every page again (to know who still exists before deprovisioning anyone) but
    // applies only the pages after its checkpoint.
    const users = report?.users ?? {};
    const planned = ['created', 'updated', 'reactivated', 'unchanged', 'skipped'].reduce(
      (sum, key) => sum + (users[key] ?? 0),
      0,
    );
    r.check(
      planned < (users.listed ?? 0) - 250,
      `sync: the resumed sync re-applied ${planned} of ${users.listed} listed users; the pages before its checkpoint should have been skipped`,
    );
    const comparison = compareWithDirectory(
      {
        users: sim.state.users(directory.id, { includeInactive: true }),
        groups: sim.state.groups(directory.id),
        deletedUserIds: deleted,
      },
      { users: await reader.appUsers(organizationId), groups: await reader.appGroups(organizationId) },
    );
    for (const difference of comparison.differences) r.check(false, `sync: ${difference}`);

    r.table({
      title: `Full sync of ${SYNC_USERS.toLocaleString('en')} users killed and restarted`,
      columns: [
        'run',
        'outcome',
        'users listed',
        'listing calls',
        'resumed',
        'users applied (written or found unchanged)',
        'updated',
        'deactivated',
      ],
      rows: [
        ['first', 'finished', Number(firstUsers.listed), callsFirst, 'no', Number(firstUsers.created), 0, 0],
        ['second', 'SIGKILL', listedAtKill, callsKilled, 'no', 'n/a', 'n/a', 'n/a'],
        [
          'third',
          report === null ? 'failed' : 'finished',
          users.listed ?? 0,
          callsResumed,
          report?.resumed === true ? 'yes' : 'no',
          planned,
          users.updated ?? 0,
          users.deactivated ?? 0,
        ],
      ],
    });
    r.figure('sync: users written by the second sync before its kill', killed.progress.at(-1)?.usersWritten ?? 0);
    r.figure(
      'sync: directory changes before the killed sync',
      `${deleted.length} deleted, ${deactivated.length} deactivated, ${changed.length} changed`,
    );
    r.figure('sync: users active in the directory found inactive after the kill', wronglyInactive.length);
    r.figure('sync: deleted users deprovisioned from the partial listing', deprovisionedEarly.length);
    r.figure('sync: equal to the directory after the resumed sync', comparison.equal);
  } finally {
    await sim.close();
    await reader.close();
  }
}
