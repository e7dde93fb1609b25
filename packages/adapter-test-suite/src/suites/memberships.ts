import { expect } from 'vitest';
import { defineUserSuite } from '../define-suite.js';
import { groupsOf, membersOf } from '../expect-state.js';

export const membershipsSuite = defineUserSuite('memberships', {
  "a user's groups array sets its memberships": async (ctx) => {
    const { events } = ctx;
    await ctx.apply(
      events.userCreated(
        events.user('diruser_1', {
          groups: [
            { id: 'dirgroup_a', name: 'A' },
            { id: 'dirgroup_b', name: 'B' },
          ],
        }),
      ),
    );
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a', 'dirgroup_b']);
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual(['diruser_1']);
    expect(await membersOf(ctx, 'dirgroup_b')).toEqual(['diruser_1']);
  },

  'a later groups array replaces the memberships exactly': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(
      events.userCreated(
        events.user('diruser_1', {
          groups: [
            { id: 'dirgroup_a', name: 'A' },
            { id: 'dirgroup_b', name: 'B' },
          ],
        }),
      ),
    );

    await ctx.apply(
      events.userUpdated({
        id: 'diruser_1',
        groups: [
          { id: 'dirgroup_b', name: 'B' },
          { id: 'dirgroup_c', name: 'C' },
        ],
      }),
    );

    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_b', 'dirgroup_c']);
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual([]);
    expect(await membersOf(ctx, 'dirgroup_c')).toEqual(['diruser_1']);
  },

  'an absent groups field leaves memberships; an empty or null one clears them': async (ctx) => {
    const { events } = ctx;
    const groups = [{ id: 'dirgroup_a', name: 'A' }];
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups })));
    await ctx.apply(events.userCreated(events.user('diruser_2', { groups })));

    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'still@example.com' }));
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a']);

    await ctx.apply(events.userUpdated({ id: 'diruser_1', groups: [] }));
    await ctx.apply(events.userUpdated({ id: 'diruser_2', groups: null }));
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([]);
    expect(await groupsOf(ctx, 'diruser_2')).toEqual([]);
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual([]);
  },

  'groups named by a user before their own event exist as stub groups': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(
      events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_a', name: 'Early name' }] })),
    );

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_a')).toMatchObject({
      organizationId: ctx.organizationId,
      id: 'dirgroup_a',
      displayName: 'Early name',
    });

    const created = events.groupCreated({ id: 'dirgroup_a', display_name: 'Real name', external_id: 'ext-1' });
    expect((await ctx.apply(created)).outcome).toBe('applied');
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_a')).toMatchObject({
      organizationId: ctx.organizationId,
      id: 'dirgroup_a',
      directoryId: events.directoryId,
      displayName: 'Real name',
      externalId: 'ext-1',
    });
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual(['diruser_1']);
  },

  "a user naming a known group does not overwrite the group's own data": async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.groupCreated({ id: 'dirgroup_a', display_name: 'Engineering', external_id: 'ext-a' }));

    await ctx.apply(
      events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_a', name: 'Stale name' }] })),
    );

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_a')).toMatchObject({
      displayName: 'Engineering',
      externalId: 'ext-a',
      directoryId: events.directoryId,
    });
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual(['diruser_1']);
  },

  'many users in many groups keep their own memberships': async (ctx) => {
    const { events } = ctx;
    const plan: Record<string, string[]> = {
      diruser_1: ['dirgroup_a'],
      diruser_2: ['dirgroup_a', 'dirgroup_b'],
      diruser_3: ['dirgroup_b', 'dirgroup_c'],
    };
    for (const [userId, groupIds] of Object.entries(plan)) {
      await ctx.apply(events.userCreated(events.user(userId, { groups: groupIds.map((id) => ({ id, name: id })) })));
    }
    await ctx.apply(events.userUpdated({ id: 'diruser_2', groups: [{ id: 'dirgroup_c', name: 'dirgroup_c' }] }));

    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a']);
    expect(await groupsOf(ctx, 'diruser_2')).toEqual(['dirgroup_c']);
    expect(await groupsOf(ctx, 'diruser_3')).toEqual(['dirgroup_b', 'dirgroup_c']);
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual(['diruser_1']);
    expect(await membersOf(ctx, 'dirgroup_b')).toEqual(['diruser_3']);
    expect(await membersOf(ctx, 'dirgroup_c')).toEqual(['diruser_2', 'diruser_3']);
  },

  'a group named twice in one groups array is one membership': async (ctx) => {
    const { events } = ctx;
    const result = await ctx.apply(
      events.userCreated(
        events.user('diruser_1', {
          groups: [
            { id: 'dirgroup_a', name: 'A' },
            { id: 'dirgroup_a', name: 'A' },
          ],
        }),
      ),
    );
    expect(result.outcome).toBe('applied');
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a']);
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual(['diruser_1']);
  },

  'a stale user event does not change memberships': async (ctx) => {
    const { events } = ctx;
    const older = events.userUpdated({ id: 'diruser_1', groups: [{ id: 'dirgroup_old', name: 'Old' }] });
    await ctx.apply(events.userUpdated({ id: 'diruser_1', groups: [{ id: 'dirgroup_new', name: 'New' }] }));

    expect((await ctx.apply(older)).outcome).toBe('stale');

    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_new']);
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_old')).toBeNull();
  },
});
