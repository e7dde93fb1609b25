import type { InboxRecord, InboxStatus, SyncState } from '@scim/core';
import { expect } from 'vitest';
import type { ConformanceTest } from '../define-suite.js';
import { randomToken } from '../ids.js';

function record(organizationId: string, id: string, receivedAt: Date, status: InboxStatus): InboxRecord {
  return {
    id,
    organizationId,
    type: 'organization.directory.user_created',
    occurredAt: '2025-06-02T08:00:00.123456789Z',
    receivedAt,
    status,
    reason: status === 'rejected' ? `USER_REJECTED: reason of ${id}` : null,
    payload: status === 'rejected' ? JSON.stringify({ id }) : null,
  };
}

const ids = (records: readonly InboxRecord[]) => records.map((r) => r.id);

/** Store tests of the inbox as the engine lists it (`engine.events`), rejected records, and sync states. */
export const storeEventTests = {
  'listEvents: newest first (receivedAt, then id), filtered by organization and status, paged by a cursor': async (
    ctx,
  ) => {
    const org = ctx.organizationId;
    const other = ctx.organization().organizationId;
    const prefix = `evt_${randomToken(16)}`;
    const t = (ms: number) => new Date(Date.UTC(2025, 5, 2, 9, 0, 0) + ms);
    // Claimed out of order; two share a receive time and are ordered by id.
    const all = [
      record(org, `${prefix}_c`, t(10), 'applied'),
      record(org, `${prefix}_a`, t(30), 'rejected'),
      record(org, `${prefix}_e`, t(20), 'stale'),
      record(org, `${prefix}_b`, t(20), 'rejected'),
      record(org, `${prefix}_d`, t(40), 'applied'),
      record(other, `${prefix}_f`, t(35), 'rejected'),
    ];
    for (const r of all) await ctx.adapter.claimEvents([r]);
    const newestFirst = [`${prefix}_d`, `${prefix}_a`, `${prefix}_e`, `${prefix}_b`, `${prefix}_c`];

    const listed = await ctx.adapter.listEvents({ organizationId: org, limit: 100 });
    expect(ids(listed)).toEqual(newestFirst);
    expect(listed[1]).toEqual(all[1]);

    expect(ids(await ctx.adapter.listEvents({ organizationId: org, status: 'rejected', limit: 100 }))).toEqual([
      `${prefix}_a`,
      `${prefix}_b`,
    ]);
    expect(ids(await ctx.adapter.listEvents({ organizationId: org, status: 'ignored', limit: 100 }))).toEqual([]);
    expect(ids(await ctx.adapter.listEvents({ organizationId: other, limit: 100 }))).toEqual([`${prefix}_f`]);

    // Pages of two, each after the last record of the one before; one boundary falls between equal times.
    const pages: string[][] = [];
    let before: { receivedAt: Date; id: string } | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await ctx.adapter.listEvents({ organizationId: org, limit: 2, ...(before ? { before } : {}) });
      pages.push(ids(page));
      if (page.length === 0) break;
      const last = page[page.length - 1]!;
      before = { receivedAt: last.receivedAt, id: last.id };
    }
    expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4), []]);
    const afterE = await ctx.adapter.listEvents({
      organizationId: org,
      limit: 100,
      before: { receivedAt: t(20), id: `${prefix}_e` },
    });
    expect(ids(afterE)).toEqual([`${prefix}_b`, `${prefix}_c`]);
  },

  "listEvents without an organization lists every organization's records, newest first": async (ctx) => {
    // A random instant far ahead, so that no other test's records fall between these.
    const base = Date.UTC(2200, 0, 1) + Math.floor(Math.random() * 365 * 86_400_000 * 500);
    const other = ctx.organization().organizationId;
    const prefix = `evt_${randomToken(16)}`;
    await ctx.adapter.claimEvents([
      record(ctx.organizationId, `${prefix}_1`, new Date(base + 1), 'applied'),
      record(other, `${prefix}_2`, new Date(base + 2), 'rejected'),
      record(ctx.organizationId, `${prefix}_3`, new Date(base + 3), 'rejected'),
    ]);
    const before = { receivedAt: new Date(base + 4), id: '' };

    expect(ids(await ctx.adapter.listEvents({ before, limit: 3 }))).toEqual([
      `${prefix}_3`,
      `${prefix}_2`,
      `${prefix}_1`,
    ]);
    expect(ids(await ctx.adapter.listEvents({ before, limit: 2, status: 'rejected' }))).toEqual([
      `${prefix}_3`,
      `${prefix}_2`,
    ]);
  },

  'a rejected record keeps its reason and payload; finishEvents writes them when given and keeps them when not': async (
    ctx,
  ) => {
    const org = ctx.organizationId;
    const reason = `CONSTRAINT_VIOLATION: "quoted" 'single' é ${'x'.repeat(400)}`;
    const payload = JSON.stringify({ data: { note: 'é'.repeat(5_000) } });
    const rejected = { ...record(org, `evt_${randomToken(24)}`, new Date(), 'rejected'), reason, payload };
    const pending = record(org, `evt_${randomToken(24)}`, new Date(), 'pending');
    await ctx.adapter.claimEvents([rejected, pending]);
    expect(await ctx.backdoor.readInbox(rejected.id)).toMatchObject({ status: 'rejected', reason, payload });
    expect(await ctx.adapter.getEvent(rejected.id)).toMatchObject({ reason, payload });

    await ctx.adapter.finishEvents([{ id: pending.id, status: 'rejected', reason: 'USER_REJECTED: first', payload }]);
    expect(await ctx.backdoor.readInbox(pending.id)).toMatchObject({
      status: 'rejected',
      reason: 'USER_REJECTED: first',
      payload,
    });
    await ctx.adapter.finishEvents([{ id: pending.id, status: 'rejected', reason: 'USER_REJECTED: second' }]);
    expect(await ctx.backdoor.readInbox(pending.id)).toMatchObject({ reason: 'USER_REJECTED: second', payload });
    await ctx.adapter.finishEvents([{ id: pending.id, status: 'applied' }]);
    expect(await ctx.backdoor.readInbox(pending.id)).toMatchObject({
      status: 'applied',
      reason: 'USER_REJECTED: second',
      payload,
    });

    await ctx.adapter.finishEvents([{ id: rejected.id, status: 'applied', reason: null, payload: null }]);
    expect(await ctx.backdoor.readInbox(rejected.id)).toMatchObject({ status: 'applied', reason: null, payload: null });
  },

  "listSyncStates: one organization's in directory order, or every organization's in (organization, directory) order":
    async (ctx) => {
      const a = ctx.organizationId;
      const b = ctx.organization().organizationId;
      const at = new Date('2025-06-02T08:00:00.000Z');
      const state = (organizationId: string, directoryId: string): SyncState => ({
        organizationId,
        directoryId,
        status: 'succeeded',
        watermark: at,
        checkpoint: null,
        lastStartedAt: at,
        lastFinishedAt: at,
        lastError: null,
        updatedAt: at,
      });
      for (const s of [state(a, 'dir_b'), state(b, 'dir_a'), state(a, 'dir_a')]) await ctx.adapter.saveSyncState(s);

      expect(await ctx.adapter.listSyncStates(a)).toEqual([state(a, 'dir_a'), state(a, 'dir_b')]);
      expect(await ctx.adapter.listSyncStates(ctx.organization().organizationId)).toEqual([]);
      const mine = (await ctx.adapter.listSyncStates()).filter((s) => s.organizationId === a || s.organizationId === b);
      const expected = [state(a, 'dir_a'), state(a, 'dir_b'), state(b, 'dir_a')].sort((x, y) =>
        x.organizationId === y.organizationId ? 0 : x.organizationId < y.organizationId ? -1 : 1,
      );
      expect(mine).toEqual(expected);
    },
} satisfies Record<string, ConformanceTest>;
