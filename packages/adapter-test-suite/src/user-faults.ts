import type { ConformanceContext, EngineOverrides } from './context.js';
import { injectFault } from './fault-injection.js';

export interface UserWriteFault {
  /** Engine options whose user writes fail. */
  overrides: EngineOverrides;
  /** How many times the fault fired. */
  fired(): number;
  /** Service mode: the app users created by the calls that then failed (their insert must be rolled back). */
  created: string[];
}

/**
 * User writes that fail with `error` (the first `times` of them, every one by default): in table mode
 * the adapter's `upsertUsers`; in service mode the app's `create` and `update`, after their own write
 * went through the transaction handle (which the failure must roll back).
 */
export function failingUserWrites(
  ctx: ConformanceContext,
  error: unknown,
  options: { times?: number } = {},
): UserWriteFault {
  if (ctx.app === null) {
    const faulty = injectFault(ctx.adapter, 'upsertUsers', error, options);
    return { overrides: { adapter: faulty.adapter }, fired: faulty.fired, created: [] };
  }
  const { functions } = ctx.app;
  const limit = options.times ?? Number.POSITIVE_INFINITY;
  let fired = 0;
  const created: string[] = [];
  const fail = (id?: string | number) => {
    if (fired >= limit) return;
    fired++;
    if (id !== undefined) created.push(String(id));
    throw error;
  };
  const users = ctx.app.users({
    async create(user, c) {
      const id = await functions.create(user, c);
      fail(id);
      return id;
    },
    async update(id, user, c) {
      await functions.update(id, user, c);
      fail();
    },
  });
  return { overrides: { users }, fired: () => fired, created };
}
