import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AppProcess,
  followAndReconcile,
  freshPostgresDatabase,
  startApp,
  unauthenticatedAnswers,
} from '@scim/demo/harness';
import { type Simulator, startSimulator } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const postgres = await freshPostgresDatabase('scim_example_express_prisma');

describe.each([
  { name: 'SQLite (the default)', databaseUrl: undefined as string | undefined },
  ...(postgres === undefined ? [] : [{ name: 'PostgreSQL', databaseUrl: postgres }]),
])('the express-prisma example as a process on $name', ({ databaseUrl }) => {
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
      // The first start compiles the generated Prisma clients through tsx: slow on a busy machine.
      startTimeoutMs: 240_000,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('follows the directory by webhook (duplicates, reordering) and by reconcile', async () => {
    // A user the app invited itself, outside the directory: no reconcile may touch it.
    const invited = await fetch(new URL('/api/users', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'guest@example.com', name: 'Guest' }),
    });
    expect(invited.status).toBe(201);

    const result = await followAndReconcile(sim, app.url, adminToken);
    expect(result.failedDeliveries, JSON.stringify(result.failedDeliveries.slice(0, 3))).toEqual([]);
    expect(result.afterWebhooks.differences).toEqual([]);
    expect(result.reconcileUpdated).toBe(1);
    expect(result.afterReconcile.differences).toEqual([]);

    const everyone = (await (await fetch(new URL('/api/users', app.url))).json()) as {
      users: { email: string | null; directoryUserId: string | null; active: boolean; plan: string }[];
    };
    const guest = everyone.users.find((user) => user.email === 'guest@example.com');
    expect(guest).toMatchObject({ directoryUserId: null, active: true, plan: 'team' });
  });

  it('answers a bad signature with 400 and the admin route without a token with 401', async () => {
    expect(await unauthenticatedAnswers(app.url)).toEqual({ webhook: 400, admin: 401 });
  });
});
