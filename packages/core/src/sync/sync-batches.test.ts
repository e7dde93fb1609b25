import { describe, expect, it } from 'vitest';
import type { ScimStore } from '../adapter/contract.js';
import { type MemoryAdapter, memoryAdapter } from '../adapter/memory-adapter.js';
import { createScimEngine } from '../engine/engine.js';
import type { ScimEngineOptions } from '../engine/types.js';
import { AdapterError } from '../errors.js';
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

/**
 * The memory adapter with the users phase's transactions under the test's control: transaction `n`
 * (numbered in the order the engine starts them; a retry is a transaction of its own) can fail
 * after its writes, which the memory adapter then undoes.
 */
function controlledAdapter() {
  const base = memoryAdapter();
  let usersPhase = false;
  let started = 0;
  const control = {
    base,
    /** Called inside each transaction after its writes: an error returned is thrown there. */
    fail: (_call: number): unknown => undefined,
    calls: () => started,
    committed: [] as number[],
    /** Set on the first page of users (the groups phase has its own transactions). */
    onProgress: (p: { phase: string }) => {
      if (p.phase === 'users') usersPhase = true;
    },
  };
  const adapter: MemoryAdapter = {
    ...base,
    transaction: async <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> => {
      if (!usersPhase) return base.transaction(fn);
      const call = started++;
      const result = await base.transaction(async (store) => {
        const value = await fn(store);
        const failure = control.fail(call);
        if (failure !== undefined) throw failure;
        return value;
      });
      control.committed.push(call);
      return result;
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
    sync: { pageSize: PAGE_SIZE, batchSize: BATCH_SIZE, retryBaseMs: 1, ...options.sync },
    hooks: { onUserProvisioned: ({ user }) => void provisioned.push(user.id) },
  });
  return { engine, provisioned };
}

function sync(engine: ReturnType<typeof engineOver>['engine'], options: Partial<SyncOptions> = {}) {
  return engine.sync({ organizationId: ORG, ...options });
}

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

  it('gives up on a conflict after conflictRetries retries', async () => {
    const { client } = directory(200);
    const { adapter, control } = controlledAdapter();
    // Calls 0-3 are batches 0-3, then every attempt of batch 4 conflicts.
    control.fail = (call) => (call >= 4 ? new AdapterError('TRANSACTION_CONFLICT', 'deadlock detected') : undefined);
    const { engine } = engineOver(adapter, client, { conflictRetries: 2 });
    await expect(sync(engine, { onProgress: control.onProgress })).rejects.toMatchObject({
      code: 'TRANSACTION_CONFLICT',
    });
    expect(control.committed).toEqual([0, 1, 2, 3]);
    expect(control.calls()).toBe(4 + 3);
  });
});
