import { expect } from 'vitest';
import { defineUserSuite } from '../define-suite.js';
import { expectEntity, expectInbox, expectUser, versionOf } from '../expect-state.js';
import { serviceUserTests } from './service-users.js';

export const usersSuite = defineUserSuite('users', {
  'user_created writes the mapped fields, the version record and the inbox record': async (ctx) => {
    const { events } = ctx;
    const data = events.user('diruser_ada', {
      email: 'ada@example.com',
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      roles: [{ role_name: 'viewer' }],
    });
    const created = events.userCreated(data);

    const result = await ctx.apply(created);

    expect(result).toEqual({ outcome: 'applied', eventId: created.id, type: 'organization.directory.user_created' });
    await expectUser(ctx, 'diruser_ada', {
      email: 'ada@example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
      displayName: 'Ada Lovelace',
      username: 'ada',
      active: true,
      roles: ['viewer'],
    });
    await expectEntity(ctx, 'user', 'diruser_ada', {
      version: versionOf(created),
      deleted: false,
      active: true,
      eventId: created.id,
    });
    await expectInbox(ctx, created.id, 'applied');
  },

  'user_updated changes the given fields and leaves absent ones as they are': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'old@example.com', given_name: 'Old' })));
    const updated = events.userUpdated({ id: 'diruser_1', email: 'new@example.com', family_name: 'Newname' });

    expect((await ctx.apply(updated)).outcome).toBe('applied');

    await expectUser(ctx, 'diruser_1', {
      email: 'new@example.com',
      givenName: 'Old',
      familyName: 'Newname',
      active: true,
    });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(updated), eventId: updated.id });
  },

  'a null field clears the column': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { given_name: 'Grace', name: 'Grace Hopper' })));
    await ctx.apply(events.userUpdated({ id: 'diruser_1', given_name: null, name: null }));
    await expectUser(ctx, 'diruser_1', { givenName: null, displayName: null, email: 'diruser1@example.com' });
  },

  'user_updated for a user never seen creates it': async (ctx) => {
    const { events } = ctx;
    const updated = events.userUpdated(events.user('diruser_late', { email: 'late@example.com' }));
    expect((await ctx.apply(updated)).outcome).toBe('applied');
    await expectUser(ctx, 'diruser_late', { email: 'late@example.com', active: true });
    await expectEntity(ctx, 'user', 'diruser_late', { version: versionOf(updated), deleted: false, active: true });
  },

  'applying the same state again (a new event) is an idempotent upsert': async (ctx) => {
    const { events } = ctx;
    const data = events.user('diruser_1', { roles: [{ role_name: 'admin' }] });
    await ctx.apply(events.userCreated(data));
    const before = await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1');
    const again = events.userUpdated(data);

    expect((await ctx.apply(again)).outcome).toBe('applied');

    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toEqual(before);
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(again), eventId: again.id, active: true });
  },

  'active "False" and "True" strings map to inactive and active': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { active: 'False' })));
    await expectUser(ctx, 'diruser_1', { active: false });
    await expectEntity(ctx, 'user', 'diruser_1', { active: false, deleted: false });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', active: 'True' }));
    await expectUser(ctx, 'diruser_1', { active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { active: true });
  },

  'a user created without an active field is active; an update without it keeps the current state': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated({ id: 'diruser_1', email: 'a@example.com' }));
    await expectUser(ctx, 'diruser_1', { active: true });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', active: false }));
    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'b@example.com' }));

    await expectUser(ctx, 'diruser_1', { email: 'b@example.com', active: false });
    await expectEntity(ctx, 'user', 'diruser_1', { active: false });
  },

  'directory roles: given replaces, absent keeps, empty clears': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { roles: [{ role_name: 'a' }, { role_name: 'b' }] })));
    await expectUser(ctx, 'diruser_1', { roles: ['a', 'b'] });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', roles: [{ role_name: 'c' }] }));
    await expectUser(ctx, 'diruser_1', { roles: ['c'] });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'x@example.com' }));
    await expectUser(ctx, 'diruser_1', { roles: ['c'], email: 'x@example.com' });

    await ctx.apply(events.userUpdated({ id: 'diruser_1', roles: [] }));
    await expectUser(ctx, 'diruser_1', { roles: [] });
  },

  'a role the directory names twice is written once': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(
      events.userCreated(
        events.user('diruser_1', {
          roles: [{ role_name: 'admin' }, { role_name: 'admin' }, { role_name: 'viewer' }],
        }),
      ),
    );
    const user = await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1');
    if (user?.roles !== undefined) expect([...user.roles].sort()).toEqual(['admin', 'viewer']);
  },

  'text with quotes, unicode and long values round-trips': async (ctx) => {
    const { events } = ctx;
    const family = `O'Brien "Zoë" 李 ${'x'.repeat(200)}`;
    await ctx.apply(events.userCreated(events.user('diruser_1', { family_name: family, email: 'zoë@exämple.com' })));
    await expectUser(ctx, 'diruser_1', { familyName: family, email: 'zoë@exämple.com' });
  },

  ...serviceUserTests,
});
