import { describe, expect, it } from 'vitest';
import type { ScimStore } from '../adapter/contract.js';
import { type MemoryAdapter, type MemoryTransaction, memoryAdapter } from '../adapter/memory-adapter.js';
import { createScimEngine } from '../create-engine.js';
import type { ScimEngineOptions } from '../engine-options.js';
import { AdapterError, ScimError } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { ApiDirectoryGroup, ApiDirectoryUser, DirectoryApiClient, SyncOptions } from './types.js';

const ORG = 'org_1';
const DIR = 'dir_1';
const PAGE_SIZE = 10;
// Pages of 10 users cut into batches of 25: some pages straddle two batches.
const BATCH_SIZE = 25;

/** A Directory API over a fixed list: pages of `pageSize`, the next offset as the page token. */
function directory(count: number): { client: DirectoryApiClient; userIds: string[] } {
  const groups: ApiDirectoryGroup[] = ['a', 'b', 'c'].map((g) => ({ id: `dirgroup_${g}`, displayName: g }));
  // Ids not in listing order, so that batches interleave in id order.
  const users: ApiDirectoryUser[] = Array.from({ length: count }, (_, i) => ({
    id: `diruser_${String((i * 37) % count).padStart(4, '0')}`,
    email: `u${i}@example.com`,
    preferredUsername: `u${i}@example.com`,
    givenName: `U${i}`,
    familyName: 'Test',
    updatedAt: { seconds: 1_700_000_000n, nanos: 0 },
    emails: [`u${i}@example.com`],
    groups: [groups[i % 3]!, groups[(i + 1) % 3]!],
  }));
  const page = <T>(items: T[], token: string | undefined, size: number | undefined) => {
    const start = Number(token || 0);
    const end = start + (size ?? 30);
    return { items: items.slice(start, end), next: end < items.length ? String(end) : '' };
  };
  const client: DirectoryApiClient = {
    directory: {
      listDirectories: async () => ({ directories: [{ id: DIR, organizationId: ORG, enabled: true }] }),
      listDirectoryUsers: async (_org, _dir, options) => {
        const { items, next } = page(users, options?.pageToken, options?.pageSize);
        return { users: items, totalSize: users.length, nextPageToken: next };
      },
      listDirectoryGroups: async (_org, _dir, options) => {
        const { items, next } = page(groups, options?.pageToken, options?.pageSize);
        return { groups: items, totalSize: groups.length, nextPageToken: next };
      },
    },
  };
  return { client, userIds: users.map((u) => u.id) };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((yes) => {
    resolve = yes;
  });
  return { promise, resolve };
}

/**
 * The memory adapter with user batches under the test's control: batch `n` (numbered in the order
 * the engine starts them) can wait at a gate before it starts, or fail inside its transaction after
 * its writes (which the memory adapter then undoes). The memory adapter runs one transaction at a
 * time, so a batch held at its gate lets later ones commit first.
 */
function controlledAdapter() {
  const base = memoryAdapter();
  let usersPhase = false;
  let started = 0;
  let inFlight = 0;
  const control = {
    base,
    gates: new Map<number, Promise<void>>(),
    /** Called inside each transaction after its writes: an error returned is thrown there. */
    fail: (_call: number): unknown => undefined,
    onStart: (_call: number) => {},
    onCommit: (_call: number) => {},
    /** Transactions started in the users phase (a retry is a transaction of its own). */
    calls: () => started,
    committed: [] as number[],
    mostInFlight: 0,
    /** Checkpoints as saved, in order. */
    checkpoints: [] as number[],
    /** Set on the first page of users (the groups phase has its own transactions). */
    onProgress: (p: { phase: string }) => {
      if (p.phase === 'users') usersPhase = true;
    },
  };
  const adapter: MemoryAdapter = {
    ...base,
    transaction: async <T>(fn: (store: ScimStore, tx: MemoryTransaction) => Promise<T>): Promise<T> => {
      if (!usersPhase) return base.transaction(fn);
      const batch = started++;
      inFlight++;
      control.mostInFlight = Math.max(control.mostInFlight, inFlight);
      try {
        control.onStart(batch);
        await control.gates.get(batch);
        const result = await base.transaction(async (store, tx) => {
          const value = await fn(store, tx);
          const failure = control.fail(batch);
          if (failure !== undefined) throw failure;
          return value;
        });
        control.committed.push(batch);
        control.onCommit(batch);
        return result;
      } finally {
        inFlight--;
      }
    },
    saveSyncState: async (state) => {
      await base.saveSyncState(state);
      if (state.checkpoint !== null) control.checkpoints.push(JSON.parse(state.checkpoint).userPages as number);
    },
  };
  return { adapter, control };
}

