import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppProcess, appApi, compareWithDirectory, playStory, startApp } from '@scim/demo/harness';
import { type Simulator, startSimulator } from '@scim/simulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'scim_example_fastify_drizzle';

async function freshPostgresDatabase(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is required in CI and unreachable: ${String(error)}`);
    return undefined;
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

const postgres = await freshPostgresDatabase();

describe.each([
  { name: 'PGlite (the default)', databaseUrl: undefined as string | undefined },
  ...(postgres === undefined ? [] : [{ name: 'PostgreSQL', databaseUrl: postgres }]),
])('the fastify-drizzle example as a process on $name', ({ databaseUrl }) => {
  let sim: Simulator;
  let app: AppProcess;
  let dataDir: string;
  const adminToken = randomBytes(16).toString('hex');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'scim-example-'));
    sim = await startSimulator({ seed: 11, timeScale: 0.001 });
    app = await startApp({
      cwd: exampleDir,
      env: {
        ...sim.env(),
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        ADMIN_TOKEN: adminToken,
        SCIM_SYNC_INTERVAL_MS: '0',
        LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('follows the directory by webhook (duplicates, reordering) and by reconcile', async () => {
    const organization = sim.state.createOrganization();
    sim.webhooks.subscribe(new URL('/webhooks/scalekit', app.url).toString());
    sim.webhooks.setFaults({ duplicateRate: 0.3, reorderWindow: 6, concurrency: 6 });
    const directory = sim.state.createDirectory(organization.id);
    const story = await playStory(sim, {
      users: 60,
      groups: 6,
      movers: 5,
      leavers: 6,
      organizationId: organization.id,
      directoryId: directory.id,
      say: () => {},
    });
    const failed = sim.webhooks.log().filter((attempt) => attempt.outcome === 'failed');
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);

    const api = appApi(app.url, adminToken);
    const afterWebhooks = compareWithDirectory(story.truth(), {
      users: await api.users(organization.id),
      groups: await api.groups(organization.id),
    });
    expect(afterWebhooks.differences).toEqual([]);

    // A change the app misses (its webhook is unsubscribed), then a reconcile through the Directory API.
    sim.webhooks.unsubscribe(new URL('/webhooks/scalekit', app.url).toString());
    const someone = sim.state.users(directory.id)[0]!;
    sim.state.updateUser(someone.id, { department: 'Reconciled' });
    const report = (await api.sync(organization.id, 'full')) as { users: { updated: number } };
    expect(report.users.updated).toBe(1);
    const afterSync = compareWithDirectory(story.truth(), {
      users: await api.users(organization.id),
      groups: await api.groups(organization.id),
    });
    expect(afterSync.differences).toEqual([]);
  });

  it('answers a bad signature with 400 and the admin route without a token with 401', async () => {
    const bad = await fetch(new URL('/webhooks/scalekit', app.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt_1',
        'webhook-timestamp': '1',
        'webhook-signature': 'v1,AAAA',
      },
      body: '{}',
    });
    expect(bad.status).toBe(400);
    const admin = await fetch(new URL('/admin/sync', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId: 'org_x' }),
    });
    expect(admin.status).toBe(401);
  });
});
