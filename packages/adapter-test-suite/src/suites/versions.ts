import { expect } from 'vitest';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import { expectEntity, expectInbox, expectUser, versionOf } from '../expect-state.js';

/** A millisecond-aligned instant, so the tests below can step by single nanoseconds within it. */
const MS_ALIGNED = 1_750_000_000_000n * 1_000_000n;

export const versionsSuite = defineUserSuite('versions', {
  'an older event is stale: recorded as stale, nothing else changes': async (ctx) => {
    const { events } = ctx;
    const older = events.userUpdated({ id: 'diruser_1', email: 'older@example.com' });
    const newer = events.userUpdated(events.user('diruser_1', { email: 'newer@example.com' }));
    await ctx.apply(newer);
    const before = await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1');

    const result = await ctx.apply(older);

    expect(result).toEqual({ outcome: 'stale', eventId: older.id, type: 'organization.directory.user_updated' });
    await expectInbox(ctx, older.id, 'stale');
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toEqual(before);
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(newer), eventId: newer.id });
  },

  'an event at the same version with another id is stale': async (ctx) => {
    const { events } = ctx;
    const at = events.now();
    const first = events.userCreated(events.user('diruser_1', { email: 'first@example.com' }), { at });
    const twin = events.userUpdated({ id: 'diruser_1', email: 'twin@example.com' }, { at });
    await ctx.apply(first);

    expect((await ctx.apply(twin)).outcome).toBe('stale');

    await expectInbox(ctx, twin.id, 'stale');
    await expectUser(ctx, 'diruser_1', { email: 'first@example.com' });
    await expectEntity(ctx, 'user', 'diruser_1', { version: at, eventId: first.id });
  },

  'out-of-order delivery ends on the newest state': async (ctx) => {
    const { events } = ctx;
    const sent = [1, 2, 3, 4, 5].map((n) =>
      events.userUpdated({ id: 'diruser_1', email: `v${n}@example.com`, given_name: `V${n}`, active: n % 2 === 1 }),
    );
    const order = [2, 4, 0, 3, 1];
    const outcomes: string[] = [];
    for (const i of order) outcomes.push((await ctx.apply(sent[i]!)).outcome);

    expect(outcomes).toEqual(['applied', 'applied', 'stale', 'stale', 'stale']);
    await expectUser(ctx, 'diruser_1', { email: 'v5@example.com', givenName: 'V5', active: true });
    await expectEntity(ctx, 'user', 'diruser_1', {
      version: versionOf(sent[4]!),
      eventId: sent[4]!.id,
      active: true,
    });
    for (const i of [0, 1, 3]) await expectInbox(ctx, sent[i]!.id, 'stale');
    for (const i of [2, 4]) await expectInbox(ctx, sent[i]!.id, 'applied');
  },

  'versions keep every nanosecond (no millisecond or float rounding)': async (ctx) => {
    const { events } = ctx;
    // Stored at +2 ns; an adapter that rounds to milliseconds would store +0 and let +1 through.
    const newer = events.userUpdated({ id: 'diruser_1', email: 'plus2@example.com' }, { at: MS_ALIGNED + 2n });
    const older = events.userUpdated({ id: 'diruser_1', email: 'plus1@example.com' }, { at: MS_ALIGNED + 1n });
    await ctx.apply(newer);

    expect((await ctx.apply(older)).outcome).toBe('stale');

    await expectEntity(ctx, 'user', 'diruser_1', { version: MS_ALIGNED + 2n });
    await expectUser(ctx, 'diruser_1', { email: 'plus2@example.com' });
  },

  'one nanosecond newer is newer': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'a@example.com' }, { at: MS_ALIGNED + 999_999n }));
    const next = events.userUpdated({ id: 'diruser_1', email: 'b@example.com' }, { at: MS_ALIGNED + 1_000_000n });

    expect((await ctx.apply(next)).outcome).toBe('applied');

    await expectEntity(ctx, 'user', 'diruser_1', { version: MS_ALIGNED + 1_000_000n });
    await expectUser(ctx, 'diruser_1', { email: 'b@example.com' });
  },

  'occurred_at with an offset orders by the instant, not the text': async (ctx) => {
    const { events } = ctx;
    // 10:00+02:00 is 08:00Z: older than 09:00Z although its text sorts after it.
    const newer = events.userUpdated({ id: 'diruser_1', email: 'utc@example.com' }, { at: '2025-06-02T09:00:00.5Z' });
    const older = events.userUpdated(
      { id: 'diruser_1', email: 'offset@example.com' },
      { at: '2025-06-02T10:00:00.000000001+02:00' },
    );
    await ctx.apply(newer);

    expect((await ctx.apply(older)).outcome).toBe('stale');

    await expectUser(ctx, 'diruser_1', { email: 'utc@example.com' });
    const record = await ctx.backdoor.readInbox(older.id);
    expect(record?.occurredAt).toBe('2025-06-02T10:00:00.000000001+02:00');
  },

  'groups and directories are versioned too': tableOnly(async (ctx) => {
    const { events } = ctx;
    const groupOld = events.groupUpdated({ id: 'dirgroup_1', display_name: 'Old name' });
    const groupNew = events.groupUpdated({ id: 'dirgroup_1', display_name: 'New name' });
    const dirOld = events.directoryEnabled();
    const dirNew = events.directoryDisabled();
    await ctx.apply(groupNew);
    await ctx.apply(dirNew);

    expect((await ctx.apply(groupOld)).outcome).toBe('stale');
    expect((await ctx.apply(dirOld)).outcome).toBe('stale');

    expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_1')).toMatchObject({ displayName: 'New name' });
    expect(await ctx.backdoor.readDirectory(ctx.organizationId, events.directoryId)).toMatchObject({
      enabled: false,
    });
    await expectEntity(ctx, 'group', 'dirgroup_1', { version: versionOf(groupNew) });
    await expectEntity(ctx, 'directory', events.directoryId, { version: versionOf(dirNew), active: false });
  }),
});
