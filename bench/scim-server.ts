/**
 * The SCIM 2.0 server into PostgreSQL, beside Scalekit's webhook path on the same database and app.
 *
 * One app in its own process (scim-server/server.ts): Express 5 with `scimRouter` and `scimServerRoute`, one
 * engine (`directScim`) on @scim/adapter-drizzle over a pg.Pool. This process sends the requests:
 *
 *  1. initial push: `--users` POST /Users from `--senders` concurrent clients (users/s, p50/p99), and the same
 *     number of `user_created` webhook deliveries of another organization through the webhook route, same senders;
 *  2. the tenant grows to `--lookup-users` Users: the rest are written straight into the SDK's tables (one
 *     INSERT ... SELECT from a pushed user's row, renamed: the same rows POSTs would write, without the hours);
 *  3. filtered lookup: GET /Users?filter=userName eq "..." of random users, one at a time (p50/p99), then
 *     `--senders` at a time (requests/s, p99); and GET /Groups/<id>?excludedAttributes=members of the big group;
 *  4. membership: PATCH add then remove of `--members` pushed users to a group of `--group-size` members and to
 *     one of `--members` members (the existing members written straight into the tables as in 2), `--rounds`
 *     times, one PATCH at a time: milliseconds per PATCH, and the ratio big/small (cost independent of size: ~1).
 *
 * Own database `scim_bench_scim_server` (TEST_POSTGRES_URL). Writes bench/results/scim-server.json.
 * `BENCH_SCIM_NODE_ARGS`: extra Node flags for the app, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startCpuMeter } from './cpu-meter.js';
import { createDrizzleDatabase } from './databases.js';
import { load, percentile, sign } from './ingest/load.js';
import { ScimClient, type ScimRequest } from './scim-server/requests.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    'lookup-users': { type: 'string', default: '100000' },
    'group-size': { type: 'string', default: '50000' },
    members: { type: 'string', default: '1000' },
    lookups: { type: 'string', default: '2000' },
    senders: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
    pool: { type: 'string', default: '10' },
  },
});
const USERS = Number(values.users);
const LOOKUP_USERS = Number(values['lookup-users']);
const GROUP_SIZE = Number(values['group-size']);
const MEMBERS = Number(values.members);
const LOOKUPS = Number(values.lookups);
const SENDERS = Number(values.senders);
const ROUNDS = Number(values.rounds);
if (MEMBERS > USERS) throw new Error('--members cannot exceed --users (the members added are pushed users)');

const SCIM_ORG = 'org_scimbench_scim';
const WEBHOOK_ORG = 'org_scimbench_webhook';
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ms = (value: number) => Math.round(value * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const token = (prefix: string, i: number) => `${prefix}${String(i).padStart(7, '0')}`;

/** What Okta's or Entra's first push sends for one user. */
function scimUser(name: string) {
  return {
    schemas: [USER_SCHEMA],
    userName: `${name}@example.com`,
    externalId: `ext-${name}`,
    name: { givenName: 'Given', familyName: name },
    displayName: `Given ${name}`,
    emails: [{ value: `${name}@example.com`, type: 'work', primary: true }],
    active: true,
  };
}

/** The same user as Scalekit's `user_created` webhook. */
function webhookDelivery(i: number) {
  const name = token('w', i);
  const eventId = `evt_scimbench_${name}`;
  const occurredAt = new Date(Date.UTC(2026, 11, 1) + i).toISOString();
  const body = Buffer.from(
    JSON.stringify({
      spec_version: '1',
      id: eventId,
      type: 'organization.directory.user_created',
      occurred_at: occurredAt,
      environment_id: 'env_scimbench',
      organization_id: WEBHOOK_ORG,
      object: 'DirectoryUser',
      data: {
        id: `diruser_${name}`,
        organization_id: WEBHOOK_ORG,
        email: `${name}@example.com`,
        preferred_username: `${name}@example.com`,
        name: `Given ${name}`,
        given_name: 'Given',
        family_name: name,
        active: true,
        groups: [],
        raw_attributes: {},
      },
    }),
  );
  return { webhookId: `msg_${name}`, eventId, body };
}

interface Server {
  child: ChildProcess;
  url: string;
  tokens: Record<string, string>;
  close(): Promise<void>;
}

