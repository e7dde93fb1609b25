import { expect } from 'vitest';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import { expectEntity, expectUser, groupsOf, membersOf, versionOf } from '../expect-state.js';

export const groupsSuite = defineUserSuite('groups', {
  'group_created and group_updated write the group': tableOnly(async (ctx) => {
    const { events } = ctx;
    const created = events.groupCreated({ id: 'dirgroup_1', display_name: 'Engineering', external_id: 'okta-1' });
    expect((await ctx.apply(created)).outcome).toBe('applied');
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_1')).toMatchObject({
      organizationId: ctx.organizationId,
      id: 'dirgroup_1',
      directoryId: events.directoryId,
      displayName: 'Engineering',
      externalId: 'okta-1',
    });
    await expectEntity(ctx, 'group', 'dirgroup_1', { version: versionOf(created), deleted: false });

    const updated = events.groupUpdated({ id: 'dirgroup_1', display_name: 'Platform', external_id: null });
    expect((await ctx.apply(updated)).outcome).toBe('applied');
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_1')).toMatchObject({
      displayName: 'Platform',
      externalId: null,
      directoryId: events.directoryId,
    });
    await expectEntity(ctx, 'group', 'dirgroup_1', { version: versionOf(updated), deleted: false });
  }),

  'a group with the id of a newer user (and directory) is applied on its own version': async (ctx) => {
    const { events } = ctx;
    const group = events.groupCreated({ id: 'dirshared_1', display_name: 'Shared id' });
    const user = events.userCreated(events.user('dirshared_1'));
    const directory = events.directoryEnabled({ id: 'dirshared_1' });
    expect((await ctx.apply(user)).outcome).toBe('applied');
    expect((await ctx.apply(directory)).outcome).toBe('applied');

    // Older than the user's and the directory's records of the same id, but the first of its kind.
    expect((await ctx.apply(group)).outcome).toBe('applied');

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirshared_1')).toMatchObject({
      displayName: 'Shared id',
    });
    await expectEntity(ctx, 'group', 'dirshared_1', { version: versionOf(group), deleted: false });
    await expectEntity(ctx, 'user', 'dirshared_1', { version: versionOf(user) });
    await expectUser(ctx, 'dirshared_1', { active: true });
  },

  'group_deleted removes the group and all of its memberships, and only those': async (ctx) => {
    const { events } = ctx;
    const both = [
      { id: 'dirgroup_1', name: 'One' },
      { id: 'dirgroup_2', name: 'Two' },
    ];
    await ctx.apply(events.groupCreated({ id: 'dirgroup_1', display_name: 'One' }));
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: both })));
    await ctx.apply(events.userCreated(events.user('diruser_2', { groups: both })));
    const deleted = events.groupDeleted({ id: 'dirgroup_1', display_name: 'One' });

    expect((await ctx.apply(deleted)).outcome).toBe('applied');

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_1')).toBeNull();
    expect(await membersOf(ctx, 'dirgroup_1')).toEqual([]);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_2']);
    expect(await groupsOf(ctx, 'diruser_2')).toEqual(['dirgroup_2']);
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_2')).not.toBeNull();
    await expectEntity(ctx, 'group', 'dirgroup_1', { version: versionOf(deleted), deleted: true });
    await expectUser(ctx, 'diruser_1', { active: true });
  },

  'a late user event naming a deleted group does not re-add that membership': async (ctx) => {
    const { events } = ctx;
    const groups = [
      { id: 'dirgroup_gone', name: 'Gone' },
      { id: 'dirgroup_kept', name: 'Kept' },
    ];
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups })));
    const late = events.userUpdated({ id: 'diruser_1', email: 'late@example.com', groups });
    await ctx.apply(events.groupDeleted({ id: 'dirgroup_gone', display_name: 'Gone' }));

    expect((await ctx.apply(late)).outcome).toBe('applied');

    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_kept']);
    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_gone')).toBeNull();
    await expectUser(ctx, 'diruser_1', { email: 'late@example.com' });
  },

  'a late group_created after the group_deleted is stale': tableOnly(async (ctx) => {
    const { events } = ctx;
    const created = events.groupCreated({ id: 'dirgroup_1', display_name: 'One' });
    await ctx.apply(events.groupDeleted({ id: 'dirgroup_1', display_name: 'One' }));

    expect((await ctx.apply(created)).outcome).toBe('stale');

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_1')).toBeNull();
  }),

  'group roles map by id and by display name (any case), merged with directory roles': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({
      groupRoles: { dirgroup_admins: 'admin', engineering: ['dev', 'deploy'], Unused: 'never' },
      defaultRoles: ['member'],
    });
    await ctx.apply(events.groupCreated({ id: 'dirgroup_eng', display_name: 'ENGINEERING' }), engine);

    await ctx.apply(
      events.userCreated(
        events.user('diruser_1', {
          roles: [{ role_name: 'viewer' }],
          groups: [
            { id: 'dirgroup_admins', name: 'Whatever' },
            { id: 'dirgroup_eng', name: 'ENGINEERING' },
          ],
        }),
      ),
      engine,
    );

    await expectUser(ctx, 'diruser_1', { roles: ['viewer', 'admin', 'dev', 'deploy'] });
  },

  'default roles apply only when no group maps to a role': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ groupRoles: { dirgroup_admins: 'admin' }, defaultRoles: ['member'] });

    await ctx.apply(
      events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_x', name: 'X' }] })),
      engine,
    );
    await ctx.apply(events.userCreated(events.user('diruser_2', { groups: [{ id: 'dirgroup_admins' }] })), engine);

    await expectUser(ctx, 'diruser_1', { roles: ['member'] });
    await expectUser(ctx, 'diruser_2', { roles: ['admin'] });
  },

  'roles follow a change of groups, and survive an update without groups': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ groupRoles: { dirgroup_admins: 'admin', dirgroup_dev: 'dev' } });
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_admins' }] })), engine);
    await expectUser(ctx, 'diruser_1', { roles: ['admin'] });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'same-groups@example.com' }), engine);
    await expectUser(ctx, 'diruser_1', { roles: ['admin'], email: 'same-groups@example.com' });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', groups: [{ id: 'dirgroup_dev' }] }), engine);
    await expectUser(ctx, 'diruser_1', { roles: ['dev'] });
  },

  'with a role mapping, an update that leaves roles out keeps the directory roles': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ groupRoles: { dirgroup_admins: 'admin' } });
    await ctx.apply(
      events.userCreated(
        events.user('diruser_1', { roles: [{ role_name: 'viewer' }], groups: [{ id: 'dirgroup_admins' }] }),
      ),
      engine,
    );
    await expectUser(ctx, 'diruser_1', { roles: ['viewer', 'admin'] });

    // No `roles` and no `groups`: neither the directory's roles nor the memberships changed.
    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'renamed@example.com' }), engine);

    await expectUser(ctx, 'diruser_1', { email: 'renamed@example.com', roles: ['viewer', 'admin'] });
  },

  'a renamed group maps by its stored new name on the next user event': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ groupRoles: { admins: 'admin', engineering: 'dev' } });
    await ctx.apply(events.groupCreated({ id: 'dirgroup_1', display_name: 'Admins' }), engine);
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_1' }] })), engine);
    await expectUser(ctx, 'diruser_1', { roles: ['admin'] });

    await ctx.apply(events.groupUpdated({ id: 'dirgroup_1', display_name: 'Engineering' }), engine);
    await ctx.apply(events.userUpdated({ id: 'diruser_1', groups: [{ id: 'dirgroup_1' }] }), engine);

    await expectUser(ctx, 'diruser_1', { roles: ['dev'] });
  },

  "a group's own event remaps members whose roles came from an older name a late user event carried": async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ groupRoles: { admins: 'admin', staff: 'staff' } });
    const t = 1_767_225_600_000_000_000n;
    const second = 1_000_000_000n;
    // The newer user event names the group first: its row is created with the name "Staff".
    await ctx.apply(
      events.userCreated(events.user('diruser_2', { groups: [{ id: 'dirgroup_1', name: 'Staff' }] }), {
        at: t + 3n * second,
      }),
      engine,
    );
    // An older one arrives late and carries the name the group had before: its roles map from it.
    await ctx.apply(
      events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_1', name: 'Admins' }] }), {
        at: t + second,
      }),
      engine,
    );
    // The group's own rename (between the two) is its first record: both members map from its name.
    await ctx.apply(events.groupUpdated({ id: 'dirgroup_1', display_name: 'Staff' }, { at: t + 2n * second }), engine);

    await expectUser(ctx, 'diruser_1', { roles: ['staff'] });
    await expectUser(ctx, 'diruser_2', { roles: ['staff'] });
  },

  'a role mapping function gets the groups with their stored names': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({
      groupRoles: ({ groups }) => groups.map((g) => `role:${(g.displayName ?? g.id).toLowerCase()}`),
    });
    await ctx.apply(events.groupCreated({ id: 'dirgroup_1', display_name: 'Sales' }), engine);

    await ctx.apply(
      events.userCreated(
        events.user('diruser_1', {
          roles: [{ role_name: 'base' }],
          groups: [{ id: 'dirgroup_1' }, { id: 'dirgroup_2', name: 'Support' }],
        }),
      ),
      engine,
    );

    await expectUser(ctx, 'diruser_1', { roles: ['base', 'role:sales', 'role:support'] });
  },

  "renaming or deleting a group remaps its members' roles at once": async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ groupRoles: { admins: 'admin', dirgroup_dev: 'dev' }, defaultRoles: ['member'] });
    await ctx.apply(events.groupCreated({ id: 'dirgroup_1', display_name: 'Admins' }), engine);
    await ctx.apply(
      events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_1' }, { id: 'dirgroup_dev' }] })),
      engine,
    );
    await ctx.apply(events.userCreated(events.user('diruser_2', { groups: [{ id: 'dirgroup_1' }] })), engine);
    await ctx.apply(
      events.userCreated(events.user('diruser_3', { email: 'three@example.com', groups: [{ id: 'dirgroup_x' }] })),
      engine,
    );
    const before = ctx.app?.calls.length ?? 0;

    await ctx.apply(events.groupUpdated({ id: 'dirgroup_1', display_name: 'Staff' }), engine);

    await expectUser(ctx, 'diruser_1', { roles: ['dev'] });
    await expectUser(ctx, 'diruser_2', { roles: ['member'] });
    if (ctx.app !== null) {
      // The app is told the new roles of the members only, and nothing else about them.
      const calls = ctx.app.calls.slice(before);
      expect(calls.map((c) => `${c.method}:${c.directoryUserId}`).sort()).toEqual([
        'update:diruser_1',
        'update:diruser_2',
      ]);
      for (const call of calls) expect(call.user?.email).toBeUndefined();
    }

    await ctx.apply(events.groupDeleted({ id: 'dirgroup_dev' }), engine);

    await expectUser(ctx, 'diruser_1', { roles: ['member'], email: 'diruser1@example.com', active: true });
    await expectUser(ctx, 'diruser_3', { roles: ['member'], email: 'three@example.com' });
  },
});
