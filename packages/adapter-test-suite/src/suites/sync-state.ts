import type { SyncState } from '@scim/core';
import type { HeldLease } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { defineSuite } from '../define-suite.js';

const T0 = new Date('2025-06-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** `getLeases` is optional in the contract: its tests skip, saying why, on an adapter without it. */
function getLeases(ctx: ConformanceContext): (names: readonly string[], now: Date) => Promise<HeldLease[]> {
  const read = ctx.adapter.getLeases;
  if (read === undefined) ctx.skip('the adapter has no getLeases (optional: scim status then cannot name a holder)');
  return (names, now) => read.call(ctx.adapter, names, now);
}

const byName = (leases: HeldLease[]) => [...leases].sort((a, b) => a.name.localeCompare(b.name));

export const syncStateSuite = defineSuite('sync-state', {
  'a directory never synced has no state': async (ctx) => {
    expect(await ctx.adapter.getSyncState(ctx.organizationId, 'dir_none')).toBeNull();
    expect(await ctx.backdoor.readSyncState(ctx.organizationId, 'dir_none')).toBeNull();
  },

  'saveSyncState round-trips every field, Dates to the millisecond and checkpoint text whole': async (ctx) => {
    const checkpoint = JSON.stringify({
      phase: 'users',
      pageToken: 'tok_é"\'\\\n',
      seen: Array.from({ length: 300 }, (_, i) => `diruser_${i}`),
    });
    const state: SyncState = {
      organizationId: ctx.organizationId,
      directoryId: 'dir_1',
      status: 'running',
      watermark: at(1_234),
      checkpoint,
      lastStartedAt: at(5_678),
      lastFinishedAt: null,
      lastError: null,
      updatedAt: at(9_999),
    };

    await ctx.adapter.saveSyncState(state);

    expect(await ctx.backdoor.readSyncState(ctx.organizationId, 'dir_1')).toMatchObject(state);
    expect(await ctx.adapter.getSyncState(ctx.organizationId, 'dir_1')).toMatchObject(state);
  },

  'a later save replaces the state, nulls included': async (ctx) => {
    const first: SyncState = {
      organizationId: ctx.organizationId,
      directoryId: 'dir_1',
      status: 'running',
      watermark: at(1),
      checkpoint: '{"page":3}',
      lastStartedAt: at(2),
      lastFinishedAt: null,
      lastError: null,
      updatedAt: at(3),
    };
    const second: SyncState = {
      ...first,
      status: 'failed',
      watermark: null,
      checkpoint: null,
      lastFinishedAt: at(4),
      lastError: 'DIRECTORY_API_FAILURE: upstream timed out',
      updatedAt: at(5),
    };

    await ctx.adapter.saveSyncState(first);
    await ctx.adapter.saveSyncState(second);

    expect(await ctx.backdoor.readSyncState(ctx.organizationId, 'dir_1')).toMatchObject(second);
    expect(await ctx.adapter.getSyncState(ctx.organizationId, 'dir_1')).toMatchObject(second);
  },

  'sync state is kept per organization and directory': async (ctx) => {
    const other = ctx.organization().organizationId;
    const base = {
      status: 'succeeded' as const,
      watermark: at(0),
      checkpoint: null,
      lastStartedAt: at(0),
      lastFinishedAt: at(1),
      lastError: null,
      updatedAt: at(1),
    };
    await ctx.adapter.saveSyncState({ ...base, organizationId: ctx.organizationId, directoryId: 'dir_1' });
    await ctx.adapter.saveSyncState({
      ...base,
      organizationId: ctx.organizationId,
      directoryId: 'dir_2',
      status: 'failed',
    });
    await ctx.adapter.saveSyncState({ ...base, organizationId: other, directoryId: 'dir_1', status: 'running' });

    expect(await ctx.adapter.getSyncState(ctx.organizationId, 'dir_1')).toMatchObject({ status: 'succeeded' });
    expect(await ctx.adapter.getSyncState(ctx.organizationId, 'dir_2')).toMatchObject({ status: 'failed' });
    expect(await ctx.adapter.getSyncState(other, 'dir_1')).toMatchObject({ organizationId: other, status: 'running' });
    expect(await ctx.backdoor.readSyncState(other, 'dir_2')).toBeNull();
  },

  'a lease: acquired, refused to another owner, renewed by its owner': async (ctx) => {
    const name = `sync:${ctx.organizationId}`;
    expect(await ctx.adapter.acquireLease({ name, owner: 'a', ttlMs: 1_000, now: at(0) })).toBe(true);
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 1_000, now: at(500) })).toBe(false);
    // Renewed at +800 for 1 s: it now runs to +1800, past the first expiry.
    expect(await ctx.adapter.acquireLease({ name, owner: 'a', ttlMs: 1_000, now: at(800) })).toBe(true);
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 1_000, now: at(1_500) })).toBe(false);
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 1_000, now: at(1_900) })).toBe(true);
    expect(await ctx.adapter.acquireLease({ name, owner: 'a', ttlMs: 1_000, now: at(2_000) })).toBe(false);
  },

  'an expired lease lets another owner in': async (ctx) => {
    const name = `sync:${ctx.organizationId}`;
    expect(await ctx.adapter.acquireLease({ name, owner: 'a', ttlMs: 60_000, now: at(0) })).toBe(true);
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 60_000, now: at(59_000) })).toBe(false);
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 60_000, now: at(61_000) })).toBe(true);
  },

  'release frees the lease only for its owner': async (ctx) => {
    const name = `sync:${ctx.organizationId}`;
    expect(await ctx.adapter.acquireLease({ name, owner: 'a', ttlMs: 60_000, now: at(0) })).toBe(true);

    await ctx.adapter.releaseLease(name, 'b');
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 60_000, now: at(1) })).toBe(false);

    await ctx.adapter.releaseLease(name, 'a');
    expect(await ctx.adapter.acquireLease({ name, owner: 'b', ttlMs: 60_000, now: at(2) })).toBe(true);
    await ctx.adapter.releaseLease('sync:nobody-holds-this', 'b');
  },

  'leases of different names are independent': async (ctx) => {
    const one = `sync:${ctx.organizationId}:1`;
    const two = `sync:${ctx.organizationId}:2`;
    expect(await ctx.adapter.acquireLease({ name: one, owner: 'a', ttlMs: 60_000, now: at(0) })).toBe(true);
    expect(await ctx.adapter.acquireLease({ name: two, owner: 'b', ttlMs: 60_000, now: at(0) })).toBe(true);
  },

  'getLeases: the held leases among the names asked for, with their owner and expiry': async (ctx) => {
    const read = getLeases(ctx);
    const one = `sync:${ctx.organizationId}:1`;
    const two = `sync:${ctx.organizationId}:2`;
    const untouched = `sync:${ctx.organizationId}:never-taken`;
    expect(await ctx.adapter.acquireLease({ name: one, owner: 'host-a:101:0f0f0f0f', ttlMs: 60_000, now: at(0) })).toBe(
      true,
    );
    expect(await ctx.adapter.acquireLease({ name: two, owner: 'host-b:202:1e1e1e1e', ttlMs: 30_000, now: at(5) })).toBe(
      true,
    );

    expect(byName(await read([one, two, untouched], at(1_000)))).toEqual([
      { name: one, owner: 'host-a:101:0f0f0f0f', expiresAt: at(60_000) },
      { name: two, owner: 'host-b:202:1e1e1e1e', expiresAt: at(30_005) },
    ]);
    // A name not asked for is not answered, a repeated one is answered once.
    expect(await read([two, two], at(1_000))).toEqual([
      { name: two, owner: 'host-b:202:1e1e1e1e', expiresAt: at(30_005) },
    ]);
    expect(await read([untouched], at(1_000))).toEqual([]);
    expect(await read([], at(1_000))).toEqual([]);

    // A renewal moves the expiry; a takeover after it ran out changes the owner.
    expect(
      await ctx.adapter.acquireLease({ name: one, owner: 'host-a:101:0f0f0f0f', ttlMs: 60_000, now: at(10_000) }),
    ).toBe(true);
    expect(
      await ctx.adapter.acquireLease({ name: two, owner: 'host-c:303:2d2d2d2d', ttlMs: 60_000, now: at(40_000) }),
    ).toBe(true);
    expect(byName(await read([one, two], at(40_000)))).toEqual([
      { name: one, owner: 'host-a:101:0f0f0f0f', expiresAt: at(70_000) },
      { name: two, owner: 'host-c:303:2d2d2d2d', expiresAt: at(100_000) },
    ]);
  },

  'getLeases leaves out a lease that ran out or was released': async (ctx) => {
    const read = getLeases(ctx);
    const expiring = `sync:${ctx.organizationId}:expiring`;
    const released = `sync:${ctx.organizationId}:released`;
    expect(await ctx.adapter.acquireLease({ name: expiring, owner: 'a', ttlMs: 60_000, now: at(0) })).toBe(true);
    expect(await ctx.adapter.acquireLease({ name: released, owner: 'b', ttlMs: 60_000, now: at(0) })).toBe(true);
    await ctx.adapter.releaseLease(released, 'b');

    expect(await read([expiring, released], at(59_999))).toEqual([
      { name: expiring, owner: 'a', expiresAt: at(60_000) },
    ]);
    // Held exactly as long as acquireLease refuses another owner: at its expiry it is free.
    expect(await read([expiring, released], at(60_000))).toEqual([]);
    expect(await ctx.adapter.acquireLease({ name: expiring, owner: 'c', ttlMs: 1_000, now: at(60_000) })).toBe(true);
    expect(await read([expiring], at(60_500))).toEqual([{ name: expiring, owner: 'c', expiresAt: at(61_000) }]);
  },
});
