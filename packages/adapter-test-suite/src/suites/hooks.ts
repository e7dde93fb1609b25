import type { GroupChangedPayload, UserDeprovisionedPayload, UserHookPayload } from '@scim/core';
import { expect } from 'vitest';
import { defineUserSuite } from '../define-suite.js';
import { expectUser, versionOf } from '../expect-state.js';
import { failingUserWrites } from '../user-faults.js';

export const hooksSuite = defineUserSuite('hooks', {
  'onUserProvisioned runs after commit with the written user': async (ctx) => {
    const { events } = ctx;
    const calls: { payload: UserHookPayload; inbox: unknown; user: unknown }[] = [];
    const engine = ctx.engine({
      hooks: {
        onUserProvisioned: async (payload) => {
          calls.push({
            payload,
            inbox: await ctx.backdoor.readInbox(payload.event?.id ?? ''),
            user: await ctx.backdoor.readUser(payload.organizationId, payload.user.id),
          });
        },
      },
    });
    const created = events.userCreated(events.user('diruser_1', { email: 'hook@example.com' }));

    await ctx.apply(created, engine);

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.payload).toMatchObject({
      organizationId: ctx.organizationId,
      source: 'webhook',
      user: { id: 'diruser_1', email: 'hook@example.com', active: true, version: versionOf(created) },
    });
    expect(call?.payload.event?.id).toBe(created.id);
    // Committed before the hook ran: visible to another connection, with its final status.
    expect(call?.inbox).toMatchObject({ id: created.id, status: 'applied' });
    expect(call?.user).toMatchObject({ id: 'diruser_1', email: 'hook@example.com', active: true });
  },

  'onUserUpdated gets updates; duplicates and stale events run no hook': async (ctx) => {
    const { events } = ctx;
    const updates: UserHookPayload[] = [];
    let provisioned = 0;
    const engine = ctx.engine({
      hooks: { onUserUpdated: (p) => void updates.push(p), onUserProvisioned: () => void provisioned++ },
    });
    const created = events.userCreated(events.user('diruser_1'));
    const stale = events.userUpdated({ id: 'diruser_1', email: 'stale@example.com' });
    const updated = events.userUpdated({ id: 'diruser_1', email: 'new@example.com' });
    await ctx.apply(created, engine);
    await ctx.apply(updated, engine);

    await ctx.apply(created, engine);
    await ctx.apply(updated, engine);
    await ctx.apply(stale, engine);

    expect(provisioned).toBe(1);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      organizationId: ctx.organizationId,
      user: { id: 'diruser_1', email: 'new@example.com' },
    });
  },

  'onUserDeprovisioned tells the action and the reason': async (ctx) => {
    const { events } = ctx;
    const calls: UserDeprovisionedPayload[] = [];
    const hooks = { onUserDeprovisioned: (p: UserDeprovisionedPayload) => void calls.push(p) };
    const deactivating = ctx.engine({ hooks });
    const deleting = ctx.engine({ hooks, deprovision: 'delete' });
    for (const id of ['diruser_1', 'diruser_2']) await ctx.apply(events.userCreated(events.user(id)), deactivating);

    await ctx.apply(events.userUpdated({ id: 'diruser_1', active: false }), deactivating);
    await ctx.apply(events.userDeleted({ id: 'diruser_2' }), deleting);

    expect(calls.map((c) => [c.userId, c.action, c.reason])).toEqual([
      ['diruser_1', 'deactivate', 'deactivated'],
      ['diruser_2', 'delete', 'deleted'],
    ]);
    for (const call of calls) expect(call).toMatchObject({ organizationId: ctx.organizationId, source: 'webhook' });
  },

  'onGroupChanged lists the members a group deletion affected': async (ctx) => {
    const { events } = ctx;
    const calls: GroupChangedPayload[] = [];
    const engine = ctx.engine({ hooks: { onGroupChanged: (p) => void calls.push(p) } });
    const groups = [{ id: 'dirgroup_1', name: 'One' }];
    await ctx.apply(events.groupCreated({ id: 'dirgroup_1', display_name: 'One' }), engine);
    await ctx.apply(events.userCreated(events.user('diruser_1', { groups })), engine);
    await ctx.apply(events.userCreated(events.user('diruser_2', { groups })), engine);
    await ctx.apply(events.groupUpdated({ id: 'dirgroup_1', display_name: 'Uno' }), engine);

    await ctx.apply(events.groupDeleted({ id: 'dirgroup_1' }), engine);

    expect(calls.map((c) => c.change)).toEqual(['created', 'updated', 'deleted']);
    expect([...(calls[2]?.affectedUserIds ?? [])].sort()).toEqual(['diruser_1', 'diruser_2']);
    expect(calls[2]).toMatchObject({ organizationId: ctx.organizationId, group: { id: 'dirgroup_1' } });
  },

  'onUnknownEvent gets the raw type': async (ctx) => {
    const seen: string[] = [];
    const engine = ctx.engine({ hooks: { onUnknownEvent: (p) => void seen.push(`${p.organizationId}:${p.type}`) } });
    await ctx.apply(ctx.events.event('organization.directory.brand_new', {}), engine);
    expect(seen).toEqual([`${ctx.organizationId}:organization.directory.brand_new`]);
  },

  'a hook that throws does not lose the change': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({
      hooks: {
        onUserProvisioned: () => {
          throw new Error('app hook failed');
        },
      },
    });
    const created = events.userCreated(events.user('diruser_1'));

    expect((await ctx.apply(created, engine)).outcome).toBe('applied');

    await expectUser(ctx, 'diruser_1', { active: true });
    expect(await ctx.backdoor.readInbox(created.id)).toMatchObject({ status: 'applied' });
    expect(ctx.logs.some((line) => line.level === 'error' || line.level === 'warn')).toBe(true);
  },

  'no hook runs when the change fails': async (ctx) => {
    const { events } = ctx;
    let ran = 0;
    const fault = failingUserWrites(ctx, new Error('injected'));
    const engine = ctx.engine({ ...fault.overrides, hooks: { onUserProvisioned: () => void ran++ } });

    await expect(ctx.apply(events.userCreated(events.user('diruser_1')), engine)).rejects.toThrow();

    expect(fault.fired()).toBeGreaterThan(0);
    expect(ran).toBe(0);
  },
});