async function startServer(databaseUrl: string): Promise<Server> {
  const child = fork(new URL('./scim-server/server.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SCIM_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: {
      ...process.env,
      SCIM_BENCH_DATABASE_URL: databaseUrl,
      SCIM_BENCH_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SCIM_BENCH_POOL_SIZE: values.pool,
      SCIM_BENCH_ORGANIZATIONS: SCIM_ORG,
    },
  });
  const ready = await new Promise<{ url: string; tokens: Record<string, string> }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string; tokens: Record<string, string> }));
    child.once('exit', (code) => reject(new Error(`the app exited with ${code}`)));
  });
  return {
    child,
    ...ready,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ cmd: 'close' });
      }),
  };
}

function figures(run: { requests: number; seconds: number; latencies: Float64Array }) {
  return {
    requests: run.requests,
    perSecond: Math.round(run.requests / run.seconds),
    p50Ms: ms(percentile(run.latencies, 50)),
    p99Ms: ms(percentile(run.latencies, 99)),
    maxMs: ms(run.latencies[run.latencies.length - 1] ?? Number.NaN),
  };
}

/** The statements the app has sent PostgreSQL so far. */
function statementsSent(server: Server): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { statements?: number }) => {
      if (message.statements === undefined) return;
      server.child.off('message', onMessage);
      resolve(message.statements);
    };
    server.child.on('message', onMessage);
    server.child.send({ cmd: 'cpu' });
  });
}

/** Runs `fn` with the app's and the machine's CPU measured, and the statements the app sent. */
async function measured<T>(
  server: Server,
  fn: () => Promise<T>,
): Promise<{ result: T; appCpuS: number; busy: number; statements: number }> {
  const before = await statementsSent(server);
  const stop = startCpuMeter({ app: [server.child.pid!] });
  const result = await fn();
  const cpu = stop();
  const statements = (await statementsSent(server)) - before;
  return {
    result,
    appCpuS: Math.round(cpu.others.app! * 100) / 100,
    busy: Math.round(cpu.machineBusy * 100) / 100,
    statements,
  };
}

