import { expect } from 'vitest';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import { expectEntity, expectNoUser, expectUser, groupsOf, membersOf, versionOf } from '../expect-state.js';

export const tenancySuite = defineUserSuite('tenancy', {
  'the same user id and email in two organizations are two users': async (ctx) => {
    const a = ctx.events;
    const b = ctx.organization();
    const engine = ctx.engine({ deprovision: 'delete' });
    const email = 'same@example.com';
    await ctx.apply(a.userCreated(a.user('diruser_1', { email, given_name: 'In A' })), engine);
    await ctx.apply(b.userCreated(b.user('diruser_1', { email, given_name: 'In B' })), engine);
    await expectUser(ctx, 'diruser_1', { email, givenName: 'In A' }, a.organizationId);
    await expectUser(ctx, 'diruser_1', { email, givenName: 'In B' }, b.organizationId);

    await ctx.apply(a.userUpdated({ id: 'diruser_1', given_name: 'A again', active: false }), engine);
    await expectUser(ctx, 'diruser_1', { givenName: 'A again', active: false }, a.organizationId);
    await expectUser(ctx, 'diruser_1', { givenName: 'In B', active: true }, b.organizationId);

    await ctx.apply(a.userDeleted({ id: 'diruser_1', email }), engine);
    await expectNoUser(ctx, 'diruser_1', a.organizationId);
    await expectUser(ctx, 'diruser_1', { email, givenName: 'In B', active: true }, b.organizationId);
    await expectEntity(ctx, 'user', 'diruser_1', { deleted: false }, b.organizationId);
  },

  'versions are kept per organization': async (ctx) => {
    const a = ctx.events;
    const b = ctx.organization();
    const early = b.userCreated(b.user('diruser_1'), { at: a.now() - 5_000_000_000n });
    const late = a.userCreated(a.user('diruser_1'));
    await ctx.apply(late);

    expect((await ctx.apply(early)).outcome).toBe('applied');

    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(late) }, a.organizationId);
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(early) }, b.organizationId);
  },

  'the same group id in two organizations keeps separate data and memberships': async (ctx) => {
    const a = ctx.events;
    const b = ctx.organization();
    const groups = [{ id: 'dirgroup_1', name: 'Shared id' }];
    await ctx.apply(a.groupCreated({ id: 'dirgroup_1', display_name: 'A group' }));
    await ctx.apply(b.groupCreated({ id: 'dirgroup_1', display_name: 'B group' }));
    await ctx.apply(a.userCreated(a.user('diruser_1', { groups })));
    await ctx.apply(b.userCreated(b.user('diruser_1', { groups })));
    await ctx.apply(b.userCreated(b.user('diruser_2', { groups })));

    await ctx.apply(a.groupUpdated({ id: 'dirgroup_1', display_name: 'A renamed' }));
    expect(await ctx.backdoor.readGroup(b.organizationId, 'dirgroup_1')).toMatchObject({ displayName: 'B group' });

    await ctx.apply(a.groupDeleted({ id: 'dirgroup_1' }));

    expect(await ctx.backdoor.readGroup(a.organizationId, 'dirgroup_1')).toBeNull();
    expect(await groupsOf(ctx, 'diruser_1', a.organizationId)).toEqual([]);
    expect(await ctx.backdoor.readGroup(b.organizationId, 'dirgroup_1')).toMatchObject({
      organizationId: b.organizationId,
      displayName: 'B group',
    });
    expect(await membersOf(ctx, 'dirgroup_1', b.organizationId)).toEqual(['diruser_1', 'diruser_2']);
    await expectEntity(ctx, 'group', 'dirgroup_1', { deleted: false }, b.organizationId);
  },

  "membership replacement in one organization does not touch the other's": async (ctx) => {
    const a = ctx.events;
    const b = ctx.organization();
    const groups = [
      { id: 'dirgroup_1', name: 'One' },
      { id: 'dirgroup_2', name: 'Two' },
    ];
    await ctx.apply(a.userCreated(a.user('diruser_1', { groups })));
    await ctx.apply(b.userCreated(b.user('diruser_1', { groups })));

    await ctx.apply(a.userUpdated({ id: 'diruser_1', groups: [] }));
    await ctx.apply(a.userDeleted({ id: 'diruser_1' }));

    expect(await groupsOf(ctx, 'diruser_1', a.organizationId)).toEqual([]);
    expect(await groupsOf(ctx, 'diruser_1', b.organizationId)).toEqual(['dirgroup_1', 'dirgroup_2']);
    await expectUser(ctx, 'diruser_1', { active: true }, b.organizationId);
  },

  'the same directory id in two organizations is two directories': tableOnly(async (ctx) => {
    const a = ctx.events;
    const b = ctx.organization();
    const directoryId = a.directoryId;
    await ctx.apply(a.directoryEnabled({ id: directoryId, provider: 'OKTA' }));
    await ctx.apply(b.directoryEnabled({ id: directoryId, provider: 'GOOGLE' }));
    await ctx.apply(a.directoryDisabled({ id: directoryId }));

    expect(await ctx.backdoor.readDirectory(a.organizationId, directoryId)).toMatchObject({
      enabled: false,
      provider: 'OKTA',
    });
    expect(await ctx.backdoor.readDirectory(b.organizationId, directoryId)).toMatchObject({
      organizationId: b.organizationId,
      enabled: true,
      provider: 'GOOGLE',
    });
  }),
});