function engineOver(adapter: MemoryAdapter, client: DirectoryApiClient, options: Partial<ScimEngineOptions> = {}) {
  const provisioned: string[] = [];
  const engine = createScimEngine({
    adapter,
    scalekit: client,
    logger: silentLogger,
    ...options,
    sync: { pageSize: PAGE_SIZE, batchSize: BATCH_SIZE, concurrency: 3, retryBaseMs: 1, ...options.sync },
    hooks: { onUserProvisioned: ({ user }) => void provisioned.push(user.id) },
  });
  return { engine, provisioned };
}

/** Users listed on pages 1..`pages` that the store does not hold: none, if the checkpoint is honest. */
function missingBefore(adapter: MemoryAdapter, userIds: string[], pages: number): string[] {
  return userIds.slice(0, pages * PAGE_SIZE).filter((id) => adapter.inspect.user(ORG, id) === null);
}

function sync(engine: ReturnType<typeof engineOver>['engine'], options: Partial<SyncOptions> = {}) {
  return engine.sync({ organizationId: ORG, ...options });
}

describe('sync with batches in flight at once', () => {
  it('moves the checkpoint only past pages whose batches have all committed, when they commit out of order', async () => {
    const { client, userIds } = directory(100);
    const { adapter, control } = controlledAdapter();
    // The first batch waits until the second and third have committed.
    const first = deferred();
    control.gates.set(0, first.promise);
    control.onCommit = (batch) => {
      if (batch === 2) first.resolve();
    };
    const violations: string[] = [];
    const save = adapter.saveSyncState;
    adapter.saveSyncState = async (state) => {
      const pages = state.checkpoint === null ? 0 : (JSON.parse(state.checkpoint).userPages as number);
      violations.push(...missingBefore(control.base, userIds, pages));
      await save(state);
    };
    const { engine, provisioned } = engineOver(adapter, client);

    const report = await sync(engine, { onProgress: control.onProgress });

    expect(control.committed.indexOf(0)).toBeGreaterThan(control.committed.indexOf(2));
    expect(control.committed.indexOf(1)).toBeLessThan(control.committed.indexOf(2));
    expect(violations).toEqual([]);
    expect(control.checkpoints).toEqual([...control.checkpoints].sort((a, b) => a - b));
    // Nothing was checkpointed before the first batch committed, then at least the first three.
    expect(control.checkpoints.filter((pages) => pages > 0)[0]).toBeGreaterThanOrEqual(7);
    expect(report.users).toMatchObject({ listed: 100, created: 100, skipped: 0, unchanged: 0 });
    expect(report.memberships).toBe(100);
    expect(provisioned.sort()).toEqual([...userIds].sort());
    expect(control.base.inspect.syncState(ORG, DIR)).toMatchObject({ status: 'succeeded', checkpoint: null });
    for (const id of userIds) expect(control.base.inspect.groupIdsOfUser(ORG, id)).toHaveLength(2);
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    const { client } = directory(200);
    const { adapter, control } = controlledAdapter();
    // Hold the first batch long enough for the pipeline to fill up.
    const first = deferred();
    control.gates.set(0, first.promise);
    control.onStart = (batch) => {
      if (batch === 2) first.resolve();
    };
    const { engine } = engineOver(adapter, client);
    const report = await sync(engine, { onProgress: control.onProgress });
    expect(report.users.created).toBe(200);
    expect(control.mostInFlight).toBe(3);
  });

  it('stops at a failure in one of several batches in flight, keeps what the others committed, and resumes', async () => {
    const { client, userIds } = directory(200);
    const { adapter, control } = controlledAdapter();
    // Batch 1 is still in flight when batch 2 fails.
    const second = deferred();
    control.gates.set(1, second.promise);
    control.fail = (call) => {
      if (call !== 2) return undefined;
      setImmediate(second.resolve);
      return new Error('disk full');
    };
    const { engine, provisioned } = engineOver(adapter, client);

    const failure = await sync(engine, { onProgress: control.onProgress }).catch((error: unknown) => error);

    // A failure that is not the SDK's own is reported as a STORAGE_FAILURE that keeps it as its cause.
    expect(failure).toBeInstanceOf(ScimError);
    expect(failure).toMatchObject({ code: 'STORAGE_FAILURE', cause: { message: 'disk full' } });
    // The batch in flight finished and was counted; the failed one left nothing.
    expect(control.committed).toContain(1);
    expect(control.committed).not.toContain(2);
    const batchOf = (batch: number) => userIds.slice(batch * BATCH_SIZE, (batch + 1) * BATCH_SIZE);
    for (const id of batchOf(1)) expect(control.base.inspect.user(ORG, id)).not.toBeNull();
    for (const id of batchOf(2)) expect(control.base.inspect.user(ORG, id)).toBeNull();
    const stored = userIds.filter((id) => control.base.inspect.user(ORG, id) !== null);
    // Hooks ran for exactly the committed users.
    expect(provisioned.sort()).toEqual([...stored].sort());
    const state = control.base.inspect.syncState(ORG, DIR);
    expect(state?.status).toBe('running');
    const pages = JSON.parse(state?.checkpoint ?? '{}').userPages as number;
    // Batches 0 and 1 (users 1-50) committed, batch 2 did not: the checkpoint stops at page 5.
    expect(pages).toBe(5);
    expect(missingBefore(control.base, userIds, pages)).toEqual([]);

    control.fail = () => undefined;
    const resumed = await sync(engine);
    expect(resumed.resumed).toBe(true);
    expect(resumed.users.created).toBe(200 - stored.length);
    expect(userIds.filter((id) => control.base.inspect.user(ORG, id) === null)).toEqual([]);
    // Each user provisioned exactly once over the two runs.
    expect(provisioned.sort()).toEqual([...userIds].sort());
  });

  it('aborted mid-way, lets the batches in flight finish, checkpoints them, and resumes', async () => {
    const { client, userIds } = directory(200);
    const { adapter, control } = controlledAdapter();
    const controller = new AbortController();
    const held = deferred();
    control.gates.set(1, held.promise);
    control.onStart = (batch) => {
      if (batch === 3) {
        controller.abort();
        held.resolve();
      }
    };
    const { engine, provisioned } = engineOver(adapter, client);

    const aborted = await sync(engine, { signal: controller.signal, onProgress: control.onProgress }).catch(
      (error: unknown) => error,
    );

    expect(aborted).toBeInstanceOf(ScimError);
    expect((aborted as ScimError).code).toBe('SYNC_ABORTED');
    const stored = userIds.filter((id) => control.base.inspect.user(ORG, id) !== null);
    expect(provisioned.sort()).toEqual([...stored].sort());
    // Nothing deprovisioned from the partial listing.
    expect(control.base.inspect.users(ORG).every((u) => u.active)).toBe(true);
    const state = control.base.inspect.syncState(ORG, DIR);
    expect(state?.status).toBe('running');
    const pages = JSON.parse(state?.checkpoint ?? '{}').userPages as number;
    expect(pages).toBeGreaterThan(0);
    expect(missingBefore(control.base, userIds, pages)).toEqual([]);

    const resumed = await sync(engine);
    expect(resumed.resumed).toBe(true);
    expect(resumed.users.created).toBe(200 - stored.length);
    expect(provisioned.sort()).toEqual([...userIds].sort());
  });

  it('writes one batch at a time through an adapter without transactions', async () => {
    const { client, userIds } = directory(100);
    const base = memoryAdapter();
    let open = 0;
    let most = 0;
    const adapter: MemoryAdapter = {
      ...base,
      capabilities: { ...base.capabilities, transactions: false },
      getEntities: async (organizationId, kind, ids) => {
        if (kind === 'user') most = Math.max(most, ++open);
        return base.getEntities(organizationId, kind, ids);
      },
      upsertUsers: async (organizationId, users) => {
        await base.upsertUsers(organizationId, users);
        open--;
      },
    };
    const { engine } = engineOver(adapter, client, { sync: { concurrency: 4 } });
    const report = await sync(engine);
    expect(report.users.created).toBe(100);
    expect(most).toBe(1);
    expect(userIds.filter((id) => base.inspect.user(ORG, id) === null)).toEqual([]);
  });

  it('plans a dry run in listing order', async () => {
    const { client, userIds } = directory(100);
    const { engine } = engineOver(memoryAdapter(), client);
    const report = await sync(engine, { dryRun: true });
    expect(report.plan?.filter((c) => c.kind === 'user').map((c) => c.id)).toEqual(userIds);
    // Each creation names the user by the email the listing gave, for a person reading the plan.
    expect(report.plan?.filter((c) => c.kind === 'group').every((c) => c.email === undefined)).toBe(true);
    expect(report.plan?.find((c) => c.id === userIds[1])).toEqual({
      kind: 'user',
      id: userIds[1],
      action: 'create',
      email: 'u1@example.com',
    });
  });

  it('refuses a concurrency below 1', () => {
    const { client } = directory(1);
    expect(() => engineOver(memoryAdapter(), client, { sync: { concurrency: 0 } })).toThrow(/concurrency/);
  });
});