/** Grows the tenant with `count` Users renamed from the pushed user `template` (rows as the server writes them). */
async function seedUsers(db: pg.Pool, template: string, count: number): Promise<void> {
  const step = 20_000;
  for (let from = 1; from <= count; from += step) {
    const to = Math.min(count, from + step - 1);
    const client = await db.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into scim_resources (organization_id, resource_type, id, version, attributes, user_name, external_id,
           display_name, active, created_at, last_modified)
         select r.organization_id, 'User', 'seed-' || n.t, r.version + i, replace(r.attributes, $2, n.t),
           replace(r.user_name, $2, n.t), replace(r.external_id, $2, n.t), replace(r.display_name, lower($2), lower(n.t)),
           r.active, r.created_at, r.last_modified
         from scim_resources r, generate_series($3::int, $4::int) i,
           lateral (select 's' || lpad(i::text, 7, '0') as t) n
         where r.organization_id = $1 and r.resource_type = 'User' and r.user_name = lower($2) || '@example.com'`,
        [SCIM_ORG, template, from, to],
      );
      // Fresh statistics first: a foreign-key check planned against a table that looked small scans it per row.
      await client.query('analyze scim_resources');
      await client.query(
        `insert into scim_resource_emails (organization_id, resource_type, resource_id, email)
         select $1, 'User', 'seed-' || n.t, n.t || '@example.com' from generate_series($2::int, $3::int) i,
           lateral (select 's' || lpad(i::text, 7, '0') as t) n`,
        [SCIM_ORG, from, to],
      );
      await client.query('commit');
    } finally {
      client.release();
    }
  }
  await db.query('analyze scim_resources; analyze scim_resource_emails');
}

/** Members `first`..`first + count - 1` of the seeded users, written straight into the group's membership rows. */
async function seedMembers(db: pg.Pool, groupId: string, first: number, count: number): Promise<void> {
  await db.query(
    `insert into scim_memberships (organization_id, user_id, group_id)
     select $1, 'seed-s' || lpad(i::text, 7, '0'), $2 from generate_series($3::int, $4::int) i`,
    [SCIM_ORG, groupId, first, first + count - 1],
  );
  await db.query('analyze scim_memberships');
}

const patch = (groupId: string, op: 'add' | 'remove', ids: readonly string[]): ScimRequest => ({
  method: 'PATCH',
  path: `/Groups/${groupId}`,
  body: {
    schemas: [PATCH_SCHEMA],
    Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }],
  },
});

async function timed(client: ScimClient, r: ScimRequest): Promise<number> {
  const started = performance.now();
  const answer = await client.send(r);
  const elapsed = performance.now() - started;
  if (answer.status >= 300) throw new Error(`${r.method} ${r.path} answered ${answer.status}`);
  return elapsed;
}

const seedCount = Math.max(LOOKUP_USERS - USERS, GROUP_SIZE + MEMBERS);
console.log(
  `SCIM server into PostgreSQL: push ${USERS} users (${SENDERS} senders), lookups on ${USERS + seedCount} users, ` +
    `PATCH ${MEMBERS} members into groups of ${GROUP_SIZE} and ${MEMBERS}, ${ROUNDS} rounds`,
);
const databaseUrl = await createDrizzleDatabase('scim_bench_scim_server');
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const server = await startServer(databaseUrl);
const scim = new ScimClient(`${server.url}/scim/v2`, server.tokens[SCIM_ORG]!, SENDERS);
try {
  // Warm-up: a few of each, in organizations of their own, so that both paths start with parsed statements.
  await load(`${server.url}/webhooks/scalekit`, sign([webhookDelivery(9_999_999)], WEBHOOK_SECRET), 1);
  const warm = await scim.send({ method: 'POST', path: '/Users', body: scimUser('warmup') });
  if (warm.status !== 201) throw new Error(`warm-up POST answered ${warm.status}`);

  // 1. Initial push, SCIM and webhooks, the same number of users from the same number of senders.
  const deliveries = sign(
    Array.from({ length: USERS }, (_, i) => webhookDelivery(i)),
    WEBHOOK_SECRET,
  );
  const webhookPush = await measured(server, () => load(`${server.url}/webhooks/scalekit`, deliveries, SENDERS));
  const pushRequests = Array.from(
    { length: USERS },
    (_, i): ScimRequest => ({
      method: 'POST',
      path: '/Users',
      body: scimUser(token('u', i)),
    }),
  );
  const scimPush = await measured(server, () => scim.run(pushRequests, SENDERS));
  const pushedIds = scimPush.result.answers.map((answer) => (answer.json as { id: string }).id);
  const push = {
    scim: {
      ...figures(scimPush.result),
      appCpuS: scimPush.appCpuS,
      machineBusy: scimPush.busy,
      statementsPerUser: Math.round((scimPush.statements / USERS) * 100) / 100,
    },
    webhook: {
      ...figures(webhookPush.result),
      appCpuS: webhookPush.appCpuS,
      machineBusy: webhookPush.busy,
      statementsPerUser: Math.round((webhookPush.statements / USERS) * 100) / 100,
    },
  };
  const appRows = await db.query<{ organization: string; n: string }>(
    'select scim_organization_id as organization, count(*) as n from app_users group by 1',
  );
  console.log('\n1. initial push (users/s, ms per request)');
  console.table(push);
  console.log(`   app_users rows: ${appRows.rows.map((r) => `${r.organization} ${r.n}`).join(', ')}`);

  // 2. The tenant grows to its lookup size.
  const seedStarted = performance.now();
  await seedUsers(db, token('u', 0), seedCount);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const total = Number(
    (
      await db.query<{ n: string }>(
        "select count(*) as n from scim_resources where organization_id = $1 and resource_type = 'User'",
        [SCIM_ORG],
      )
    ).rows[0]!.n,
  );
  console.log(`\n2. tenant: ${total} Users (${seedCount} written into the tables in ${seedSeconds.toFixed(1)} s)`);

  // 3. Filtered lookups, and a big group read without its members.
  const big = await scim.send({
    method: 'POST',
    path: '/Groups',
    body: { schemas: [GROUP_SCHEMA], displayName: 'Big' },
  });
  const small = await scim.send({
    method: 'POST',
    path: '/Groups',
    body: { schemas: [GROUP_SCHEMA], displayName: 'Small' },
  });
  const bigId = (big.json as { id: string }).id;
  const smallId = (small.json as { id: string }).id;
  await seedMembers(db, bigId, 1, GROUP_SIZE);
  await seedMembers(db, smallId, GROUP_SIZE + 1, MEMBERS);
  let seed = 17;
  const randomSeeded = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return 1 + (seed % seedCount);
  };
  const lookup = (): ScimRequest => ({
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent(`userName eq "${token('s', randomSeeded())}@example.com"`)}`,
  });
  const oneAtATime = await scim.run(Array.from({ length: LOOKUPS }, lookup), 1);
  const misses = oneAtATime.answers.filter((a) => (a.json as { totalResults: number }).totalResults !== 1).length;
  if (misses > 0) throw new Error(`${misses} lookups found no user`);
  const concurrent = await scim.run(Array.from({ length: LOOKUPS * 2 }, lookup), SENDERS);
  const groupRead = await scim.run(
    Array.from({ length: 200 }, () => ({
      method: 'GET' as const,
      path: `/Groups/${bigId}?excludedAttributes=members`,
    })),
    1,
  );
  const lookups = {
    'userName eq, 1 in flight': figures(oneAtATime),
    [`userName eq, ${SENDERS} in flight`]: figures(concurrent),
    [`GET group of ${GROUP_SIZE}, excludedAttributes=members`]: figures(groupRead),
  };
  console.log('\n3. lookups (requests/s, ms per request)');
  console.table(lookups);

  // 4. Membership PATCHes: the same members added to and removed from a big and a small group.
  const members = pushedIds.slice(0, MEMBERS);
  const perPatch: Record<string, number[]> = { 'big add': [], 'big remove': [], 'small add': [], 'small remove': [] };
  for (let round = 0; round < ROUNDS; round++) {
    perPatch['big add']!.push(await timed(scim, patch(bigId, 'add', members)));
    perPatch['big remove']!.push(await timed(scim, patch(bigId, 'remove', members)));
    perPatch['small add']!.push(await timed(scim, patch(smallId, 'add', members)));
    perPatch['small remove']!.push(await timed(scim, patch(smallId, 'remove', members)));
  }
  const memberCount = async (groupId: string) =>
    Number(
      (
        await db.query<{ n: string }>(
          'select count(*) as n from scim_memberships where organization_id = $1 and group_id = $2',
          [SCIM_ORG, groupId],
        )
      ).rows[0]!.n,
    );
  const [bigAfter, smallAfter] = [await memberCount(bigId), await memberCount(smallId)];
  if (bigAfter !== GROUP_SIZE || smallAfter !== MEMBERS) {
    throw new Error(`members after the rounds: ${bigAfter} and ${smallAfter}, expected ${GROUP_SIZE} and ${MEMBERS}`);
  }
  const membership = Object.fromEntries(
    Object.entries(perPatch).map(([name, times]) => [
      name,
      { medianMs: ms(median(times)), minMs: ms(Math.min(...times)), maxMs: ms(Math.max(...times)) },
    ]),
  );
  // On a shared machine the fastest round is the cost; the others include waiting for a CPU.
  const ratio = {
    add: ms(Math.min(...perPatch['big add']!) / Math.min(...perPatch['small add']!)),
    remove: ms(Math.min(...perPatch['big remove']!) / Math.min(...perPatch['small remove']!)),
    addMedian: ms(median(perPatch['big add']!) / median(perPatch['small add']!)),
    removeMedian: ms(median(perPatch['big remove']!) / median(perPatch['small remove']!)),
  };
  console.log(
    `\n4. PATCH of ${MEMBERS} members, one request each (ms), group of ${GROUP_SIZE} ("big") and of ${MEMBERS}`,
  );
  console.table(membership);
  console.log(
    `   big/small, fastest rounds: add ${ratio.add}x, remove ${ratio.remove}x; medians: add ${ratio.addMedian}x, ` +
      `remove ${ratio.removeMedian}x (cost independent of the group's size: ~1)`,
  );

  const targets = {
    'push >= 1,000 users/s': push.scim.perSecond >= 1000,
    'push p99 < 100 ms': push.scim.p99Ms < 100,
    'lookup p99 < 10 ms (1 in flight)': lookups['userName eq, 1 in flight'].p99Ms < 10,
    'membership PATCH within 1.5x across group sizes (fastest rounds)': ratio.add < 1.5 && ratio.remove < 1.5,
  };
  console.log('\ntargets');
  console.table(targets);
  const result = {
    when: new Date().toISOString(),
    options: { USERS, LOOKUP_USERS, GROUP_SIZE, MEMBERS, LOOKUPS, SENDERS, ROUNDS, pool: Number(values.pool) },
    push,
    tenantUsers: total,
    seededUsers: seedCount,
    lookups,
    membership,
    ratio,
    targets,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/scim-server.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  scim.close();
  await server.close();
  await db.end();
}
