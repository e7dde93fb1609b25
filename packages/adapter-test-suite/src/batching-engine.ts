import type { ApplyResult, ScimAdapter, ScimEngine } from '@scim/core';
import { expect } from 'vitest';
import type { ConformanceContext, EngineOverrides } from './context.js';

/**
 * An engine that commits one transaction at a time, over the adapter with its transactions counted.
 * The first delivery finds it idle and starts at once, alone; the deliveries made while it runs wait
 * for it and are then applied as one batch per organization.
 */
export function batchingEngine(
  ctx: ConformanceContext,
  overrides: EngineOverrides = {},
): { engine: ScimEngine; transactions: () => number } {
  if (!ctx.adapter.capabilities.transactions)
    ctx.skip('events are applied in batches only on adapters with transactions');
  let count = 0;
  const base = ctx.adapter;
  const adapter = new Proxy(base, {
    get(target, key) {
      if (key === 'transaction') {
        return ((fn) => {
          count++;
          return target.transaction(fn);
        }) satisfies ScimAdapter['transaction'];
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const engine = ctx.engine({ adapter, eventBatching: { concurrency: 1, maxEvents: 64 }, ...overrides });
  return { engine, transactions: () => count };
}

/**
 * A first delivery (a user of its own, `diruser_blocker`) that keeps the engine's one transaction busy,
 * then `payloads` at once, each answered on its own (a rejection is kept, not thrown). Resolves the
 * answers to `payloads`.
 */
export async function deliverTogether(
  ctx: ConformanceContext,
  engine: ScimEngine,
  payloads: readonly Parameters<ConformanceContext['apply']>[0][],
): Promise<PromiseSettledResult<ApplyResult>[]> {
  const blocker = ctx.apply(ctx.events.userCreated(ctx.events.user('diruser_blocker')), engine);
  const results = await Promise.allSettled(payloads.map((payload) => ctx.apply(payload, engine)));
  expect((await blocker).outcome).toBe('applied');
  return results;
}

export function outcomes(results: readonly PromiseSettledResult<ApplyResult>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'rejected'));
}
