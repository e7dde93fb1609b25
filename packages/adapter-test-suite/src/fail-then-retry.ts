import type { ScimEngineOptions } from '@scim/core';
import { expect } from 'vitest';
import type { ConformanceContext } from './context.js';
import { expectInbox, expectNoInbox } from './expect-state.js';
import { injectFault, type StoreMethod } from './fault-injection.js';
import type { RawScalekitEvent } from './scalekit-events.js';
import { snapshot } from './snapshot.js';
import { failingUserWrites } from './user-faults.js';

/** The errors of a chain of causes, the error itself first. */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

export interface FailureCase {
  payload: RawScalekitEvent;
  /** The store method that throws; `app`: the app's create and update, after their own write (service mode). */
  method: StoreMethod | 'app';
  ids: { users?: readonly string[]; groups?: readonly string[] };
  engine?: Partial<ScimEngineOptions>;
  /** What the retry through the real adapter answers (and records); `applied` unless said. */
  retried?: 'applied' | 'stale';
}

/**
 * Applies `payload` through an adapter whose `method` throws, checks that nothing was kept and the
 * event was not claimed, then applies it again through the real adapter, which must succeed. In service
 * mode the app users the failed attempt created must be gone too (their insert rolled back).
 */
export async function failThenRetry(ctx: ConformanceContext, failure: FailureCase): Promise<void> {
  const before = await snapshot(ctx, failure.ids);
  const injected = new Error(`injected failure in ${failure.method}`);
  // With `app`, the store is only watched: a fault that never fires records the calls.
  const faulty = injectFault(ctx.adapter, failure.method === 'app' ? 'claimEvents' : failure.method, injected, {
    times: failure.method === 'app' ? 0 : Number.POSITIVE_INFINITY,
  });
  const appFault = failure.method === 'app' ? failingUserWrites(ctx, injected) : null;
  const fired = appFault?.fired ?? faulty.fired;
  const createdBefore = ctx.app?.callsOf('create').length ?? 0;

  const error = await ctx
    .apply(failure.payload, ctx.engine({ ...failure.engine, ...appFault?.overrides, adapter: faulty.adapter }))
    .then(
      (result) => result,
      (thrown: unknown) => thrown,
    );

  expect(fired(), `the engine must call ${failure.method} for this event`).toBeGreaterThan(0);
  expect(error, 'applyEvent must reject').toBeInstanceOf(Error);
  expect((error as { code?: unknown }).code).toBe('STORAGE_FAILURE');
  expect(causes(error)).toContain(injected);
  await expectNoInbox(ctx, failure.payload.id);
  if (ctx.adapter.capabilities.transactions) {
    const claimedAt = faulty.calls.indexOf('claimEvents');
    expect(claimedAt, 'the event is claimed inside the failing transaction').toBeGreaterThanOrEqual(0);
    if (failure.method !== 'app') expect(faulty.calls.lastIndexOf(failure.method)).toBeGreaterThan(claimedAt);
    expect(await snapshot(ctx, failure.ids)).toEqual(before);
    const created = [
      ...(appFault?.created ?? []),
      ...(ctx.app?.callsOf('create').slice(createdBefore) ?? []).flatMap((c) => c.appUserId ?? []),
    ];
    for (const id of created) {
      expect(await ctx.app!.read(id), `app user ${id} of the failed attempt`).toBeNull();
    }
  }

  const retried = failure.retried ?? 'applied';
  const retry = await ctx.apply(failure.payload, ctx.engine(failure.engine));
  expect(retry.outcome).toBe(retried);
  await expectInbox(ctx, failure.payload.id, retried);
}
