import { UserRejection, type UserWrite } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import type { ConformanceContext, EngineOverrides } from './context.js';
import { injectFault } from './fault-injection.js';

export interface Refusal {
  /** Engine options under which the users `only` accepts are refused for good. */
  overrides: EngineOverrides;
  /** The code a recorded reason starts with. */
  code: 'CONSTRAINT_VIOLATION' | 'USER_REJECTED';
  fired(): number;
}

/**
 * User writes refused for good: in table mode the adapter's `upsertUsers` fails with a
 * `CONSTRAINT_VIOLATION`, as it does for a NULL in a NOT NULL column (the driver's error as `cause`); in
 * service mode the app's `create` and `update` throw a `UserRejection`. `message` may quote the user's
 * values, as a driver's error or an app's message does: the recorded reason must not.
 */
export function refusing(
  ctx: ConformanceContext,
  message: string,
  only: (userId: string) => boolean = () => true,
): Refusal {
  if (ctx.app === null) {
    const driverError = Object.assign(new Error(message), { code: '23502' });
    const error = new AdapterError('CONSTRAINT_VIOLATION', 'the users table refused a row', { cause: driverError });
    const faulty = injectFault(ctx.adapter, 'upsertUsers', error, {
      when: (args) => (args[1] as readonly UserWrite[]).some((user) => only(user.id)),
    });
    return { overrides: { adapter: faulty.adapter }, code: 'CONSTRAINT_VIOLATION', fired: faulty.fired };
  }
  const { functions } = ctx.app;
  let fired = 0;
  const refuse = (userId: string) => {
    if (!only(userId)) return;
    fired++;
    throw new UserRejection(message);
  };
  const users = ctx.app.users({
    async create(user, c) {
      refuse(user.id);
      return await functions.create(user, c);
    },
    async update(id, user, c) {
      refuse(user.id);
      await functions.update(id, user, c);
    },
  });
  return { overrides: { users }, code: 'USER_REJECTED', fired: () => fired };
}