describe('sync transactions that hit a conflict', () => {
  it('retries a batch whose transaction hit a conflict, and counts it once', async () => {
    const { client, userIds } = directory(100);
    const { adapter, control } = controlledAdapter();
    let conflicts = 0;
    control.fail = (call) => {
      if (call !== 1) return undefined;
      conflicts++;
      return new AdapterError('TRANSACTION_CONFLICT', 'deadlock detected');
    };
    const { engine, provisioned } = engineOver(adapter, client);
    const report = await sync(engine, { onProgress: control.onProgress });
    expect(conflicts).toBe(1);
    expect(report.users).toMatchObject({ listed: 100, created: 100, updated: 0, unchanged: 0, skipped: 0 });
    expect(report.memberships).toBe(100);
    expect(provisioned.sort()).toEqual([...userIds].sort());
  });

  it('by default, a sync batch outlasts more conflicts in a row than an event (10 retries, not 3)', async () => {
    const { client, userIds } = directory(200);
    const { adapter, control } = controlledAdapter();
    // One batch at a time: batch 4's first 9 attempts conflict (webhooks creating its users meanwhile).
    control.fail = (call) =>
      call >= 4 && call < 13 ? new AdapterError('TRANSACTION_CONFLICT', 'deadlock detected') : undefined;
    const { engine, provisioned } = engineOver(adapter, client, { sync: { concurrency: 1 } });
    const report = await sync(engine, { onProgress: control.onProgress });
    expect(report.users).toMatchObject({ listed: 200, created: 200 });
    expect(provisioned.sort()).toEqual([...userIds].sort());
    expect(control.calls()).toBeGreaterThanOrEqual(4 + 10);
  });

  it('gives up on a conflict after conflictRetries retries', async () => {
    const { client } = directory(200);
    const { adapter, control } = controlledAdapter();
    // One batch at a time: calls 0-3 are batches 0-3, then every attempt of batch 4 conflicts.
    control.fail = (call) => (call >= 4 ? new AdapterError('TRANSACTION_CONFLICT', 'deadlock detected') : undefined);
    const { engine } = engineOver(adapter, client, { conflictRetries: 2, sync: { concurrency: 1 } });
    await expect(sync(engine, { onProgress: control.onProgress })).rejects.toMatchObject({
      code: 'TRANSACTION_CONFLICT',
    });
    expect(control.committed).toEqual([0, 1, 2, 3]);
    expect(control.calls()).toBe(4 + 3);
  });
});

describe('sync progress', () => {
  it('tells how many users the listing holds once the first page answered, for an ETA', async () => {
    const { client } = directory(45);
    const { engine } = engineOver(memoryAdapter(), client);
    const seen: { phase: string; usersListed: number; usersTotal?: number }[] = [];
    await sync(engine, { onProgress: (p) => seen.push(p) });
    const users = seen.filter((p) => p.phase === 'users');
    expect(users.map((p) => p.usersListed)).toEqual([10, 20, 30, 40, 45]);
    expect(users.every((p) => p.usersTotal === 45)).toBe(true);
    expect(seen.filter((p) => p.phase === 'groups').every((p) => p.usersTotal === undefined)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ phase: 'done', usersListed: 45, usersTotal: 45 });
  });
});
