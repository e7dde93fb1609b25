import type { ApplyResult, ScimAdapter } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { defineUserSuite, serviceOnly, tableOnly } from '../define-suite.js';
import { expectEntity, expectInbox, expectUser, groupsOf, membersOf, versionOf } from '../expect-state.js';

/** The primary adapter and, when the suite has one, the peer: parallel work alternates between them. */
async function adapters(ctx: ConformanceContext): Promise<ScimAdapter[]> {
  const peer = await ctx.peer();
  return peer === ctx.adapter ? [ctx.adapter] : [ctx.adapter, peer];
}

function count(results: readonly ApplyResult[], outcome: ApplyResult['outcome']): number {
  return results.filter((r) => r.outcome === outcome).length;
}

/** A promise with its resolver, for one side to wait until the other reaches a point. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/**
 * The adapter, with `read` called (and awaited) each time its transactions' read of user version records
 * has answered, before the transaction goes on.
 */
function afterUserRead(adapter: ScimAdapter, read: () => void | Promise<void>): ScimAdapter {
  const store = (inner: ScimStore): ScimStore =>
    new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        const method = (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key !== 'getEntities') return method;
        return async (...args: unknown[]) => {
          const answer = await method(...args);
          if (args[1] === 'user') await read();
          return answer;
        };
      },
    });
  return new Proxy(adapter, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'transaction') {
        return (<T>(fn: (s: ScimStore, tx: unknown) => Promise<T>) =>
          target.transaction((s, tx) => fn(store(s), tx))) satisfies ScimAdapter['transaction'];
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The adapter, with `before` called (and awaited) when its transactions are about to write user version
 * records: the plan is made, nothing of it is written yet.
 */
function beforeUserAdvance(adapter: ScimAdapter, before: () => Promise<void>): ScimAdapter {
  const store = (inner: ScimStore): ScimStore =>
    new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        const method = (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key !== 'advanceEntities') return method;
        return async (...args: unknown[]) => {
          if (args[1] === 'user') await before();
          return method(...args);
        };
      },
    });
  return new Proxy(adapter, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'transaction') {
        return (<T>(fn: (s: ScimStore, tx: unknown) => Promise<T>) =>
          target.transaction((s, tx) => fn(store(s), tx))) satisfies ScimAdapter['transaction'];
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export const concurrencySuite = defineUserSuite('concurrency', {
  'the same event applied 10 times at once is applied exactly once': async (ctx) => {
    const { events } = ctx;
    let provisioned = 0;
    const engines = (await adapters(ctx)).map((adapter) =>
      ctx.engine({ adapter, hooks: { onUserProvisioned: () => void provisioned++ } }),
    );
    const created = events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_1', name: 'One' }] }));

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ctx.apply(created, engines[i % engines.length])),
    );

    expect(count(results, 'applied')).toBe(1);
    expect(count(results, 'duplicate')).toBe(9);
    expect(provisioned).toBe(1);
    if (ctx.app !== null) expect(ctx.app.callsOf('create'), "the app's create").toHaveLength(1);
    await expectInbox(ctx, created.id, 'applied');
    await expectUser(ctx, 'diruser_1', { active: true });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_1']);
  },

  '20 parallel updates of one user with different versions leave the newest': async (ctx) => {
    const { events } = ctx;
    const engines = (await adapters(ctx)).map((adapter) => ctx.engine({ adapter }));
    await ctx.apply(events.userCreated(events.user('diruser_1')));
    const updates = Array.from({ length: 20 }, (_, n) =>
      events.userUpdated({
        id: 'diruser_1',
        email: `v${n}@example.com`,
        given_name: `V${n}`,
        groups: [{ id: `dirgroup_${n}`, name: `G${n}` }],
      }),
    );
    const newest = updates[19]!;
    // Deliver in an order that is neither sorted nor reversed.
    const order = Array.from({ length: 20 }, (_, i) => (i * 7) % 20);

    const results = await Promise.all(order.map((n, i) => ctx.apply(updates[n]!, engines[i % engines.length])));

    const byEvent = new Map(results.map((r) => [r.eventId, r.outcome]));
    expect(byEvent.get(newest.id)).toBe('applied');
    for (const outcome of byEvent.values()) expect(['applied', 'stale']).toContain(outcome);
    await expectUser(ctx, 'diruser_1', { email: 'v19@example.com', givenName: 'V19' });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(newest), eventId: newest.id });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_19']);
    for (const update of updates) await expectInbox(ctx, update.id, byEvent.get(update.id) as 'applied' | 'stale');
  },

  'parallel creates of different users in one group all land': async (ctx) => {
    const { events } = ctx;
    const engines = (await adapters(ctx)).map((adapter) => ctx.engine({ adapter }));
    const ids = Array.from({ length: 10 }, (_, n) => `diruser_${n}`);

    const results = await Promise.all(
      ids.map((id, i) =>
        ctx.apply(
          events.userCreated(events.user(id, { groups: [{ id: 'dirgroup_shared', name: 'Shared' }] })),
          engines[i % engines.length],
        ),
      ),
    );

    expect(count(results, 'applied')).toBe(10);
    expect(await membersOf(ctx, 'dirgroup_shared')).toEqual([...ids].sort());
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_shared')).toMatchObject({
      displayName: 'Shared',
    });
    for (const id of ids) await expectUser(ctx, id, { active: true });
    if (ctx.app !== null) {
      const links = await Promise.all(ids.map((id) => ctx.backdoor.readLink(ctx.organizationId, id)));
      expect(new Set(links.map((link) => link?.appUserId)).size, 'one app user each').toBe(ids.length);
    }
  },

  'parallel claims of one event id: exactly one wins, none throws': tableOnly(async (ctx) => {
    const all = await adapters(ctx);
    const id = `evt_race_${ctx.organizationId}`;
    const record = {
      id,
      organizationId: ctx.organizationId,
      type: 'organization.directory.user_updated',
      occurredAt: '2025-06-02T08:00:00.000000001Z',
      receivedAt: new Date(),
      status: 'pending' as const,
      reason: null,
      payload: null,
    };

    const claimed = await Promise.all(Array.from({ length: 10 }, (_, i) => all[i % all.length]!.claimEvents([record])));

    expect(claimed.flat()).toEqual([id]);
    await expectInbox(ctx, id, 'pending');
  }),

  'parallel claims of overlapping batches: each id is won exactly once': tableOnly(async (ctx) => {
    const all = await adapters(ctx);
    const ids = Array.from({ length: 6 }, (_, i) => `evt_overlap_${i}_${ctx.organizationId}`);
    const record = (id: string) => ({
      id,
      organizationId: ctx.organizationId,
      type: 'organization.directory.user_updated',
      occurredAt: '2025-06-02T08:00:00.000000001Z',
      receivedAt: new Date(),
      status: 'pending' as const,
      reason: null,
      payload: null,
    });
    // Windows of three ids, sliding by one, in both directions.
    const batches = Array.from({ length: 8 }, (_, i) => {
      const window = ids.slice(i % 4, (i % 4) + 3).map(record);
      return i % 2 === 0 ? window : window.reverse();
    });

    const claimed = await Promise.all(batches.map((batch, i) => all[i % all.length]!.claimEvents(batch)));

    expect(claimed.flat().sort()).toEqual([...ids].sort());
    for (const id of ids) await expectInbox(ctx, id, 'pending');
  }),

  'parallel advanceEntities on one id: the highest version stays': tableOnly(async (ctx) => {
    const all = await adapters(ctx);
    const org = ctx.organizationId;
    const versions = [5n, 9n, 1n, 10n, 3n, 7n, 2n, 8n, 4n, 6n].map((v) => 1_750_000_000_000_000_000n + v);

    const written = await Promise.all(
      versions.map((version, i) =>
        all[i % all.length]!.advanceEntities(org, 'user', [
          {
            id: 'diruser_1',
            version,
            deleted: false,
            active: true,
            fingerprint: null,
            directoryRoles: null,
            eventId: `evt_${version}`,
          },
        ]),
      ),
    );

    expect(written[3]).toEqual(['diruser_1']);
    await expectEntity(ctx, 'user', 'diruser_1', {
      version: 1_750_000_000_000_000_010n,
      eventId: 'evt_1750000000000000010',
    });
  }),

  'parallel compare-and-sets on one record: exactly one wins, from a record or from none': tableOnly(async (ctx) => {
    const all = await adapters(ctx);
    const org = ctx.organizationId;
    const base = 1_750_000_000_000_000_000n;
    const item = (id: string, version: bigint, expected: bigint | null) => ({
      id,
      version,
      deleted: false,
      active: true,
      fingerprint: `fp_${version}`,
      directoryRoles: null,
      eventId: `evt_${version}`,
      expected,
    });
    await ctx.adapter.advanceEntities(org, 'user', [item('diruser_1', base, null)]);

    // Every writer read the record at `base`; each carries a different, newer version.
    const updated = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        all[i % all.length]!.advanceEntities(org, 'user', [item('diruser_1', base + 1n + BigInt(i), base)]),
      ),
    );
    const inserted = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        all[i % all.length]!.advanceEntities(org, 'user', [item('diruser_2', base + 1n + BigInt(i), null)]),
      ),
    );

    for (const [id, answers] of [
      ['diruser_1', updated],
      ['diruser_2', inserted],
    ] as const) {
      const winners = answers.flatMap((a, i) => (a.length > 0 ? [i] : []));
      expect(winners, `writers of ${id}`).toHaveLength(1);
      expect(answers[winners[0]!]).toEqual([id]);
      const version = base + 1n + BigInt(winners[0]!);
      await expectEntity(ctx, 'user', id, { version, eventId: `evt_${version}` });
      expect((await ctx.backdoor.readEntity(org, 'user', id))?.fingerprint).toBe(`fp_${version}`);
    }
  }),

  'parallel lease requests: exactly one owner gets it': tableOnly(async (ctx) => {
    const all = await adapters(ctx);
    const name = `sync:${ctx.organizationId}`;
    const now = new Date('2025-06-02T08:00:00.000Z');

    const granted = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        all[i % all.length]!.acquireLease({ name, owner: `owner-${i}`, ttlMs: 60_000, now }),
      ),
    );

    expect(granted.filter(Boolean)).toHaveLength(1);
    const winner = granted.indexOf(true);
    expect(await ctx.adapter.acquireLease({ name, owner: `owner-${winner}`, ttlMs: 60_000, now })).toBe(true);
    const loser = (winner + 1) % 10;
    expect(await ctx.adapter.acquireLease({ name, owner: `owner-${loser}`, ttlMs: 60_000, now })).toBe(false);
  }),

  /**
   * Service mode: a user's creation and its deactivation delivered at once, the deactivation's
   * transaction reading the user's version record while the creation's has not committed (the app's
   * `create` waits for that read). Both are acknowledged, so the app must have been told of both:
   * the deactivation is never lost. Needs a peer (a second client), as the conflicts suite does: an
   * adapter that runs its transactions one at a time cannot interleave them and must skip this test.
   */
  'a creation and a deactivation of one user racing: the app is told of both': serviceOnly(async (ctx) => {
    if (!ctx.adapter.capabilities.transactions) ctx.skip('the adapter declares no transactions');
    const peer = await ctx.peer();
    if (peer === ctx.adapter) ctx.skip('interleaving two transactions needs a peer: a second client');
    const app = ctx.app!;
    const { events } = ctx;
    const creating = signal();
    const deactivationRead = signal();
    const deactivationDone = signal();
    let interleaved = false;
    let creationCommitted = false;
    const creator = ctx.engine({
      users: app.users({
        async create(user, c) {
          creating.fire();
          // The other side may never get to read while this transaction is open (SQLite's one writer):
          // then it ends (its begin times out) and this one goes on, rather than both waiting for good.
          await Promise.race([deactivationRead.promise, deactivationDone.promise]);
          return await app.functions.create(user, c);
        },
      }),
    });
    const deactivator = ctx.engine({
      adapter: afterUserRead(peer, () => {
        if (!creationCommitted) interleaved = true;
        deactivationRead.fire();
      }),
    });
    const created = events.userCreated(events.user('diruser_1', { email: 'race@example.com' }));
    const deactivated = events.userUpdated({ id: 'diruser_1', email: 'race@example.com', active: false });

    const creation = ctx.apply(created, creator).finally(() => {
      creationCommitted = true;
    });
    await creating.promise;
    const deactivation = ctx.apply(deactivated, deactivator).finally(deactivationDone.fire);
    const settled = await Promise.allSettled([creation, deactivation]);
    if (!interleaved) ctx.skip('the peer could not read while the other transaction was open: one writer at a time');
    const results = settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });

    expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    await expectInbox(ctx, created.id, 'applied');
    await expectInbox(ctx, deactivated.id, 'applied');
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(deactivated), active: false });
    expect(app.callsOf('create', 'diruser_1'), "the app's create").toHaveLength(1);
    expect(app.callsOf('deactivate', 'diruser_1'), "the app's deactivate").toHaveLength(1);
    await expectUser(ctx, 'diruser_1', { active: false });
  }),

  /**
   * A stale read: two updates of one existing user, B (the newer) reading the user's version record and
   * then waiting while A commits. B's content is the user's content before A (the email back to what it
   * was): planned from that read, B looks like no change. Applied right, B changes the user back after A:
   * the app ends with B's email and was told of both updates. Needs a peer (a second client) that can
   * commit while B's transaction is open; skips where transactions run one at a time.
   */
  'an update planned from a read older than a concurrent commit is planned again': async (ctx) => {
    if (!ctx.adapter.capabilities.transactions) ctx.skip('the adapter declares no transactions');
    const peer = await ctx.peer();
    if (peer === ctx.adapter) ctx.skip('interleaving two transactions needs a peer: a second client');
    const { events } = ctx;
    const updated: string[] = [];
    const hooks = {
      onUserUpdated: (p: { user: { email?: string | null } }) => void updated.push(String(p.user.email)),
    };
    const before = events.user('diruser_1', { email: 'before@example.com' });
    await ctx.apply(events.userCreated(before), ctx.engine({ hooks }));
    const a = events.userUpdated({ ...before, email: 'during@example.com' });
    // The same content as the creation's: the same fingerprint.
    const b = events.userUpdated(before);

    const bRead = signal();
    const aDone = signal();
    let waits = 0;
    const engineB = ctx.engine({
      hooks,
      adapter: beforeUserAdvance(ctx.adapter, async () => {
        // Only B's first attempt waits, planned from its read and not written yet: a retry reads after A's commit.
        if (++waits > 1) return;
        bRead.fire();
        await aDone.promise;
      }),
    });
    const engineA = ctx.engine({ hooks, adapter: peer });

    const applyB = ctx.apply(b, engineB);
    await Promise.race([bRead.promise, applyB]);
    const applyA = ctx.apply(a, engineA).finally(aDone.fire);
    const [settledA, settledB] = await Promise.allSettled([applyA, applyB]);
    if (settledA.status === 'rejected' && waits > 0) {
      // A could not write while B's transaction was open (SQLite's one writer): nothing interleaved.
      ctx.skip('the peer could not commit while the other transaction was open: one writer at a time');
    }
    for (const s of [settledA, settledB]) if (s.status === 'rejected') throw s.reason;

    expect([settledA, settledB].map((s) => (s.status === 'fulfilled' ? s.value.outcome : null))).toEqual([
      'applied',
      'applied',
    ]);
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(b), eventId: b.id });
    await expectUser(ctx, 'diruser_1', { email: 'before@example.com', active: true });
    // A's update, then B's (planned again from A's record): the app was told of both.
    expect(updated).toEqual(['during@example.com', 'before@example.com']);
    if (ctx.app !== null) {
      const emails = ctx.app.callsOf('update', 'diruser_1').map((c) => c.user?.email);
      expect(emails, "the app's updates").toEqual(['during@example.com', 'before@example.com']);
    }
  },
});
