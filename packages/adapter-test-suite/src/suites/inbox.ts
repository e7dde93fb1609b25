import { expect } from 'vitest';
import { defineSuite } from '../define-suite.js';
import { expectEntity, expectInbox, expectUser, versionOf } from '../expect-state.js';

export const inboxSuite = defineSuite('inbox', {
  'the inbox record keeps id, organization, type, occurred_at as sent and the receive time': async (ctx) => {
    const { events } = ctx;
    const receivedAt = new Date('2025-06-02T09:30:15.123Z');
    const engine = ctx.engine({ now: () => receivedAt });
    const created = events.userCreated(events.user('diruser_1'), { at: 1_748_853_000_123_456_789n });

    await ctx.apply(created, engine);

    const record = await ctx.backdoor.readInbox(created.id);
    expect(record).toMatchObject({
      id: created.id,
      organizationId: ctx.organizationId,
      type: 'organization.directory.user_created',
      occurredAt: '2025-06-02T08:30:00.123456789Z',
      receivedAt,
      status: 'applied',
      reason: null,
      payload: null,
    });
  },

  'a repeated event id is a duplicate and changes nothing': async (ctx) => {
    const { events } = ctx;
    const created = events.userCreated(events.user('diruser_1', { email: 'first@example.com' }));
    await ctx.apply(created);
    const inboxBefore = await ctx.backdoor.readInbox(created.id);

    const again = await ctx.apply(created);
    // Same id, different content and a later time: still the same delivery as far as the inbox goes.
    const forged = events.userUpdated(
      { id: 'diruser_1', email: 'second@example.com', active: false },
      { id: created.id, at: events.now() + 10_000_000_000n },
    );
    const forgedResult = await ctx.apply(forged);

    expect(again).toEqual({ outcome: 'duplicate', eventId: created.id, type: 'organization.directory.user_created' });
    expect(forgedResult.outcome).toBe('duplicate');
    await expectUser(ctx, 'diruser_1', { email: 'first@example.com', active: true });
    await expectEntity(ctx, 'user', 'diruser_1', { version: versionOf(created), eventId: created.id, active: true });
    expect(await ctx.backdoor.readInbox(created.id)).toEqual(inboxBefore);
  },

  'an unknown event type is acknowledged and recorded with its payload': async (ctx) => {
    const { events } = ctx;
    const unknown = events.event(
      'organization.directory.user_suspended',
      { id: 'diruser_1', organization_id: ctx.organizationId, reason: 'policy' },
      { object: 'DirectoryUser' },
    );

    const result = await ctx.apply(unknown);

    expect(result).toEqual({
      outcome: 'unknown_type',
      eventId: unknown.id,
      type: 'organization.directory.user_suspended',
    });
    const record = await ctx.backdoor.readInbox(unknown.id);
    expect(record).toMatchObject({
      id: unknown.id,
      organizationId: ctx.organizationId,
      type: 'organization.directory.user_suspended',
      occurredAt: unknown.occurred_at,
      status: 'unknown_type',
    });
    expect(typeof record?.payload).toBe('string');
    expect(JSON.parse(record?.payload ?? 'null')).toEqual(unknown);
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toBeNull();
  },

  'an unknown event delivered twice is a duplicate': async (ctx) => {
    const unknown = ctx.events.event('organization.directory.something_new', { anything: [1, 2, 3] });
    expect((await ctx.apply(unknown)).outcome).toBe('unknown_type');
    expect((await ctx.apply(unknown)).outcome).toBe('duplicate');
    await expectInbox(ctx, unknown.id, 'unknown_type');
  },

  'a large unknown payload is kept whole': async (ctx) => {
    const big = { blob: 'é'.repeat(20_000), nested: { list: Array.from({ length: 200 }, (_, i) => `item-${i}`) } };
    const unknown = ctx.events.event('organization.directory.bulk_thing', big);
    await ctx.apply(unknown);
    const record = await ctx.backdoor.readInbox(unknown.id);
    expect(JSON.parse(record?.payload ?? 'null')).toEqual(unknown);
  },

  'every known type is recorded with its own status': async (ctx) => {
    const { events } = ctx;
    const payloads = [
      events.directoryEnabled(),
      events.groupCreated({ id: 'dirgroup_1', display_name: 'One' }),
      events.userCreated(events.user('diruser_1', { groups: [{ id: 'dirgroup_1', name: 'One' }] })),
      events.userUpdated({ id: 'diruser_1', email: 'u@example.com' }),
      events.userDeleted({ id: 'diruser_1' }),
      events.groupUpdated({ id: 'dirgroup_1', display_name: 'Uno' }),
      events.groupDeleted({ id: 'dirgroup_1' }),
      events.directoryDisabled(),
    ];
    for (const payload of payloads) {
      expect((await ctx.apply(payload)).outcome, payload.type).toBe('applied');
      const record = await ctx.backdoor.readInbox(payload.id);
      expect(record, payload.type).toMatchObject({
        type: payload.type,
        status: 'applied',
        reason: null,
        payload: null,
      });
    }
  },
});
