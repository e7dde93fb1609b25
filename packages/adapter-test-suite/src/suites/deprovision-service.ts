import { expect } from 'vitest';
import { appOf } from '../app-of.js';
import { serviceOnly } from '../define-suite.js';
import { expectNoUser, expectUser } from '../expect-state.js';

/** How the deprovision policy reaches the app's own functions. */
export const serviceDeprovisionTests = {
  "user_deleted calls the app's deactivate with the linked app user and keeps the link": serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1')));
    const link = await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1');
    const deleted = events.userDeleted({ id: 'diruser_1' });

    await ctx.apply(deleted);

    expect(app.callsOf('deactivate')).toEqual([
      expect.objectContaining({ appUserId: link?.appUserId, organizationId: ctx.organizationId, eventId: deleted.id }),
    ]);
    expect(app.callsOf('remove')).toEqual([]);
    expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toEqual(link);
  }),

  "'delete' calls remove and drops the link; the user re-created later is a new app user": serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: 'delete' });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
    const first = await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1');

    await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine);

    expect(app.callsOf('remove').map((c) => c.appUserId)).toEqual([first?.appUserId]);
    expect(app.callsOf('deactivate')).toEqual([]);
    expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toBeNull();
    expect(await app.read(first!.appUserId)).toBeNull();

    await ctx.apply(events.userCreated(events.user('diruser_1', { given_name: 'Back' })), engine);

    const second = await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1');
    expect(second?.appUserId).not.toBe(first?.appUserId);
    await expectUser(ctx, 'diruser_1', { givenName: 'Back', active: true });
  }),

  "'delete' without the app's remove deactivates and keeps the link": serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: 'delete', users: app.users({ remove: undefined }) });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
    const link = await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1');

    await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine);

    expect(app.callsOf('deactivate').map((c) => c.appUserId)).toEqual([link?.appUserId]);
    expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toEqual(link);
    await expectUser(ctx, 'diruser_1', { active: false });
  }),

  "a user who comes back is given to the app's reactivate when it has one, else to update with active: true":
    serviceOnly(async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const plain = ctx.engine();
      const reactivating = ctx.engine({
        users: app.users({
          reactivate: (id, user, c) => app.functions.update(id, { ...user, displayName: 'Reactivated' }, c),
        }),
      });
      for (const id of ['diruser_1', 'diruser_2']) {
        await ctx.apply(events.userCreated(events.user(id)), plain);
        await ctx.apply(events.userUpdated({ id, active: false }), plain);
      }

      await ctx.apply(events.userUpdated({ id: 'diruser_1', active: true }), plain);
      await ctx.apply(events.userUpdated({ id: 'diruser_2', active: true }), reactivating);

      const last = app.calls.filter((c) => c.directoryUserId === 'diruser_1').at(-1);
      expect(last).toMatchObject({ method: 'update', user: { active: true } });
      expect(app.callsOf('reactivate').map((c) => c.directoryUserId)).toEqual(['diruser_2']);
      await expectUser(ctx, 'diruser_1', { active: true });
      await expectUser(ctx, 'diruser_2', { active: true, displayName: 'Reactivated' });
    }),

  "'keep' calls no app function; a user the directory deletes before the app saw it calls none either": serviceOnly(
    async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const engine = ctx.engine({ deprovision: () => 'keep' });
      await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
      const before = app.calls.length;

      await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine);
      await ctx.apply(events.userDeleted({ id: 'diruser_never' }));

      expect(app.calls.slice(before)).toEqual([]);
      await expectNoUser(ctx, 'diruser_never');
    },
  ),
};
