import { AdapterError } from '@scim/core/adapter';
import { expect } from 'vitest';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import {
  expectEntity,
  expectInbox,
  expectNoInbox,
  expectNoUser,
  expectUser,
  groupsOf,
  membersOf,
  versionOf,
} from '../expect-state.js';
import { causes, failThenRetry } from '../fail-then-retry.js';
import { injectFault } from '../fault-injection.js';
import { snapshot } from '../snapshot.js';
import { serviceFailureTests } from './failures-service.js';

const GROUPS = [
  { id: 'dirgroup_a', name: 'A' },
  { id: 'dirgroup_b', name: 'B' },
];

export const failuresSuite = defineUserSuite('failures', {
  'user_created failing at upsertUsers keeps nothing; the retry applies it': tableOnly(async (ctx) => {
    const { events } = ctx;
    const created = events.userCreated(events.user('diruser_1', { groups: GROUPS }));

    await failThenRetry(ctx, {
      payload: created,
      method: 'upsertUsers',
      ids: { users: ['diruser_1'], groups: ['dirgroup_a', 'dirgroup_b'] },
    });

    await expectUser(ctx, 'diruser_1', { active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(created), eventId: created.id });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a', 'dirgroup_b']);
  }),

  'user_updated failing at replaceMemberships leaves the old state; the retry applies it': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'old@example.com', groups: GROUPS })));
    const updated = events.userUpdated({
      id: 'diruser_1',
      email: 'new@example.com',
      groups: [{ id: 'dirgroup_c', name: 'C' }],
    });

    await failThenRetry(ctx, {
      payload: updated,
      method: 'replaceMemberships',
      ids: { users: ['diruser_1'], groups: ['dirgroup_a', 'dirgroup_c'] },
    });

    await expectUser(ctx, 'diruser_1', { email: 'new@example.com' });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_c']);
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(updated) });
  },

  'user_deleted failing at deleteUsers keeps the user and its memberships': tableOnly(async (ctx) => {
    const { events } = ctx;
    const engine = { deprovision: 'delete' as const };
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: GROUPS })), ctx.engine(engine));
    const deleted = events.userDeleted({ id: 'diruser_1' });

    await failThenRetry(ctx, { payload: deleted, method: 'deleteUsers', ids: { users: ['diruser_1'] }, engine });

    await expectNoUser(ctx, 'diruser_1');
    await expectEntity(ctx, 'user', 'diruser_1', { deleted: true, version: versionOf(deleted) });
  }),

  'group_deleted failing at deleteGroups keeps the group and its memberships': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.groupCreated({ id: 'dirgroup_a', display_name: 'A' }));
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: GROUPS })));
    const deleted = events.groupDeleted({ id: 'dirgroup_a', display_name: 'A' });

    await failThenRetry(ctx, {
      payload: deleted,
      method: 'deleteGroups',
      ids: { users: ['diruser_1'], groups: ['dirgroup_a'] },
    });

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_a')).toBeNull();
    expect(await membersOf(ctx, 'dirgroup_a')).toEqual([]);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_b']);
  },

  "a failure at the final inbox write (a stale event's status) leaves no claim": async (ctx) => {
    if (!ctx.adapter.capabilities.transactions) {
      ctx.skip('without transactions the claim is the last write, not finishEvents');
    }
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'old@example.com' })));
    const older = events.userUpdated({ id: 'diruser_1', email: 'older@example.com', groups: GROUPS });
    const newer = events.userUpdated({ id: 'diruser_1', email: 'new@example.com', groups: GROUPS });
    await ctx.apply(newer);

    // Claimed as applied, the stale event's status is the transaction's last write.
    await failThenRetry(ctx, {
      payload: older,
      method: 'finishEvents',
      ids: { users: ['diruser_1'] },
      retried: 'stale',
    });

    await expectUser(ctx, 'diruser_1', { email: 'new@example.com' });
  },

  'a deprovision policy that throws commits nothing': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups: GROUPS })));
    const before = await snapshot(ctx, { users: ['diruser_1'] });
    const deleted = events.userDeleted({ id: 'diruser_1' });
    const failing = ctx.engine({
      deprovision: () => {
        throw new Error('policy failed');
      },
    });

    await expect(ctx.apply(deleted, failing)).rejects.toThrow();

    await expectNoInbox(ctx, deleted.id);
    expect(await snapshot(ctx, { users: ['diruser_1'] })).toEqual(before);
    expect((await ctx.apply(deleted)).outcome).toBe('applied');
    await expectUser(ctx, 'diruser_1', { active: false });
  },

  'a transaction conflict is retried by the engine; the failed attempt leaves no claim behind': async (ctx) => {
    const { events } = ctx;
    const conflict = new AdapterError('TRANSACTION_CONFLICT', 'injected serialization failure');
    // In service mode the conflict comes after the app's create, whose row must go with the attempt.
    const faulty = injectFault(ctx.adapter, ctx.app === null ? 'upsertUsers' : 'saveLinks', conflict, { times: 1 });
    const created = events.userCreated(events.user('diruser_1', { groups: GROUPS }));

    const result = await ctx.apply(created, ctx.engine({ adapter: faulty.adapter }));

    expect(faulty.fired()).toBe(1);
    expect(result.outcome).toBe('applied');
    await expectInbox(ctx, created.id, 'applied');
    await expectUser(ctx, 'diruser_1', { active: true });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_a', 'dirgroup_b']);
    if (ctx.app !== null && ctx.adapter.capabilities.transactions) {
      const [lost, kept] = ctx.app.callsOf('create');
      // A database may give the retry the rolled-back row's id again (SQLite reuses the highest rowid).
      if (lost!.appUserId !== kept!.appUserId) {
        expect(await ctx.app.read(lost!.appUserId!), 'the app user of the attempt that lost').toBeNull();
      }
      expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toMatchObject({
        appUserId: kept!.appUserId,
      });
    }
  },

  'adapter.transaction: an error after writes to every table keeps none of them and is rethrown': tableOnly(
    async (ctx) => {
      if (!ctx.adapter.capabilities.transactions) {
        ctx.skip('the adapter declares no transactions');
      }
      const org = ctx.organizationId;
      const eventId = `evt_rollback_${org}`;
      const boom = new Error('rollback please');
      const now = new Date();

      const seen: { claimed?: boolean; event?: unknown; entities?: number } = {};

      const outcome = await ctx.adapter
        .transaction(async (store) => {
          const claimed = await store.claimEvents([
            {
              id: eventId,
              organizationId: org,
              type: 'organization.directory.user_created',
              occurredAt: '2025-06-02T08:00:00.000000001Z',
              receivedAt: now,
              status: 'pending',
              reason: null,
              payload: null,
            },
          ]);
          seen.claimed = claimed.includes(eventId);
          await store.advanceEntities(org, 'user', [
            {
              id: 'diruser_1',
              version: 1n,
              deleted: false,
              active: true,
              fingerprint: null,
              directoryRoles: null,
              eventId,
            },
          ]);
          await store.upsertUsers(org, [
            { id: 'diruser_1', organizationId: org, email: 'tx@example.com', active: true, version: 1n },
          ]);
          await store.upsertGroups(org, [{ id: 'dirgroup_1', organizationId: org, displayName: 'G', version: 1n }]);
          await store.replaceMemberships(org, [{ userId: 'diruser_1', groupIds: ['dirgroup_1'] }]);
          await store.upsertDirectory(org, { id: 'dir_1', organizationId: org, enabled: true, version: 1n });
          await store.saveSyncState({
            organizationId: org,
            directoryId: 'dir_1',
            status: 'running',
            watermark: null,
            checkpoint: null,
            lastStartedAt: now,
            lastFinishedAt: null,
            lastError: null,
            updatedAt: now,
          });
          seen.event = await store.getEvent(eventId);
          seen.entities = (await store.getEntities(org, 'user', ['diruser_1'])).length;
          throw boom;
        })
        .then(
          () => null,
          (error: unknown) => error,
        );

      expect(seen.claimed).toBe(true);
      expect(seen.event, 'reads inside the transaction see its own writes').toMatchObject({ id: eventId });
      expect(seen.entities).toBe(1);
      expect(causes(outcome)).toContain(boom);
      await expectNoInbox(ctx, eventId);
      expect(await ctx.backdoor.readEntity(org, 'user', 'diruser_1')).toBeNull();
      await expectNoUser(ctx, 'diruser_1');
      expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).toBeNull();
      expect(await ctx.backdoor.readMemberships(org, { userId: 'diruser_1' })).toEqual([]);
      expect(await ctx.backdoor.readDirectory(org, 'dir_1')).toBeNull();
      expect(await ctx.backdoor.readSyncState(org, 'dir_1')).toBeNull();
    },
  ),

  'adapter.transaction commits and resolves the callback result': tableOnly(async (ctx) => {
    const org = ctx.organizationId;
    const result = await ctx.adapter.transaction(async (store) => {
      await store.upsertUsers(org, [
        { id: 'diruser_1', organizationId: org, email: 'tx@example.com', active: true, version: 1n },
      ]);
      await store.upsertGroups(org, [{ id: 'dirgroup_1', organizationId: org, displayName: 'G', version: 1n }]);
      return 'done';
    });
    expect(result).toBe('done');
    await expectUser(ctx, 'diruser_1', { email: 'tx@example.com', active: true });
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).toMatchObject({ displayName: 'G' });
  }),

  ...serviceFailureTests,
});
