import { expect } from 'vitest';
import { batchingEngine, deliverTogether, outcomes } from '../batching-engine.js';
import { defineUserSuite } from '../define-suite.js';
import { expectInbox, expectNoInbox, expectUser, groupsOf } from '../expect-state.js';

const ONE = { id: 'dirgroup_1', name: 'One' };
const TWO = { id: 'dirgroup_2', name: 'Two' };

export const batchesSuite = defineUserSuite('batches', {
  'events that wait are applied in one transaction, in arrival order, each answered on its own': async (ctx) => {
    const { events } = ctx;
    const { engine, transactions } = batchingEngine(ctx);
    await ctx.apply(events.userCreated(events.user('diruser_3', { email: 'three@example.com' })), engine);
    const before = transactions();

    const a = events.userCreated(events.user('diruser_1', { groups: [ONE, TWO] }));
    const b = events.userCreated(events.user('diruser_2', { groups: [ONE] }));
    const older = events.userUpdated({ id: 'diruser_3', email: 'old3@example.com', groups: [TWO] });
    const newer = events.userUpdated({ id: 'diruser_3', email: 'new3@example.com', groups: [ONE] });
    const again = events.userUpdated({ id: 'diruser_1', given_name: 'Again', groups: [ONE, TWO] });
    const groupGone = events.groupDeleted({ id: TWO.id, display_name: TWO.name });
    const late = events.userCreated(events.user('diruser_4', { groups: [ONE, TWO] }));

    const results = await deliverTogether(ctx, engine, [a, b, newer, older, again, b, groupGone, late]);

    expect(outcomes(results)).toEqual([
      'applied',
      'applied',
      'applied',
      'stale',
      'applied',
      'duplicate',
      'applied',
      'applied',
    ]);
    expect(transactions() - before, 'the first delivery alone, then the 8 that waited, together').toBe(2);
    await expectUser(ctx, 'diruser_1', { givenName: 'Again', active: true });
    await expectUser(ctx, 'diruser_3', { email: 'new3@example.com' });
    // The group deletion came after the users that named it, and before the last one.
    for (const id of ['diruser_1', 'diruser_2', 'diruser_3', 'diruser_4'])
      expect(await groupsOf(ctx, id)).toEqual([ONE.id]);
    expect(await ctx.backdoor.readGroup(ctx.organizationId, TWO.id)).toBeNull();
    for (const event of [a, b, newer, again, groupGone, late]) await expectInbox(ctx, event.id, 'applied');
    await expectInbox(ctx, older.id, 'stale');
  },

  'one failing event of a batch fails alone: the others are applied, their hooks run once': async (ctx) => {
    const { events } = ctx;
    const provisioned: string[] = [];
    const { engine, transactions } = batchingEngine(ctx, {
      deprovision: ({ userId }) => {
        if (userId === 'diruser_bad') throw new Error('policy refuses');
        return 'deactivate';
      },
      hooks: { onUserProvisioned: ({ user }) => void provisioned.push(user.id) },
    });
    const first = events.userCreated(events.user('diruser_1', { groups: [ONE] }));
    const bad = events.userCreated(events.user('diruser_bad', { active: false }));
    const last = events.userCreated(events.user('diruser_2', { groups: [ONE] }));

    const results = await deliverTogether(ctx, engine, [first, bad, last]);

    expect(outcomes(results)).toEqual(['applied', 'rejected', 'applied']);
    const failure = results[1] as PromiseRejectedResult;
    // The app's policy threw: a configuration mistake, not a storage failure.
    expect(failure.reason).toMatchObject({
      code: 'CONFIGURATION_ERROR',
      cause: expect.objectContaining({ message: 'policy refuses' }),
    });
    // The first delivery; the batch of three, rolled back; then each of the three alone.
    expect(transactions()).toBe(5);
    expect(provisioned.sort()).toEqual(['diruser_1', 'diruser_2', 'diruser_blocker']);
    await expectUser(ctx, 'diruser_1', { active: true });
    await expectUser(ctx, 'diruser_2', { active: true });
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_bad')).toBeNull();
    await expectNoInbox(ctx, bad.id);
    await expectInbox(ctx, first.id, 'applied');
    await expectInbox(ctx, last.id, 'applied');
  },

  'roles in a batch: mapped from the event groups, or from the stored memberships when the event has none': async (
    ctx,
  ) => {
    const { events } = ctx;
    const admins = { id: 'dirgroup_admins', name: 'Admins' };
    const { engine, transactions } = batchingEngine(ctx, {
      groupRoles: { dirgroup_admins: 'admin' },
      defaultRoles: ['member'],
    });
    await ctx.apply(events.userCreated(events.user('diruser_5', { groups: [admins] })), engine);
    const before = transactions();

    const rolesOnly = events.userUpdated({ id: 'diruser_5', roles: [{ role_name: 'auditor' }] });
    const admin = events.userCreated(events.user('diruser_6', { groups: [admins] }));
    const plain = events.userCreated(events.user('diruser_7', { groups: [ONE] }));

    const results = await deliverTogether(ctx, engine, [rolesOnly, admin, plain]);

    expect(outcomes(results)).toEqual(['applied', 'applied', 'applied']);
    expect(transactions() - before).toBe(2);
    await expectUser(ctx, 'diruser_5', { roles: ['auditor', 'admin'] });
    await expectUser(ctx, 'diruser_6', { roles: ['admin'] });
    await expectUser(ctx, 'diruser_7', { roles: ['member'] });
  },

  'a slow hook holds back its own delivery and the later ones of its user, not the others of the batch': async (
    ctx,
  ) => {
    const { events } = ctx;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let started!: () => void;
    const slowHookStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const ran: string[] = [];
    const { engine, transactions } = batchingEngine(ctx, {
      hooks: {
        onUserProvisioned: async ({ user }) => {
          ran.push(`provisioned ${user.id}`);
          if (user.id !== 'diruser_slow') return;
          started();
          await gate;
        },
        onUserUpdated: ({ user }) => void ran.push(`updated ${user.id}`),
      },
    });
    const blocker = ctx.apply(events.userCreated(events.user('diruser_blocker')), engine);
    const [slow, other, slowAgain] = [
      events.userCreated(events.user('diruser_slow')),
      events.userCreated(events.user('diruser_other')),
      events.userUpdated({ id: 'diruser_slow', given_name: 'Later' }),
    ].map((payload) => ctx.apply(payload, engine));
    const settled = { slow: false, other: false };
    void slow!.finally(() => {
      settled.slow = true;
    });
    void other!.finally(() => {
      settled.other = true;
    });

    // The batch is committed once the slow hook runs; the other user's answer then needs no I/O, only
    // a few turns of the event loop (in arrival order it would wait for the gate).
    await Promise.race([slowHookStarted, slow]);
    for (let turn = 0; turn < 20 && !settled.other; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled.other, 'the other user is answered while the slow hook runs').toBe(true);
    expect((await other!).outcome).toBe('applied');
    expect(settled.slow).toBe(false);
    expect(ran, 'the same user: its update hook waits for its provision hook').not.toContain('updated diruser_slow');
    open();
    expect((await slow!).outcome).toBe('applied');
    expect((await slowAgain!).outcome).toBe('applied');
    expect((await blocker).outcome).toBe('applied');
    expect(transactions(), 'the first delivery alone, then the three together').toBe(2);
    expect(ran.indexOf('provisioned diruser_slow')).toBeLessThan(ran.indexOf('updated diruser_slow'));
    await expectUser(ctx, 'diruser_slow', { givenName: 'Later' });
  },

  'events of several organizations are batched per organization and each land in their own': async (ctx) => {
    const { events } = ctx;
    const other = ctx.organization();
    const { engine, transactions } = batchingEngine(ctx);

    const payloads = [
      events.userCreated(events.user('diruser_1', { email: 'mine@example.com', groups: [ONE] })),
      other.userCreated(other.user('diruser_1', { email: 'theirs@example.com', groups: [TWO] })),
      other.userUpdated({ id: 'diruser_1', email: 'theirs2@example.com', groups: [TWO] }),
      events.userCreated(events.user('diruser_2', { groups: [ONE] })),
    ];
    const results = await deliverTogether(ctx, engine, payloads);

    expect(outcomes(results)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(transactions(), 'the first delivery, then one batch per organization').toBe(3);
    await expectUser(ctx, 'diruser_1', { email: 'mine@example.com' });
    await expectUser(ctx, 'diruser_1', { email: 'theirs2@example.com' }, other.organizationId);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([ONE.id]);
  },

  'deletions in a batch: deprovisioned with their hooks; a user deleted then re-created ends active': async (ctx) => {
    const { events } = ctx;
    const deprovisioned: string[] = [];
    const { engine, transactions } = batchingEngine(ctx, {
      hooks: { onUserDeprovisioned: ({ userId, action }) => void deprovisioned.push(`${userId}:${action}`) },
    });
    for (const id of ['diruser_1', 'diruser_2', 'diruser_3']) {
      await ctx.apply(events.userCreated(events.user(id, { groups: [ONE] })), engine);
    }
    const before = transactions();

    const results = await deliverTogether(ctx, engine, [
      events.userDeleted({ id: 'diruser_1' }),
      events.userUpdated({ id: 'diruser_2', given_name: 'Two' }),
      events.userDeleted({ id: 'diruser_3' }),
      events.userCreated(events.user('diruser_3', { groups: [TWO] })),
      events.userDeleted({ id: 'diruser_never' }),
    ]);

    expect(outcomes(results)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(transactions() - before).toBe(2);
    await expectUser(ctx, 'diruser_1', { active: false });
    await expectUser(ctx, 'diruser_2', { active: true, givenName: 'Two' });
    await expectUser(ctx, 'diruser_3', { active: true });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([]);
    expect(await groupsOf(ctx, 'diruser_2')).toEqual([ONE.id]);
    expect(await groupsOf(ctx, 'diruser_3')).toEqual([TWO.id]);
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_never')).toBeNull();
    expect(deprovisioned.sort()).toEqual(['diruser_1:deactivate', 'diruser_3:deactivate']);
  },

  'a group re-created after a user event that named it does not give the user that membership': async (ctx) => {
    const { events } = ctx;
    const { engine, transactions } = batchingEngine(ctx);
    await ctx.apply(events.groupCreated({ id: ONE.id, display_name: ONE.name }), engine);
    await ctx.apply(events.groupDeleted({ id: ONE.id, display_name: ONE.name }), engine);
    const before = transactions();

    // In this order, the user event finds the group deleted; the group comes back afterwards.
    const named = events.userCreated(events.user('diruser_1', { groups: [ONE, TWO] }));
    const recreated = events.groupCreated({ id: ONE.id, display_name: 'One again' });
    const unrelated = events.groupUpdated({ id: TWO.id, display_name: 'Two renamed' });
    const results = await deliverTogether(ctx, engine, [named, recreated, unrelated]);

    expect(outcomes(results)).toEqual(['applied', 'applied', 'applied']);
    expect(transactions() - before).toBe(2);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([TWO.id]);
    expect(await ctx.backdoor.readGroup(ctx.organizationId, ONE.id)).toMatchObject({ displayName: 'One again' });
    expect(await ctx.backdoor.readGroup(ctx.organizationId, TWO.id)).toMatchObject({ displayName: 'Two renamed' });
  },
});
