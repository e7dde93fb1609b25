import { expect } from 'vitest';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import { expectEntity, expectInbox, expectNoUser, expectUser, groupsOf, versionOf } from '../expect-state.js';

export const tombstonesSuite = defineUserSuite('tombstones', {
  'a late update after a delete does not resurrect the user (deactivate policy)': async (ctx) => {
    const { events } = ctx;
    const created = events.userCreated(events.user('diruser_1', { email: 'a@example.com' }));
    const lateUpdate = events.userUpdated({ id: 'diruser_1', email: 'late@example.com', active: true });
    const deleted = events.userDeleted({ id: 'diruser_1', email: 'a@example.com' });
    await ctx.apply(created);
    await ctx.apply(deleted);

    expect((await ctx.apply(lateUpdate)).outcome).toBe('stale');

    await expectUser(ctx, 'diruser_1', { email: 'a@example.com', active: false });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(deleted), deleted: true, active: false });
    await expectInbox(ctx, lateUpdate.id, 'stale');
  },

  'a late create or update after a delete does not bring the row back (delete policy)': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: 'delete' });
    const created = events.userCreated(events.user('diruser_1'));
    const lateUpdate = events.userUpdated({ id: 'diruser_1', email: 'late@example.com' });
    const deleted = events.userDeleted({ id: 'diruser_1' });
    await ctx.apply(created, engine);
    await ctx.apply(deleted, engine);
    await expectNoUser(ctx, 'diruser_1');

    expect((await ctx.apply(lateUpdate, engine)).outcome).toBe('stale');
    const recreated = events.userCreated(events.user('diruser_1'), { at: versionOf(created) });
    expect((await ctx.apply(recreated, engine)).outcome).toBe('stale');

    await expectNoUser(ctx, 'diruser_1');
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(deleted), deleted: true });
  },

  'a delete of a never-seen user leaves a tombstone that stops its older create': async (ctx) => {
    const { events } = ctx;
    const created = events.userCreated(events.user('diruser_1'));
    const deleted = events.userDeleted({ id: 'diruser_1' });

    expect((await ctx.apply(deleted)).outcome).toBe('applied');
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(deleted), deleted: true, active: false });
    expect((await ctx.apply(created)).outcome).toBe('stale');

    await expectNoUser(ctx, 'diruser_1');
  },

  'a strictly newer user event after a delete applies (the IdP re-created the user)': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'a@example.com' })));
    await ctx.apply(events.userDeleted({ id: 'diruser_1' }));
    const back = events.userUpdated({
      id: 'diruser_1',
      email: 'back@example.com',
      groups: [{ id: 'dirgroup_1', name: 'One' }],
    });

    expect((await ctx.apply(back)).outcome).toBe('applied');

    await expectUser(ctx, 'diruser_1', { email: 'back@example.com', active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(back), deleted: false, active: true });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_1']);
  },

  'a strictly newer user_created after a delete re-creates the row (delete policy)': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: 'delete' });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
    await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine);
    const again = events.userCreated(events.user('diruser_1', { given_name: 'Again' }));

    expect((await ctx.apply(again, engine)).outcome).toBe('applied');

    await expectUser(ctx, 'diruser_1', { givenName: 'Again', active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { deleted: false, version: versionOf(again) });
  },

  'a late group update after the group was deleted does not re-create it': tableOnly(async (ctx) => {
    const { events } = ctx;
    const created = events.groupCreated({ id: 'dirgroup_1', display_name: 'One' });
    const lateUpdate = events.groupUpdated({ id: 'dirgroup_1', display_name: 'Renamed' });
    const deleted = events.groupDeleted({ id: 'dirgroup_1', display_name: 'One' });
    await ctx.apply(created);
    await ctx.apply(deleted);

    expect((await ctx.apply(lateUpdate)).outcome).toBe('stale');

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_1')).toBeNull();
    await expectEntity(ctx, 'group', 'dirgroup_1', { version: versionOf(deleted), deleted: true });
  }),
});
