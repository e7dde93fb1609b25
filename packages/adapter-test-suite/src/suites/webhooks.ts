import { generateWebhookSecret } from '@scim/core/testing';
import { expect } from 'vitest';
import { defineUserSuite } from '../define-suite.js';
import { expectInbox, expectNoInbox, expectUser } from '../expect-state.js';
import { delivery } from '../webhook-delivery.js';

export const webhooksSuite = defineUserSuite('webhooks', {
  'a signed delivery is applied (201); its redelivery is a duplicate (200)': async (ctx) => {
    const { events } = ctx;
    const secret = generateWebhookSecret();
    const engine = ctx.engine({ webhookSecret: secret });
    const created = events.userCreated(events.user('diruser_1', { email: 'hook@example.com' }));
    const request = delivery(secret, created);

    const first = await engine.handleWebhook(request);
    const second = await engine.handleWebhook({ ...request, rawBody: new TextEncoder().encode(request.rawBody) });

    expect(first).toMatchObject({ status: 201, body: { status: 'processed', eventId: created.id } });
    expect(second).toMatchObject({ status: 200, body: { status: 'duplicate', eventId: created.id } });
    await expectUser(ctx, 'diruser_1', { email: 'hook@example.com', active: true });
    await expectInbox(ctx, created.id, 'applied');
  },

  'a delivery with a bad signature writes nothing': async (ctx) => {
    const { events } = ctx;
    const engine = ctx.engine({ webhookSecret: generateWebhookSecret() });
    const created = events.userCreated(events.user('diruser_1'));

    const response = await engine.handleWebhook(delivery(generateWebhookSecret(), created));

    expect(response.status).toBe(400);
    await expectNoInbox(ctx, created.id);
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toBeNull();
  },

  'a stale delivery is acknowledged (200) and recorded': async (ctx) => {
    const { events } = ctx;
    const secret = generateWebhookSecret();
    const engine = ctx.engine({ webhookSecret: secret });
    const older = events.userUpdated({ id: 'diruser_1', email: 'older@example.com' });
    await engine.handleWebhook(delivery(secret, events.userCreated(events.user('diruser_1'))));

    const response = await engine.handleWebhook(delivery(secret, older));

    expect(response).toMatchObject({ status: 200, body: { status: 'stale' } });
    await expectInbox(ctx, older.id, 'stale');
  },
});
