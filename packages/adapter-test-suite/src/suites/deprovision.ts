import type { DeprovisionAction, DeprovisionContext } from '@scim/core';
import { expect } from 'vitest';
import { defineUserSuite } from '../define-suite.js';
import { expectEntity, expectNoUser, expectUser, groupsOf, versionOf } from '../expect-state.js';
import { serviceDeprovisionTests } from './deprovision-service.js';

const GROUPS = [
  { id: 'dirgroup_a', name: 'A' },
  { id: 'dirgroup_b', name: 'B' },
];

export const deprovisionSuite = defineUserSuite('deprovision', {
  'user_deleted deactivates by default: the row stays, inactive, without memberships': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'a@example.com', groups: GROUPS })));
    const deleted = events.userDeleted({ id: 'diruser_1', email: 'a@example.com' });

    expect((await ctx.apply(deleted)).outcome).toBe('applied');

    await expectUser(ctx, 'diruser_1', { email: 'a@example.com', active: false });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([]);
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(deleted), deleted: true, active: false });
  },

  "'delete' removes the app's row": async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: 'delete' });
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: GROUPS })), engine);
    await ctx.apply(events.userCreated(events.user('diruser_2', { groups: GROUPS })), engine);

    expect((await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine)).outcome).toBe('applied');

    await expectNoUser(ctx, 'diruser_1');
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([]);
    await expectEntity(ctx, 'user', 'diruser_1', { deleted: true });
    await expectUser(ctx, 'diruser_2', { active: true });
    expect(await groupsOf(ctx, 'diruser_2')).toEqual(['dirgroup_a', 'dirgroup_b']);
  },

  'a policy function gets the context and can delete': async (ctx) => {
    const { events } = ctx;
    const seen: DeprovisionContext[] = [];
    const engine = ctx.engine({
      deprovision: async (context): Promise<DeprovisionAction> => {
        seen.push(context);
        return 'delete';
      },
    });
    const created = events.userCreated(events.user('diruser_1'));
    const deleted = events.userDeleted({ id: 'diruser_1' });
    await ctx.apply(created, engine);

    await ctx.apply(deleted, engine);

    await expectNoUser(ctx, 'diruser_1');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ organizationId: ctx.organizationId, userId: 'diruser_1', reason: 'deleted' });
    expect(seen[0]?.previous).toMatchObject({ version: versionOf(created), deleted: false, active: true });
    expect(seen[0]?.event?.id).toBe(deleted.id);
  },

  "a policy function returning 'deactivate' deactivates": async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: () => 'deactivate' });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
    await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine);
    await expectUser(ctx, 'diruser_1', { active: false });
  },

  "'keep' leaves the app's row untouched but still records the tombstone": async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: () => 'keep' });
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'kept@example.com' })), engine);
    const before = await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1');
    const deleted = events.userDeleted({ id: 'diruser_1' });
    const late = events.userUpdated({ id: 'diruser_1', email: 'late@example.com' }, { at: versionOf(deleted) - 1n });

    expect((await ctx.apply(deleted, engine)).outcome).toBe('applied');
    expect((await ctx.apply(late, engine)).outcome).toBe('stale');

    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toEqual(before);
    await expectEntity(ctx, 'user', 'diruser_1', { deleted: true, version: versionOf(deleted) });
  },

  'user_updated with active: false deactivates and applies the other fields': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: GROUPS })));
    const update = events.userUpdated({ id: 'diruser_1', active: false, email: 'gone@example.com' });

    await ctx.apply(update);

    await expectUser(ctx, 'diruser_1', { active: false, email: 'gone@example.com' });
    await expectEntity(ctx, 'user', 'diruser_1', { active: false, deleted: false, version: versionOf(update) });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a', 'dirgroup_b']);
  },

  "with 'delete', active: false only deactivates": async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ deprovision: 'delete' });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);

    await ctx.apply(events.userUpdated({ id: 'diruser_1', active: false }), engine);

    await expectUser(ctx, 'diruser_1', { active: false });
    await expectEntity(ctx, 'user', 'diruser_1', { active: false, deleted: false });
  },

  "a policy function sees reason 'deactivated' for active: false and its answer holds": async (ctx) => {
    const { events } = ctx;
    const seen: DeprovisionContext[] = [];
    const engine = ctx.engine({
      deprovision: (context) => {
        seen.push(context);
        return context.userId === 'diruser_1' ? 'delete' : 'keep';
      },
    });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
    await ctx.apply(events.userCreated(events.user('diruser_2', { email: 'two@example.com' })), engine);

    await ctx.apply(events.userUpdated({ id: 'diruser_1', active: false }), engine);
    await ctx.apply(events.userUpdated({ id: 'diruser_2', active: false }), engine);

    expect(seen.map((c) => [c.userId, c.reason])).toEqual([
      ['diruser_1', 'deactivated'],
      ['diruser_2', 'deactivated'],
    ]);
    await expectNoUser(ctx, 'diruser_1');
    await expectUser(ctx, 'diruser_2', { active: true, email: 'two@example.com' });
  },

  'a deactivated user comes back with active: true': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1')));
    await ctx.apply(events.userUpdated({ id: 'diruser_1', active: false }));
    const back = events.userUpdated({ id: 'diruser_1', active: true });

    await ctx.apply(back);

    await expectUser(ctx, 'diruser_1', { active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { active: true, version: versionOf(back) });
  },

  ...serviceDeprovisionTests,
});
