import type { DirectoryChangedPayload } from '@scim/core';
import { expect } from 'vitest';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import { expectEntity, expectUser, versionOf } from '../expect-state.js';

export const directoriesSuite = defineUserSuite('directories', {
  'directory_enabled and directory_disabled are recorded': tableOnly(async (ctx) => {
    const { events } = ctx;
    const enabled = events.directoryEnabled({ provider: 'OKTA', directory_type: 'SCIM', status: 'IN_PROGRESS' });
    expect((await ctx.apply(enabled)).outcome).toBe('applied');
    expect(await ctx.backdoor.readDirectory(ctx.organizationId, events.directoryId)).toMatchObject({
      organizationId: ctx.organizationId,
      id: events.directoryId,
      enabled: true,
      provider: 'OKTA',
      directoryType: 'SCIM',
      status: 'IN_PROGRESS',
    });
    await expectEntity(ctx, 'directory', events.directoryId, { version: versionOf(enabled), active: true });

    const disabled = events.directoryDisabled({ status: 'DISABLED' });
    expect((await ctx.apply(disabled)).outcome).toBe('applied');
    expect(await ctx.backdoor.readDirectory(ctx.organizationId, events.directoryId)).toMatchObject({
      enabled: false,
      provider: 'OKTA',
      status: 'DISABLED',
    });
    await expectEntity(ctx, 'directory', events.directoryId, { version: versionOf(disabled), active: false });
  }),

  'by default directory_disabled leaves users as they are': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1')));
    await ctx.apply(events.directoryDisabled());
    await expectUser(ctx, 'diruser_1', { active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { active: true });
  },

  "'deactivate-users' deactivates the organization's active users, and only those": async (ctx) => {
    const { events } = ctx;
    const other = ctx.organization();
    const payloads: DirectoryChangedPayload[] = [];
    const engine = ctx.engine({
      directoryDisabled: 'deactivate-users',
      hooks: { onDirectoryChanged: (payload) => void payloads.push(payload) },
    });
    for (const id of ['diruser_1', 'diruser_2']) await ctx.apply(events.userCreated(events.user(id)), engine);
    await ctx.apply(events.userCreated(events.user('diruser_3', { active: false })), engine);
    await ctx.apply(other.userCreated(other.user('diruser_1')), engine);
    const disabled = events.directoryDisabled();

    expect((await ctx.apply(disabled, engine)).outcome).toBe('applied');

    for (const id of ['diruser_1', 'diruser_2', 'diruser_3']) {
      await expectUser(ctx, id, { active: false });
      await expectEntity(ctx, 'user', id, { active: false, deleted: false });
    }
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(disabled) });
    await expectUser(ctx, 'diruser_1', { active: true }, other.organizationId);
    expect(payloads).toHaveLength(1);
    expect([...(payloads[0]?.deactivatedUserIds ?? [])].sort()).toEqual(['diruser_1', 'diruser_2']);
  },

  'after a deactivate-users disable, older user events are stale and newer ones apply': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ directoryDisabled: 'deactivate-users' });
    await ctx.apply(events.userCreated(events.user('diruser_1')), engine);
    const older = events.userUpdated({ id: 'diruser_1', active: true, email: 'older@example.com' });
    await ctx.apply(events.directoryDisabled(), engine);

    expect((await ctx.apply(older, engine)).outcome).toBe('stale');
    await expectUser(ctx, 'diruser_1', { active: false });

    await ctx.apply(events.directoryEnabled(), engine);
    const newer = events.userUpdated({ id: 'diruser_1', active: true, email: 'newer@example.com' });
    expect((await ctx.apply(newer, engine)).outcome).toBe('applied');
    await expectUser(ctx, 'diruser_1', { active: true, email: 'newer@example.com' });
  },

  'a late directory_enabled does not undo a newer disable': tableOnly(async (ctx) => {
    const { events } = ctx;
    const enabled = events.directoryEnabled();
    await ctx.apply(events.directoryDisabled());

    expect((await ctx.apply(enabled)).outcome).toBe('stale');

    expect(await ctx.backdoor.readDirectory(ctx.organizationId, events.directoryId)).toMatchObject({
      enabled: false,
    });
  }),
});
