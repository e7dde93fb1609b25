import type { ScimAdapter } from '@scim/core';
import { AdapterError, type EntityAdvance, type ScimStore } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { defineSuite } from '../define-suite.js';
import { expectEntity, expectInbox, expectUser, versionOf } from '../expect-state.js';

const V = 1_750_000_000_000_000_000n;

function advance(id: string, version: bigint, eventId: string | null): EntityAdvance {
  return { id, version, deleted: false, active: true, fingerprint: null, directoryRoles: null, eventId };
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
 * The peer: a second client of the same database. Without one, or without transactions, there is
 * nothing to conflict with; an adapter that runs its transactions one at a time (the memory adapter)
 * must leave the suite out with `skip`, or both sides would wait for each other for good.
 */
async function peerOf(ctx: ConformanceContext): Promise<ScimAdapter> {
  if (!ctx.adapter.capabilities.transactions) ctx.skip('the adapter declares no transactions');
  const peer = await ctx.peer();
  if (peer === ctx.adapter) ctx.skip('a conflict needs a peer: a second client of the same database');
  return peer;
}

function expectConflict(error: unknown, side: string): void {
  expect(error, `${side}: a deadlock or serialization failure surfaces as an AdapterError`).toBeInstanceOf(
    AdapterError,
  );
  expect((error as AdapterError).code, side).toBe('TRANSACTION_CONFLICT');
  expect((error as AdapterError).retryable, side).toBe(true);
  expect((error as AdapterError).cause, `${side}: the driver's error stays as cause`).toBeDefined();
}

/** The adapter with its transactions' errors and store calls reported to `on`. */
function observed(
  adapter: ScimAdapter,
  on: { claimed(): Promise<void>; advancing(): void; failed(error: unknown): void },
): ScimAdapter {
  const store = (inner: ScimStore): ScimStore =>
    new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        const method = (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === 'claimEvents') return async (...args: unknown[]) => [await method(...args), await on.claimed()][0];
        if (key === 'advanceEntities') {
          return (...args: unknown[]) => {
            on.advancing();
            return method(...args);
          };
        }
        return method;
      },
    });
  return new Proxy(adapter, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'transaction') {
        return (<T>(fn: (s: ScimStore, tx: unknown) => Promise<T>) =>
          target
            .transaction((s, tx) => fn(store(s), tx))
            .catch((error: unknown) => {
              on.failed(error);
              throw error;
            })) satisfies ScimAdapter['transaction'];
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export const conflictsSuite = defineSuite('conflicts', {
  'two transactions that cross on two version records: one commits, the other fails with TRANSACTION_CONFLICT': async (
    ctx,
  ) => {
    const peer = await peerOf(ctx);
    const org = ctx.organizationId;
    await ctx.adapter.advanceEntities(org, 'user', [advance('diruser_a', V, null), advance('diruser_b', V, null)]);
    let arrived = 0;
    const both = signal();
    const meet = () => {
      if (++arrived === 2) both.fire();
      return both.promise;
    };
    // Each side locks one record, waits until the other has locked its own (or failed), then asks
    // for the other's: a deadlock, which the database breaks by failing one of them.
    const side = (adapter: ScimAdapter, first: string, second: string, version: bigint, eventId: string) =>
      adapter
        .transaction(async (store) => {
          await store.advanceEntities(org, 'user', [advance(first, version, eventId)]);
          await meet();
          await store.advanceEntities(org, 'user', [advance(second, version, eventId)]);
        })
        .finally(both.fire);

    const [primary, second] = await Promise.allSettled([
      side(ctx.adapter, 'diruser_a', 'diruser_b', V + 1n, 'evt_primary'),
      side(peer, 'diruser_b', 'diruser_a', V + 2n, 'evt_peer'),
    ]);

    const failed = [primary, second].filter((r) => r.status === 'rejected');
    expect(failed, 'exactly one side loses').toHaveLength(1);
    expectConflict((failed[0] as PromiseRejectedResult).reason, 'the losing side');
    const winner = primary.status === 'fulfilled' ? { version: V + 1n, eventId: 'evt_primary' } : null;
    const expected = winner ?? { version: V + 2n, eventId: 'evt_peer' };
    await expectEntity(ctx, 'user', 'diruser_a', expected);
    await expectEntity(ctx, 'user', 'diruser_b', expected);
  },

  'an event caught in a deadlock with the peer ends applied; a lost attempt is retried': async (ctx) => {
    const peer = await peerOf(ctx);
    const { events } = ctx;
    const org = ctx.organizationId;
    const created = events.userCreated(events.user('diruser_1'));
    const claimed = signal();
    const peerLocked = signal();
    const advancing = signal();
    const engineErrors: unknown[] = [];
    let attempts = 0;
    const adapter = observed(ctx.adapter, {
      claimed: async () => {
        attempts++;
        claimed.fire();
        await peerLocked.promise;
      },
      advancing: advancing.fire,
      failed: (error) => void engineErrors.push(error),
    });
    const rolledBack = new Error('the peer rolls back whatever happens');

    // The event claims its id, then waits; the peer writes the user's version record, which the event
    // writes next, then claims the event's id, which the event holds: each waits on the other.
    // Settled from the start: a failure must not go unhandled while the peer runs.
    const applied = ctx.apply(created, ctx.engine({ adapter, eventBatching: false })).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // An event that fails early (a broken adapter) must end the test, not leave the peer waiting.
    await Promise.race([claimed.promise, applied]);
    const peerOutcome = await peer
      .transaction(async (store) => {
        // More rows than the event writes: a database that rolls back the lighter transaction (InnoDB)
        // then picks the event's, whose retry is the point of this test.
        const filler = Array.from({ length: 20 }, (_, i) => advance(`diruser_filler_${i}`, V, null));
        await store.advanceEntities(org, 'user', [...filler, advance('diruser_1', versionOf(created) - 1n, null)]);
        peerLocked.fire();
        await Promise.race([advancing.promise, applied]);
        await store.claimEvents([
          {
            id: created.id,
            organizationId: org,
            type: created.type,
            occurredAt: created.occurred_at,
            receivedAt: new Date(),
            status: 'pending',
            reason: null,
            payload: null,
          },
        ]);
        throw rolledBack;
      })
      .then(
        () => null,
        (error: unknown) => error,
      )
      .finally(peerLocked.fire);
    const result = await applied;

    expect(result, 'the event ends applied').toEqual({ value: expect.objectContaining({ outcome: 'applied' }) });
    if (peerOutcome === rolledBack) {
      // The event's transaction lost: the engine saw the conflict and applied the event again.
      expect(engineErrors.length, 'the event lost the deadlock and must have been retried').toBeGreaterThan(0);
      for (const error of engineErrors) expectConflict(error, "the event's transaction");
      expect(attempts).toBeGreaterThan(1);
    } else {
      expectConflict(peerOutcome, 'the peer');
      expect(engineErrors).toEqual([]);
    }
    await expectInbox(ctx, created.id, 'applied');
    await expectUser(ctx, 'diruser_1', { active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(created), eventId: created.id });
  },
});
