import { createScimEngine, type ScimError } from '@scim/core';
import { expect } from 'vitest';
import { appOf } from '../app-of.js';
import { serviceOnly } from '../define-suite.js';
import { expectUser } from '../expect-state.js';

/** What the app's own functions are called with, in service mode. */
export const serviceUserTests = {
  'an adapter without a table mapping says so and refuses the table methods with CONFIGURATION_ERROR': serviceOnly(
    async (ctx) => {
      const { adapter, organizationId: org } = ctx;
      expect(adapter.capabilities).toMatchObject({ userTable: false, linkByEmail: false });
      const user = { id: 'diruser_1', organizationId: org, active: true, version: 1n };
      const calls = [
        () => adapter.upsertUsers(org, [user]),
        () => adapter.patchUsers(org, [{ id: 'diruser_1', active: false }]),
        () => adapter.deleteUsers(org, ['diruser_1']),
        () => adapter.linkUsersByEmail(org, [{ directoryUserId: 'diruser_1', email: 'a@example.com' }]),
      ];
      for (const call of calls) {
        const error = await call().then(
          () => null,
          (thrown: unknown) => thrown,
        );
        expect((error as ScimError | null)?.code).toBe('CONFIGURATION_ERROR');
      }
      expect(() => createScimEngine({ adapter })).toThrow(/users/);
    },
  ),

  "user_created calls the app's create once, in the transaction, and links the directory user to the id it resolved":
    serviceOnly(async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const created = events.userCreated(
        events.user('diruser_1', { email: 'ada@example.com', given_name: 'Ada', roles: [{ role_name: 'viewer' }] }),
      );

      await ctx.apply(created);

      const [create, ...others] = app.calls;
      expect(others, 'calls after create').toEqual([]);
      expect(create).toMatchObject({
        method: 'create',
        organizationId: ctx.organizationId,
        directoryUserId: 'diruser_1',
        source: 'webhook',
        eventId: created.id,
        tx: ctx.adapter.capabilities.transactions,
        user: { id: 'diruser_1', email: 'ada@example.com', givenName: 'Ada', active: true, roles: ['viewer'] },
      });
      const link = await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1');
      expect(link).toEqual({ directoryUserId: 'diruser_1', appUserId: create?.appUserId });
      expect(typeof link?.appUserId).toBe('string');
      expect(await app.read(link!.appUserId)).toMatchObject({ email: 'ada@example.com', givenName: 'Ada' });
    }),

  'user_updated calls update with the linked app user and the fields given, the others undefined': serviceOnly(
    async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'old@example.com' })));
      const appUserId = (await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1'))?.appUserId;

      await ctx.apply(events.userUpdated({ id: 'diruser_1', family_name: 'Newname' }));

      const updates = app.callsOf('update', 'diruser_1');
      expect(updates).toHaveLength(1);
      expect(updates[0]?.appUserId).toBe(appUserId);
      expect(updates[0]?.user).toMatchObject({ familyName: 'Newname', active: true });
      for (const field of ['email', 'givenName', 'displayName', 'roles', 'groups'] as const) {
        expect(updates[0]?.user?.[field], field).toBeUndefined();
      }
      expect(app.callsOf('create')).toHaveLength(1);
      expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toMatchObject({ appUserId });
      await expectUser(ctx, 'diruser_1', { email: 'old@example.com', familyName: 'Newname' });
    },
  ),

  'the same content again (a newer event) calls no app function': serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const { events } = ctx;
    const data = events.user('diruser_1', { roles: [{ role_name: 'admin' }] });
    await ctx.apply(events.userCreated(data));
    const before = app.calls.length;

    expect((await ctx.apply(events.userUpdated(data))).outcome).toBe('applied');

    expect(app.calls.slice(before)).toEqual([]);
  }),

  'a stale or duplicate event calls no app function': serviceOnly(async (ctx) => {
    const app = appOf(ctx);
    const { events } = ctx;
    const older = events.userUpdated({ id: 'diruser_1', email: 'older@example.com' });
    const created = events.userCreated(events.user('diruser_1'));
    await ctx.apply(created);
    const before = app.calls.length;

    expect((await ctx.apply(older)).outcome).toBe('stale');
    expect((await ctx.apply(created)).outcome).toBe('duplicate');

    expect(app.calls.slice(before)).toEqual([]);
  }),
};
