import { expect } from 'vitest';
import { appOf } from '../app-of.js';
import { serviceOnly } from '../define-suite.js';
import { expectEntity, expectNoInbox, expectNoUser, expectUser, groupsOf } from '../expect-state.js';
import { failThenRetry } from '../fail-then-retry.js';

const GROUPS = [
  { id: 'dirgroup_a', name: 'A' },
  { id: 'dirgroup_b', name: 'B' },
];

/** The app's own writes, made through the transaction handle, commit and roll back with the SDK's. */
export const serviceFailureTests = {
  "user_created failing in the app's create after its insert keeps nothing, the app's row included; the retry applies it":
    serviceOnly(async (ctx) => {
      const { events } = ctx;
      const created = events.userCreated(events.user('diruser_1', { groups: GROUPS }));

      await failThenRetry(ctx, {
        payload: created,
        method: 'app',
        ids: { users: ['diruser_1'], groups: ['dirgroup_a', 'dirgroup_b'] },
      });

      await expectUser(ctx, 'diruser_1', { active: true, email: 'diruser1@example.com' });
      expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a', 'dirgroup_b']);
    }),

  "user_updated failing in the app's update after its write keeps the old row; the retry applies it": serviceOnly(
    async (ctx) => {
      const { events } = ctx;
      await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'old@example.com', groups: GROUPS })));
      const updated = events.userUpdated({ id: 'diruser_1', email: 'new@example.com', groups: [GROUPS[0]!] });

      await failThenRetry(ctx, { payload: updated, method: 'app', ids: { users: ['diruser_1'] } });

      await expectUser(ctx, 'diruser_1', { email: 'new@example.com' });
      expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a']);
    },
  ),

  "user_deleted failing at deleteLinks, after the app's remove, keeps the app user and its link": serviceOnly(
    async (ctx) => {
      const app = appOf(ctx);
      const { events } = ctx;
      const engine = { deprovision: 'delete' as const };
      await ctx.apply(events.userCreated(events.user('diruser_1', { groups: GROUPS })), ctx.engine(engine));
      const link = await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1');
      const deleted = events.userDeleted({ id: 'diruser_1' });

      await failThenRetry(ctx, { payload: deleted, method: 'deleteLinks', ids: { users: ['diruser_1'] }, engine });

      expect(app.callsOf('remove', 'diruser_1')).toHaveLength(2);
      await expectNoUser(ctx, 'diruser_1');
      expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toBeNull();
      expect(await app.read(link!.appUserId)).toBeNull();
      await expectEntity(ctx, 'user', 'diruser_1', { deleted: true });
    },
  ),

  "adapter.transaction: the app's writes through the handle are seen inside it and roll back with the SDK's":
    serviceOnly(async (ctx) => {
      if (!ctx.adapter.capabilities.transactions) ctx.skip('the adapter declares no transactions');
      const { table } = appOf(ctx);
      const org = ctx.organizationId;
      const eventId = `evt_rollback_${org}`;
      const email = `rollback-${org}@example.com`;
      const boom = new Error('rollback please');
      const seen: { id?: string; found?: readonly string[] } = {};

      const outcome = await ctx.adapter
        .transaction(async (store, tx) => {
          await store.claimEvents([
            {
              id: eventId,
              organizationId: org,
              type: 'organization.directory.user_created',
              occurredAt: '2025-06-02T08:00:00.000000001Z',
              receivedAt: new Date(),
              status: 'pending',
              reason: null,
              payload: null,
            },
          ]);
          const row = { email, displayName: 'Tx', givenName: null, familyName: null, active: true, roles: ['a'] };
          seen.id = String(await table.insert(tx, row));
          await store.saveLinks(org, [{ directoryUserId: 'diruser_1', appUserId: seen.id }]);
          seen.found = await table.findByEmail(tx, email.toUpperCase());
          throw boom;
        })
        .then(
          () => null,
          (error: unknown) => error,
        );

      expect(outcome).toBe(boom);
      expect(seen.found, "the app's write is seen through the handle, inside the transaction").toEqual([seen.id]);
      expect(await table.read(seen.id!), "the app's row").toBeNull();
      expect(await ctx.backdoor.readLink(org, 'diruser_1')).toBeNull();
      await expectNoInbox(ctx, eventId);
    }),

  "adapter.transaction commits the app's writes through the handle with the SDK's": serviceOnly(async (ctx) => {
    const { table } = appOf(ctx);
    const org = ctx.organizationId;
    const row = { email: null, displayName: 'Committed', givenName: 'G', familyName: 'F', active: false, roles: [] };

    const id = await ctx.adapter.transaction(async (store, tx) => {
      const inserted = String(await table.insert(tx, row));
      await store.saveLinks(org, [{ directoryUserId: 'diruser_1', appUserId: inserted }]);
      return inserted;
    });

    expect(await table.read(id)).toEqual({ ...row, id });
    await expectUser(ctx, 'diruser_1', { email: null, displayName: 'Committed', active: false, roles: [] });
  }),
};
