import { AdapterError } from '@scim/core/adapter';
import { expect } from 'vitest';
import { appOf } from '../app-of.js';
import type { ConformanceTest } from '../define-suite.js';
import { serviceOnly } from '../define-suite.js';
import { expectInbox, expectUser } from '../expect-state.js';
import { failingUserWrites } from '../user-faults.js';

/** Rejections by the database: a duplicate (tried once more first), and a NOT NULL column through the app's ORM. */
export const modeRejectionTests = {
  'a UNIQUE_VIOLATION is tried once more: a duplicate gone by then applies, one still there is recorded as rejected':
    async (ctx) => {
      const { events } = ctx;
      const duplicate = () =>
        new AdapterError('UNIQUE_VIOLATION', 'duplicate key value violates unique constraint "users_email_key"');
      const once = failingUserWrites(ctx, duplicate(), { times: 1 });
      const always = failingUserWrites(ctx, duplicate());
      const cleared = events.userCreated(events.user('diruser_1'));
      const stuck = events.userCreated(events.user('diruser_2'));

      const first = await ctx.apply(cleared, ctx.engine(once.overrides));
      const second = await ctx.apply(stuck, ctx.engine(always.overrides));

      expect(first.outcome).toBe('applied');
      expect(once.fired()).toBe(1);
      await expectUser(ctx, 'diruser_1', { active: true });
      expect(second.outcome).toBe('rejected');
      expect(always.fired()).toBe(2);
      expect(second.reason).toMatch(/^UNIQUE_VIOLATION/);
      await expectInbox(ctx, stuck.id, 'rejected');
      expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_2')).toBeNull();
      if (ctx.app !== null && ctx.adapter.capabilities.transactions) {
        // Both attempts' inserts were rolled back.
        expect(always.created).toHaveLength(2);
        for (const id of always.created) expect(await ctx.app.read(id), `app user ${id}`).toBeNull();
      }
    },

  "a NOT NULL violation in the app's own insert, through its ORM, is a CONSTRAINT_VIOLATION: recorded as rejected, replayed once fixed":
    serviceOnly(async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      // The app's bug: its create maps `active` from something the directory did not send.
      const broken = app.users({
        create: (user, c) => app.functions.create({ ...user, active: null as unknown as boolean }, c),
      });
      const payload = events.userCreated(events.user('diruser_1', { given_name: 'Notnull' }));

      const result = await ctx.apply(payload, ctx.engine({ users: broken }));

      expect(result).toMatchObject({ outcome: 'rejected', eventId: payload.id });
      expect(result.reason).toMatch(/^CONSTRAINT_VIOLATION/);
      expect(await ctx.backdoor.readInbox(payload.id)).toMatchObject({ status: 'rejected', reason: result.reason });
      expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toBeNull();
      expect(app.callsOf('create')).toHaveLength(1);

      expect((await ctx.engine().replay(payload.id)).outcome).toBe('applied');
      await expectUser(ctx, 'diruser_1', { givenName: 'Notnull', active: true });
    }),
} satisfies Record<string, ConformanceTest>;
