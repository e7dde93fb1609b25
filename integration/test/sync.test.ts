import { createScimEngine, memoryAdapter, ScimError, SyncGuardError, type SyncReport, silentLogger } from '@scim/core';
import { type Simulator, startSimulator } from '@scim/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFor, expectMirror, webhookServer } from './helpers.js';

let sim: Simulator;
let org: string;
let dir: string;
let userIds: string[];
let groupIds: string[];

beforeEach(async () => {
  sim = await startSimulator({ seed: 7, timeScale: 0.001 });
  const seeded = sim.state.seed({ users: 1000, groups: 20 });
  org = seeded.organization.id;
  dir = seeded.directory.id;
  userIds = seeded.userIds;
  groupIds = seeded.groupIds;
});

afterEach(async () => {
  await sim.close();
});

describe('full sync through the real ScalekitClient', () => {
  it('mirrors a 1,000-user, 20-group directory', async () => {
    const { engine, adapter } = engineFor(sim);
    const report = await engine.sync({ organizationId: org });
    expect(report).toMatchObject({ organizationId: org, directoryId: dir, mode: 'full', dryRun: false });
    expect(report.users).toMatchObject({ listed: 1000, created: 1000, deactivated: 0 });
    expect(report.groups).toMatchObject({ listed: 20, created: 20 });
    // 100 users a page, Scalekit's limit.
    expect(report.pages.users).toBe(Math.ceil(1000 / 100));
    expectMirror(sim, adapter, org, dir);

    // A second full sync finds nothing to do.
    const again = await engine.sync({ organizationId: org });
    expect(again.users).toMatchObject({ listed: 1000, created: 0, updated: 0, unchanged: 1000, deactivated: 0 });
    expect(adapter.inspect.syncState(org, dir)).toMatchObject({ status: 'succeeded', checkpoint: null });
  });

  it('deactivates exactly the 30 users removed from the directory', async () => {
    const { engine, adapter } = engineFor(sim);
    await engine.sync({ organizationId: org });
    const removed = userIds.filter((_, i) => i % 33 === 5).slice(0, 30);
    expect(removed).toHaveLength(30);
    for (const id of removed) sim.state.deleteUser(id);

    const report = await engine.sync({ organizationId: org });
    expect(report.users).toMatchObject({ listed: 970, deactivated: 30, deleted: 0 });
    const inactive = adapter.inspect
      .users(org)
      .filter((u) => !u.active)
      .map((u) => u.id)
      .sort();
    expect(inactive).toEqual([...removed].sort());
    for (const id of removed) expect(adapter.inspect.groupIdsOfUser(org, id)).toEqual([]);
    expectMirror(sim, adapter, org, dir);
  });

  it('finds a change to a profile field alone (department, title) that webhooks missed', async () => {
    const { engine, adapter } = engineFor(sim);
    await engine.sync({ organizationId: org });
    const moved = userIds.slice(0, 5);
    for (const id of moved) sim.state.updateUser(id, { department: 'Moved', title: 'New title' });

    const report = await engine.sync({ organizationId: org });
    expect(report.users).toMatchObject({ updated: 5, unchanged: 995 });
    for (const id of moved) {
      expect(adapter.inspect.user(org, id)).toMatchObject({ department: 'Moved', title: 'New title' });
    }
  });

  it("writes in batches no larger than the adapter's maxBatchSize", async () => {
    const base = memoryAdapter();
    let largest = 0;
    const adapter = {
      ...base,
      capabilities: { ...base.capabilities, maxBatchSize: 7 },
      transaction: <T>(fn: Parameters<typeof base.transaction<T>>[0]) =>
        base.transaction((store, tx) => {
          // The store's own methods stay reachable through the prototype; only upsertUsers is watched.
          const watched = Object.create(store) as typeof store;
          watched.upsertUsers = (organizationId, users) => {
            largest = Math.max(largest, users.length);
            return store.upsertUsers(organizationId, users);
          };
          return fn(watched, tx);
        }),
    };
    const { engine } = engineFor(sim, { adapter: adapter as typeof base });
    const report = await engine.sync({ organizationId: org });
    expect(report.users.created).toBe(1000);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(7);
    expectMirror(sim, base, org, dir);
  });

  it('deletes removed users under the delete policy', async () => {
    const { engine, adapter } = engineFor(sim, { deprovision: 'delete' });
    await engine.sync({ organizationId: org });
    for (const id of userIds.slice(0, 5)) sim.state.deleteUser(id);
    const report = await engine.sync({ organizationId: org });
    expect(report.users).toMatchObject({ deleted: 5, deactivated: 0 });
    for (const id of userIds.slice(0, 5)) expect(adapter.inspect.user(org, id)).toBeNull();
  });

  it('the guard stops a mass deactivation unless forced', async () => {
    const { engine, adapter } = engineFor(sim);
    await engine.sync({ organizationId: org });
    for (const id of userIds.slice(0, 400)) sim.state.deleteUser(id);

    const refused = await engine.sync({ organizationId: org }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SyncGuardError);
    expect(refused).toMatchObject({ code: 'SYNC_GUARD', candidates: 400, activeUsers: 1000 });
    expect(adapter.inspect.users(org).filter((u) => !u.active)).toHaveLength(0);
    expect(adapter.inspect.syncState(org, dir)).toMatchObject({ status: 'failed', checkpoint: null });

    const forced = await engine.sync({ organizationId: org, force: true });
    expect(forced.users.deactivated).toBe(400);
    expectMirror(sim, adapter, org, dir);
  });

  it('a dry run returns the plan and writes nothing', async () => {
    const { engine, adapter } = engineFor(sim);
    await engine.sync({ organizationId: org });
    sim.state.deleteUser(userIds[0]!);
    sim.state.updateUser(userIds[1]!, { email: 'renamed@example.com' });
    const created = sim.state.createUser(dir, { email: 'new.hire@example.com', givenName: 'New', familyName: 'Hire' });
    const before = JSON.stringify(adapter.inspect.users(org), (_k, v) => (typeof v === 'bigint' ? String(v) : v));

    const report = await engine.sync({ organizationId: org, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.plan).toEqual(
      expect.arrayContaining([
        { kind: 'user', id: userIds[0], action: 'deactivate' },
        { kind: 'user', id: userIds[1], action: 'update', email: 'renamed@example.com' },
        { kind: 'user', id: created.id, action: 'create', email: 'new.hire@example.com' },
      ]),
    );
    expect(report.plan).toHaveLength(3);
    expect(JSON.stringify(adapter.inspect.users(org), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).toBe(before);
  });
});

describe('the Scalekit client', () => {
  it('is built from the SCALEKIT_* variables when none is given, and their absence is a clear error', async () => {
    const saved = { ...process.env };
    try {
      for (const name of ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'])
        delete process.env[name];
      const adapter = memoryAdapter();
      const engine = createScimEngine({ adapter, logger: silentLogger, webhookSecret: sim.credentials.webhookSecret });
      const missing = await engine.sync({ organizationId: org }).catch((error: unknown) => error);
      expect(missing).toMatchObject({ code: 'CONFIGURATION_ERROR' });
      expect((missing as Error).message).toContain('SCALEKIT_CLIENT_SECRET');
      expect((missing as Error).message).not.toContain(sim.credentials.clientSecret);

      Object.assign(process.env, sim.env());
      const report = await engine.sync({ organizationId: org });
      expect(report.users.created).toBe(1000);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});

describe('incremental sync', () => {
  it('after 50 changes, asks only for what changed and ends equal again', async () => {
    // No safety margin on the watermark, so this directory's users are stamped an hour back: seeded moments
    // before the first sync, the last of them could fall in the millisecond it starts (the watermark has
    // milliseconds, the simulator's stamps nanoseconds) and count as changed since (seen once on a busy machine).
    const seeded = sim.state.seed({ users: 1000, groups: 20, updatedAt: new Date(Date.now() - 3_600_000) });
    const [org, dir, userIds, groupIds] = [
      seeded.organization.id,
      seeded.directory.id,
      seeded.userIds,
      seeded.groupIds,
    ] as const;
    const { engine, adapter } = engineFor(sim, { sync: { watermarkSkewMs: 0, retryBaseMs: 5 } });
    await engine.sync({ organizationId: org });

    for (let i = 0; i < 20; i++) sim.state.updateUser(userIds[i * 7]!, { familyName: `Changed${i}` });
    for (let i = 0; i < 15; i++)
      sim.state.updateUser(userIds[200 + i * 3]!, { groupIds: [groupIds[i % groupIds.length]!] });
    for (let i = 0; i < 15; i++) {
      sim.state.createUser(dir, {
        email: `hire${i}@example.com`,
        givenName: 'Hire',
        familyName: `${i}`,
        groupIds: [groupIds[0]!],
      });
    }
    const callsBefore = sim.api.stats().callsByMethod.listDirectoryUsers ?? 0;

    const report = await engine.sync({ organizationId: org, mode: 'incremental' });
    expect(report.mode).toBe('incremental');
    expect(report.users.listed).toBe(50);
    expect(report.users).toMatchObject({ created: 15, updated: 35 });
    // The 50 changed users fit in one page of 100.
    expect((sim.api.stats().callsByMethod.listDirectoryUsers ?? 0) - callsBefore).toBe(1);
    expectMirror(sim, adapter, org, dir);
  });

  it('runs as a full sync when there is no watermark yet', async () => {
    const { engine } = engineFor(sim);
    const report = await engine.sync({ organizationId: org, mode: 'incremental' });
    expect(report.mode).toBe('full');
    expect(report.users.created).toBe(1000);
  });
});

describe('interruption, concurrency and faults', () => {
  it('a sync killed half-way deactivates no one and resumes to the same end state', async () => {
    const { engine, adapter } = engineFor(sim, { sync: { batchSize: 60, retryBaseMs: 5 } });
    await engine.sync({ organizationId: org });
    const removed = userIds.slice(100, 110);
    for (const id of removed) sim.state.deleteUser(id);
    for (let i = 0; i < 40; i++) sim.state.updateUser(userIds[500 + i]!, { givenName: `Late${i}` });

    const controller = new AbortController();
    const killed = await engine
      .sync({
        organizationId: org,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.usersListed >= 600) controller.abort();
        },
      })
      .catch((error: unknown) => error);
    expect(killed).toBeInstanceOf(ScimError);
    expect((killed as ScimError).code).toBe('SYNC_ABORTED');
    // A partial listing never deprovisions.
    expect(adapter.inspect.users(org).filter((u) => !u.active)).toHaveLength(0);
    const interrupted = adapter.inspect.syncState(org, dir);
    expect(interrupted?.status).toBe('running');
    expect(JSON.parse(interrupted?.checkpoint ?? '{}').userPages).toBeGreaterThan(0);

    const resumed = await engine.sync({ organizationId: org });
    expect(resumed.resumed).toBe(true);
    expect(resumed.users.deactivated).toBe(10);
    // Users the interrupted run already updated are not written again.
    expect(resumed.users.updated).toBeLessThan(40);
    expectMirror(sim, adapter, org, dir);
  });

  it('two concurrent syncs of one organization run one at a time', async () => {
    const { adapter } = engineFor(sim);
    const a = engineFor(sim, { adapter }).engine;
    const b = engineFor(sim, { adapter }).engine;
    const spans: { first: number; last: number }[] = [
      { first: 0, last: 0 },
      { first: 0, last: 0 },
    ];
    const track = (i: number) => () => {
      const now = performance.now();
      if (spans[i]!.first === 0) spans[i]!.first = now;
      spans[i]!.last = now;
    };
    const [ra, rb] = await Promise.all([
      a.sync({ organizationId: org, onProgress: track(0) }),
      b.sync({ organizationId: org, onProgress: track(1) }),
    ]);
    const [first, second] = spans[0]!.first < spans[1]!.first ? [spans[0]!, spans[1]!] : [spans[1]!, spans[0]!];
    expect(second.first).toBeGreaterThan(first.last);
    expect(ra.users.created + rb.users.created).toBe(1000);
    expectMirror(sim, adapter, org, dir);
  });

  it('a second instance gives up at once with lockTimeoutMs: 0', async () => {
    const { engine, adapter } = engineFor(sim);
    const other = engineFor(sim, { adapter }).engine;
    let refused: unknown;
    await engine.sync({
      organizationId: org,
      onProgress: () => {
        refused ??= other.sync({ organizationId: org, lockTimeoutMs: 0 }).catch((error: unknown) => error);
      },
    });
    expect(await refused).toMatchObject({ code: 'SYNC_LOCKED' });
  });

  it('webhooks and a sync interleaved end equal to the directory', async () => {
    const { engine, adapter } = engineFor(sim);
    const server = await webhookServer(engine);
    try {
      sim.webhooks.subscribe(server.url);
      sim.webhooks.setFaults({ duplicateRate: 0.2, reorderWindow: 5 });
      let step = 0;
      await engine.sync({
        organizationId: org,
        onProgress: (p) => {
          if (p.phase !== 'users' || step >= 10) return;
          const i = step++;
          sim.state.updateUser(userIds[i * 50]!, { familyName: `During${i}` });
          sim.state.deleteUser(userIds[i * 50 + 1]!);
          sim.state.createUser(dir, { email: `during${i}@example.com`, givenName: 'During', familyName: `${i}` });
          sim.state.updateUser(userIds[i * 50 + 2]!, { groupIds: [groupIds[i]!] });
        },
      });
      await sim.webhooks.idle({ timeoutMs: 240_000 });
      expect(step).toBe(10);
      expectMirror(sim, adapter, org, dir);
    } finally {
      await server.close();
    }
  });

  it('survives rate limits, transient failures and token revocation', async () => {
    // Retries enough to outwait the window however the calls fall.
    const { engine, adapter } = engineFor(sim, { sync: { retryBaseMs: 5, maxRetries: 30 } });
    // At most 4 calls a second: the sync's 12 calls (a directory, a group page, 10 user pages) would
    // have to spread over 3 seconds to miss it, however slow the machine is.
    sim.api.setFaults({ rateLimit: { requests: 4, windowMs: 1000 }, tokenTtlSeconds: 1 });
    let revoked = false;
    const report: SyncReport = await engine.sync({
      organizationId: org,
      onProgress: (p) => {
        if (!revoked && p.usersListed > 300) {
          revoked = true;
          sim.api.revokeTokens();
          sim.api.failNext(2, 'UNAVAILABLE');
        }
      },
    });
    expect(revoked).toBe(true);
    expect(report.retries).toBeGreaterThan(0);
    expect(sim.api.stats().rateLimited).toBeGreaterThan(0);
    expect(sim.api.stats().tokensIssued).toBeGreaterThan(1);
    expectMirror(sim, adapter, org, dir);
  });
});

describe('scheduled sync', () => {
  it('reconciles on an interval and stops cleanly', async () => {
    const { engine, adapter } = engineFor(sim);
    const reports: SyncReport[] = [];
    const schedule = engine.scheduleSync({ organizations: [org], intervalMs: 50, onReport: (r) => reports.push(r) });
    await expect.poll(() => reports.length, { timeout: 240_000 }).toBeGreaterThanOrEqual(2);
    await schedule.stop();
    const count = reports.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(reports.length).toBe(count);
    expect(reports[0]!.users.created).toBe(1000);
    expect(reports[1]!.users.unchanged).toBe(1000);
    expectMirror(sim, adapter, org, dir);
  });
});
