import type { UserService } from '@scim/core';
import { expect } from 'vitest';
import { appOf } from '../app-of.js';
import type { ConformanceApp } from '../app-users.js';
import { batchingEngine, deliverTogether, outcomes } from '../batching-engine.js';
import type { ConformanceContext } from '../context.js';
import { serviceOnly } from '../define-suite.js';
import { expectInbox, expectUser } from '../expect-state.js';
import { uniqueEmail } from '../ids.js';

/** The suite's user functions with `findExisting` answering the app user with the same email. */
function byEmail(app: ConformanceApp, overrides: Partial<UserService> = {}): UserService {
  return app.users({ findExisting: app.functions.findByEmail, ...overrides });
}

async function linkOf(ctx: ConformanceContext, organizationId: string, directoryUserId: string) {
  return (await ctx.backdoor.readLink(organizationId, directoryUserId))?.appUserId ?? null;
}

/** Account linking with the app's own `findExisting`, and one person in two organizations. */
export const serviceLinkingTests = {
  'findExisting adopts the app user it answers: linked and updated, not created; asked once, for a new user only':
    serviceOnly(async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const email = uniqueEmail('ada');
      const seeded = await app.seed({ email: email.toUpperCase(), displayName: 'Signed up herself', roles: ['own'] });
      const engine = ctx.engine({ users: byEmail(app) });

      const created = events.userCreated(events.user('diruser_1', { email, name: 'Ada Lovelace' }));
      expect((await ctx.apply(created, engine)).outcome).toBe('applied');
      await ctx.apply(events.userUpdated({ id: 'diruser_1', name: 'Ada King' }), engine);

      expect(await linkOf(ctx, ctx.organizationId, 'diruser_1')).toBe(seeded);
      expect(app.callsOf('create')).toEqual([]);
      expect(app.callsOf('findExisting')).toEqual([
        expect.objectContaining({
          organizationId: ctx.organizationId,
          directoryUserId: 'diruser_1',
          source: 'webhook',
          eventId: created.id,
          tx: ctx.adapter.capabilities.transactions,
          appUserId: seeded,
        }),
      ]);
      expect(app.callsOf('update').map((c) => c.appUserId)).toEqual([seeded, seeded]);
      await expectUser(ctx, 'diruser_1', { email, displayName: 'Ada King', active: true, roles: ['own'] });
    }),

  'findExisting answering nothing creates the user': serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const { events } = ctx;
    const engine = ctx.engine({ users: byEmail(app) });

    await ctx.apply(events.userCreated(events.user('diruser_1', { email: uniqueEmail('new') })), engine);
    await ctx.apply(events.userCreated(events.user('diruser_2', { email: null })), engine);

    expect(app.callsOf('findExisting').map((c) => c.appUserId)).toEqual([null, null]);
    expect(app.callsOf('create').map((c) => c.directoryUserId)).toEqual(['diruser_1', 'diruser_2']);
    await expectUser(ctx, 'diruser_2', { email: null, active: true });
  }),

  'an answer already linked to another directory user of this organization is refused and recorded as rejected':
    serviceOnly(async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const email = uniqueEmail('taken');
      const engine = ctx.engine({ users: byEmail(app) });
      await ctx.apply(events.userCreated(events.user('diruser_1', { email, given_name: 'First' })), engine);
      const taken = await linkOf(ctx, ctx.organizationId, 'diruser_1');
      const before = await app.read(taken!);

      const second = events.userCreated(events.user('diruser_2', { email, given_name: 'Second' }));
      const result = await ctx.apply(second, engine);

      expect(result).toMatchObject({ outcome: 'rejected', eventId: second.id });
      expect(result.reason).toMatch(/USER_REJECTED.*already linked/);
      await expectInbox(ctx, second.id, 'rejected');
      expect(await linkOf(ctx, ctx.organizationId, 'diruser_2')).toBeNull();
      expect(await app.read(taken!)).toEqual(before);
      if (ctx.adapter.capabilities.transactions) {
        // Without transactions the version record was written before the app refused the user.
        expect(await ctx.backdoor.readEntity(ctx.organizationId, 'user', 'diruser_2')).toBeNull();
      }
    }),

  'two new directory users of one batch answered with the same app user: the second is refused': serviceOnly(
    async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const email = uniqueEmail('twice');
      const seeded = await app.seed({ email });
      const { engine } = batchingEngine(ctx, { users: byEmail(app) });
      const first = events.userCreated(events.user('diruser_1', { email }));
      const second = events.userCreated(events.user('diruser_2', { email: email.toUpperCase() }));
      // Two more that find each other: the first is created, the second finds it in the same transaction.
      const other = uniqueEmail('fresh');
      const third = events.userCreated(events.user('diruser_3', { email: other }));
      const fourth = events.userCreated(events.user('diruser_4', { email: other }));

      const results = await deliverTogether(ctx, engine, [first, second, third, fourth]);

      expect(outcomes(results)).toEqual(['applied', 'rejected', 'applied', 'rejected']);
      expect(await linkOf(ctx, ctx.organizationId, 'diruser_1')).toBe(seeded);
      expect(await linkOf(ctx, ctx.organizationId, 'diruser_2')).toBeNull();
      expect(await linkOf(ctx, ctx.organizationId, 'diruser_3')).not.toBeNull();
      expect(await linkOf(ctx, ctx.organizationId, 'diruser_4')).toBeNull();
      await expectInbox(ctx, second.id, 'rejected');
      await expectInbox(ctx, fourth.id, 'rejected');
    },
  ),

  'one person in two organizations is one app user with two links': serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const a = ctx.events;
    const b = ctx.organization();
    const email = uniqueEmail('person');
    await ctx.apply(a.userCreated(a.user('diruser_in_a', { email, given_name: 'Person' })), ctx.engine());

    await ctx.apply(
      b.userCreated(b.user('diruser_in_b', { email, given_name: 'Person' })),
      ctx.engine({ users: byEmail(app) }),
    );

    const inA = await linkOf(ctx, a.organizationId, 'diruser_in_a');
    expect(inA).not.toBeNull();
    expect(await linkOf(ctx, b.organizationId, 'diruser_in_b')).toBe(inA);
    expect(app.callsOf('create').map((c) => c.organizationId)).toEqual([a.organizationId]);
    expect(app.callsOf('update').map((c) => [c.organizationId, c.appUserId])).toEqual([[b.organizationId, inA]]);
    await expectUser(ctx, 'diruser_in_a', { email, givenName: 'Person' }, a.organizationId);
    await expectUser(ctx, 'diruser_in_b', { email, givenName: 'Person' }, b.organizationId);
  }),

  'a deprovision in one organization calls deactivate (or remove) with that organization only': serviceOnly(
    async (ctx) => {
      const app = appOf(ctx);
      const a = ctx.events;
      const b = ctx.organization();
      const email = uniqueEmail('member');
      // The app ends one organization's membership and keeps the person: its table has nothing to change.
      const users = byEmail(app, { deactivate: async () => undefined, remove: async () => undefined });
      await ctx.apply(a.userCreated(a.user('diruser_a', { email })), ctx.engine({ users }));
      await ctx.apply(b.userCreated(b.user('diruser_b', { email })), ctx.engine({ users }));
      const person = await linkOf(ctx, a.organizationId, 'diruser_a');

      await ctx.apply(b.userDeleted({ id: 'diruser_b' }), ctx.engine({ users }));
      await ctx.apply(a.userDeleted({ id: 'diruser_a' }), ctx.engine({ users, deprovision: 'delete' }));

      expect(app.callsOf('deactivate').map((c) => [c.organizationId, c.directoryUserId, c.appUserId])).toEqual([
        [b.organizationId, 'diruser_b', person],
      ]);
      expect(app.callsOf('remove').map((c) => [c.organizationId, c.directoryUserId, c.appUserId])).toEqual([
        [a.organizationId, 'diruser_a', person],
      ]);
      expect(await linkOf(ctx, b.organizationId, 'diruser_b')).toBe(person);
      expect(await linkOf(ctx, a.organizationId, 'diruser_a')).toBeNull();
      expect(await app.read(person!)).toMatchObject({ email, active: true });
    },
  ),
};
