import { ScalekitClient } from '@scalekit-sdk/node';
import { createScimEngine, type ScimEngine, ScimError, silentLogger } from '@scim/core';
import { type Simulator, startSimulator } from '@scim/simulator';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { drizzleKitMigrations, recreatePostgres, testDatabase, unreachable } from './support/databases.js';
import { pgAppUsers } from './support/pg-users.js';

/**
 * Full syncs from the simulator, through the real ScalekitClient, into PostgreSQL with several user
 * batches in flight at once: the end state must be the directory's, whatever order the batches
 * committed in, with webhooks racing them, and after an interruption.
 */
const CONCURRENCY = 4;

async function prepare() {
  let url: string;
  try {
    url = await recreatePostgres(testDatabase('scim_drizzle_sync'));
  } catch (error) {
    return unreachable('PostgreSQL', error);
  }
  // The batches in flight, the checkpoint writes and the lease renewals each need a connection.
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY + 2 });
  const db = drizzle(pool, { schema });
  await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
  return { pool, db };
}

const ready = await prepare();

if (typeof ready === 'string') {
  test.skip(`sync into drizzle:pg with batches in flight: ${ready}`, () => {});
} else {
  const { pool, db } = ready;
  afterAll(() => pool.end());

  let sim: Simulator;
  let org: string;
  let dir: string;
  let userIds: string[];
  let groupIds: string[];

  beforeEach(async () => {
    await pool.query(
      'truncate app_users, scim_events, scim_entities, scim_groups, scim_memberships, scim_directories, scim_sync_states, scim_leases',
    );
    sim = await startSimulator({ seed: 7, timeScale: 0.001 });
    const seeded = sim.state.seed({ users: 1200, groups: 20 });
    org = seeded.organization.id;
    dir = seeded.directory.id;
    userIds = seeded.userIds;
    groupIds = seeded.groupIds;
  });

  afterEach(async () => {
    await sim.close();
  });

  /**
   * The engine over the drizzle adapter. `overlap.start()` (from the users phase on) makes the next
   * transaction wait until another one has started: a sync that wrote one batch at a time would
   * never finish.
   */
  function engine(): { engine: ScimEngine; provisioned: Map<string, number>; overlap: { start(): void } } {
    const provisioned = new Map<string, number>();
    const adapter = drizzleAdapter(db, { users: pgAppUsers });
    let held: { resolve: () => void } | 'next' | undefined;
    const overlap = {
      start: () => {
        held ??= 'next';
      },
    };
    const scim = createScimEngine({
      adapter: {
        ...adapter,
        transaction: async (fn) => {
          if (held === 'next') {
            await new Promise<void>((resolve) => {
              held = { resolve };
            });
          } else if (held !== undefined) {
            held.resolve();
          }
          return adapter.transaction(fn);
        },
      },
      logger: silentLogger,
      webhookSecret: sim.credentials.webhookSecret,
      scalekit: new ScalekitClient(sim.url, sim.credentials.clientId, sim.credentials.clientSecret),
      // Small batches, so that a 1,200-user directory makes a dozen of them, four at a time; pages of 50,
      // so that the racing test gets its 20 progress calls (pages of 100 would give 12).
      sync: { batchSize: 100, pageSize: 50, concurrency: CONCURRENCY, retryBaseMs: 5 },
      hooks: {
        onUserProvisioned: ({ user }) => void provisioned.set(user.id, (provisioned.get(user.id) ?? 0) + 1),
      },
    });
    return { engine: scim, provisioned, overlap };
  }

  /** Differences between the database and the simulator's directory (empty when they agree). */
  async function differences(): Promise<string[]> {
    const out: string[] = [];
    const users = new Map(
      (
        await pool.query<{
          id: string;
          email: string | null;
          given: string | null;
          family: string | null;
          username: string | null;
          active: boolean;
        }>(
          'select scim_user_id id, email, given_name given, family_name family, username, is_active active from app_users where scim_organization_id = $1',
          [org],
        )
      ).rows.map((row) => [row.id, row]),
    );
    const groupsOf = new Map<string, string[]>();
    for (const row of (
      await pool.query<{ user_id: string; group_id: string }>(
        'select user_id, group_id from scim_memberships where organization_id = $1',
        [org],
      )
    ).rows) {
      groupsOf.set(row.user_id, [...(groupsOf.get(row.user_id) ?? []), row.group_id]);
    }
    const listed = sim.state.users(dir, { includeInactive: false });
    for (const user of listed) {
      const row = users.get(user.id);
      if (row === undefined) {
        out.push(`${user.id}: missing`);
        continue;
      }
      if (!row.active) out.push(`${user.id}: inactive`);
      if (row.email !== user.email) out.push(`${user.id}: email`);
      if (row.given !== user.givenName) out.push(`${user.id}: givenName`);
      if (row.family !== user.familyName) out.push(`${user.id}: familyName`);
      if (row.username !== user.username) out.push(`${user.id}: username`);
      const stored = [...(groupsOf.get(user.id) ?? [])].sort().join();
      if (stored !== [...user.groupIds].sort().join()) out.push(`${user.id}: groups [${stored}]`);
    }
    const inDirectory = new Set(listed.map((u) => u.id));
    for (const row of users.values()) {
      if (!inDirectory.has(row.id) && row.active) out.push(`${row.id}: active but not in the directory`);
      if (!inDirectory.has(row.id) && groupsOf.has(row.id)) out.push(`${row.id}: memberships but not in the directory`);
    }
    const groups = new Map(
      (
        await pool.query<{ id: string; name: string | null }>(
          'select id, display_name name from scim_groups where organization_id = $1',
          [org],
        )
      ).rows.map((row) => [row.id, row.name]),
    );
    for (const group of sim.state.groups(dir)) {
      if (!groups.has(group.id)) out.push(`${group.id}: group missing`);
      else if (groups.get(group.id) !== group.displayName) out.push(`${group.id}: group name`);
    }
    return out.slice(0, 20);
  }

  describe(`full sync into PostgreSQL (drizzle, node-postgres) with ${CONCURRENCY} batches in flight`, () => {
    test('ends equal to the directory, then follows removals, changes and new users', async () => {
      const { engine: scim, provisioned, overlap } = engine();
      const report = await scim.sync({
        organizationId: org,
        onProgress: (p) => {
          if (p.phase === 'users') overlap.start();
        },
      });
      expect(report.users).toMatchObject({ listed: 1200, created: 1200, skipped: 0, unchanged: 0 });
      expect(report.memberships).toBe(1200);
      expect(await differences()).toEqual([]);
      expect(provisioned.size).toBe(1200);
      expect([...provisioned.values()].every((n) => n === 1)).toBe(true);

      for (const id of userIds.slice(0, 30)) sim.state.deleteUser(id);
      for (let i = 0; i < 40; i++) {
        sim.state.updateUser(userIds[100 + i * 20]!, { familyName: `Moved${i}`, groupIds: [groupIds[i % 20]!] });
      }
      for (let i = 0; i < 20; i++) sim.state.createUser(dir, { email: `new${i}@example.com`, givenName: 'New' });

      const again = await scim.sync({ organizationId: org });
      expect(again.users).toMatchObject({ listed: 1190, created: 20, updated: 40, deactivated: 30, skipped: 0 });
      expect(again.users.unchanged).toBe(1190 - 20 - 40);
      expect(await differences()).toEqual([]);
    });

    test('racing webhooks (duplicated, reordered) end equal to the directory', async () => {
      const { engine: scim } = engine();
      const server = await import('node:http').then(({ createServer }) =>
        createServer((req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (chunk: Buffer) => chunks.push(chunk));
          req.on('end', () => {
            void scim.handleWebhook({ headers: req.headers, rawBody: Buffer.concat(chunks) }).then((answer) => {
              res.writeHead(answer.status, { 'content-type': 'application/json' });
              res.end(JSON.stringify(answer.body));
            });
          });
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      try {
        sim.webhooks.subscribe(`http://127.0.0.1:${port}/webhooks`);
        sim.webhooks.setFaults({ duplicateRate: 0.2, reorderWindow: 5 });
        let step = 0;
        await scim.sync({
          organizationId: org,
          onProgress: (p) => {
            if (p.phase !== 'users' || step >= 20) return;
            const i = step++;
            sim.state.updateUser(userIds[i * 50]!, { familyName: `During${i}`, groupIds: [groupIds[i % 20]!] });
            sim.state.deleteUser(userIds[i * 50 + 1]!);
            sim.state.createUser(dir, { email: `during${i}@example.com`, givenName: 'During' });
          },
        });
        await sim.webhooks.idle({ timeoutMs: 240_000 });
        expect(step).toBe(20);
        // The webhooks brought what the listing had already passed; a second sync finds nothing left.
        expect(await differences()).toEqual([]);
        const again = await scim.sync({ organizationId: org });
        expect(again.users).toMatchObject({ created: 0, updated: 0, deactivated: 0 });
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    test('aborted half-way, resumes from its checkpoint to the same end state', async () => {
      const { engine: scim, provisioned } = engine();
      const controller = new AbortController();
      const aborted = await scim
        .sync({
          organizationId: org,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.usersListed >= 600) controller.abort();
          },
        })
        .catch((error: unknown) => error);
      expect(aborted).toBeInstanceOf(ScimError);
      expect((aborted as ScimError).code).toBe('SYNC_ABORTED');
      const state = (await pool.query<{ status: string; checkpoint: string }>('select * from scim_sync_states'))
        .rows[0];
      expect(state?.status).toBe('running');
      const pages = JSON.parse(state?.checkpoint ?? '{}').userPages as number;
      expect(pages).toBeGreaterThan(0);
      // Every user listed on the checkpointed pages is in the database.
      const stored = new Set(
        (await pool.query<{ id: string }>('select scim_user_id id from app_users')).rows.map((row) => row.id),
      );
      const listedOrder = sim.state.users(dir).map((u) => u.id);
      expect(listedOrder.slice(0, pages * 30).filter((id) => !stored.has(id))).toEqual([]);

      const resumed = await scim.sync({ organizationId: org });
      expect(resumed.resumed).toBe(true);
      expect(resumed.users.created).toBe(1200 - stored.size);
      expect(await differences()).toEqual([]);
      expect(provisioned.size).toBe(1200);
      expect([...provisioned.values()].every((n) => n === 1)).toBe(true);
    });
  });
}
