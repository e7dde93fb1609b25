import type { ApplyResult, ScimError, UserHookPayload } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { generateWebhookSecret } from '@scim/core/testing';
import { expect } from 'vitest';
import { batchingEngine, deliverTogether, outcomes } from '../batching-engine.js';
import type { ConformanceContext, EngineOverrides } from '../context.js';
import { defineUserSuite } from '../define-suite.js';
import { expectInbox, expectNoInbox, expectUser, groupsOf } from '../expect-state.js';
import { uniqueEmail } from '../ids.js';
import { refusing } from '../refusal.js';
import type { RawScalekitEvent } from '../scalekit-events.js';
import { failingUserWrites } from '../user-faults.js';
import { delivery } from '../webhook-delivery.js';
import { modeRejectionTests } from './rejections-modes.js';

/** A user event refused for good, recorded as rejected; resolves its payload and the values its reason must not hold. */
async function rejected(ctx: ConformanceContext, userId = 'diruser_1', overrides: EngineOverrides = {}) {
  const { events } = ctx;
  const email = uniqueEmail('refused');
  const payload = events.userCreated(
    events.user(userId, { email, given_name: 'Refusedgiven', groups: [{ id: 'dirgroup_new', name: 'New group' }] }),
  );
  const refusal = refusing(ctx, `no verified domain for ${email} (Refusedgiven)`);
  const result = await ctx.apply(payload, ctx.engine({ ...overrides, ...refusal.overrides }));
  expect(result).toMatchObject({ outcome: 'rejected', eventId: payload.id });
  return { payload, result, refusal, secrets: [email, 'Refusedgiven'] };
}

async function thrown(promise: Promise<unknown>): Promise<ScimError | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as ScimError,
  );
}

function expectWithout(text: unknown, values: readonly string[]): void {
  for (const value of values) expect(JSON.stringify(text), `"${value}" in ${String(text)}`).not.toContain(value);
}

export const rejectionsSuite = defineUserSuite('rejections', {
  'a change refused for good is recorded as rejected with its reason and payload, writes nothing else, and is answered 200':
    async (ctx) => {
      const { events } = ctx;
      const secret = generateWebhookSecret();
      const email = uniqueEmail('refused');
      const payload = events.userCreated(
        events.user('diruser_1', { email, given_name: 'Refusedgiven', groups: [{ id: 'dirgroup_new', name: 'New' }] }),
      );
      const refusal = refusing(ctx, `no verified domain for ${email} (Refusedgiven)`);
      const engine = ctx.engine({ ...refusal.overrides, webhookSecret: secret });

      const response = await engine.handleWebhook(delivery(secret, payload));

      expect(response).toMatchObject({ status: 200, body: { status: 'rejected', eventId: payload.id } });
      expect(refusal.fired()).toBeGreaterThan(0);
      const record = await ctx.backdoor.readInbox(payload.id);
      expect(record).toMatchObject({ id: payload.id, organizationId: ctx.organizationId, status: 'rejected' });
      expect(record?.reason).toMatch(new RegExp(`^${refusal.code}`));
      expect(record?.reason).toContain('no verified domain for');
      expectWithout(record?.reason, [email, 'Refusedgiven']);
      expect(JSON.parse(record?.payload ?? 'null')).toEqual(payload);
      expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toBeNull();
      expect(await ctx.backdoor.readLink(ctx.organizationId, 'diruser_1')).toBeNull();
      if (ctx.adapter.capabilities.transactions) {
        expect(await ctx.backdoor.readEntity(ctx.organizationId, 'user', 'diruser_1')).toBeNull();
        expect(await groupsOf(ctx, 'diruser_1')).toEqual([]);
        expect(await ctx.backdoor.readGroup(ctx.organizationId, 'dirgroup_new')).toBeNull();
      }
      const warned = ctx.logs.find((line) => line.level === 'warn' && line.fields?.eventId === payload.id);
      expect(warned?.fields?.code).toBe(refusal.code);
      expectWithout(ctx.logs, [email, 'Refusedgiven']);
    },

  'rejected events are listed by engine.events({ status: "rejected" }), newest first, with their reasons': async (
    ctx,
  ) => {
    // Received a second apart, so that the order is the receive time's, not the ids'.
    let second = 0;
    const clock = { now: () => new Date(Date.UTC(2025, 5, 2, 9, 0, second++)) };
    const first = await rejected(ctx, 'diruser_1', clock);
    const applied = ctx.events.userCreated(ctx.events.user('diruser_2'));
    await ctx.apply(applied, ctx.engine(clock));
    const last = await rejected(ctx, 'diruser_3', clock);
    const engine = ctx.engine();

    const listed = await engine.events({ organizationId: ctx.organizationId, status: 'rejected' });
    const all = await engine.events({ organizationId: ctx.organizationId });

    expect(listed.map((r) => r.id)).toEqual([last.payload.id, first.payload.id]);
    expect(listed.map((r) => r.reason)).toEqual([last.result.reason, first.result.reason]);
    expect(all.map((r) => r.id)).toEqual([last.payload.id, applied.id, first.payload.id]);
    expect((await engine.events({ organizationId: ctx.organizationId, limit: 1 })).map((r) => r.id)).toEqual([
      last.payload.id,
    ]);
  },

  'replay applies a rejected event once the app is fixed, runs its hooks, and then is not replayable again': async (
    ctx,
  ) => {
    const { payload } = await rejected(ctx);
    const provisioned: UserHookPayload[] = [];
    const fixed = ctx.engine({ hooks: { onUserProvisioned: (p) => void provisioned.push(p) } });

    const result = await fixed.replay(payload.id);

    expect(result).toEqual({ outcome: 'applied', eventId: payload.id, type: payload.type });
    await expectUser(ctx, 'diruser_1', { givenName: 'Refusedgiven', active: true });
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_new']);
    expect(await ctx.backdoor.readInbox(payload.id)).toMatchObject({ status: 'applied', reason: null, payload: null });
    if (ctx.adapter.capabilities.transactions) {
      // Without transactions the refused attempt left the user's version record, and the replay reads
      // as an update of a known user: onUserUpdated.
      expect(provisioned.map((p) => p.user.id)).toEqual(['diruser_1']);
    }
    expect((await thrown(fixed.replay(payload.id)))?.code).toBe('NOT_REPLAYABLE');
    expect((await ctx.apply(payload, fixed)).outcome).toBe('duplicate');
  },

  'a replay refused again keeps the event rejected, with the new reason and its payload': async (ctx) => {
    const { payload } = await rejected(ctx);
    const still = refusing(ctx, 'still no verified domain');

    const again = await ctx.engine(still.overrides).replay(payload.id);

    expect(again).toMatchObject({ outcome: 'rejected', eventId: payload.id });
    expect(again.reason).toContain('still no verified domain');
    const record = await ctx.backdoor.readInbox(payload.id);
    expect(record).toMatchObject({ status: 'rejected', reason: again.reason });
    expect(JSON.parse(record?.payload ?? 'null')).toEqual(payload);
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_1')).toBeNull();

    expect((await ctx.engine().replay(payload.id)).outcome).toBe('applied');
  },

  'a rejected event replayed after a newer change of its user is stale and changes nothing': async (ctx) => {
    const { events } = ctx;
    await ctx.apply(events.userCreated(events.user('diruser_1', { email: 'created@example.com' })));
    const refused = events.userUpdated({ id: 'diruser_1', email: 'refused@example.com' });
    const refusal = refusing(ctx, 'refused update');
    expect((await ctx.apply(refused, ctx.engine(refusal.overrides))).outcome).toBe('rejected');
    await ctx.apply(events.userUpdated({ id: 'diruser_1', email: 'newer@example.com' }));

    expect((await ctx.engine().replay(refused.id)).outcome).toBe('stale');

    await expectUser(ctx, 'diruser_1', { email: 'newer@example.com' });
    await expectInbox(ctx, refused.id, 'stale');
  },

  'a redelivery of a rejected event is a duplicate; replay of an unknown or an applied event throws': async (ctx) => {
    const { payload } = await rejected(ctx);
    const applied = ctx.events.userCreated(ctx.events.user('diruser_2'));
    await ctx.apply(applied);

    expect((await ctx.apply(payload)).outcome).toBe('duplicate');
    await expectInbox(ctx, payload.id, 'rejected');
    expect((await thrown(ctx.engine().replay(`evt_unknown_${ctx.organizationId}`)))?.code).toBe('NOT_FOUND');
    expect((await thrown(ctx.engine().replay(applied.id)))?.code).toBe('NOT_REPLAYABLE');
  },

  'a transient failure is not recorded: the delivery gets 500, nothing is kept, and the redelivery applies': async (
    ctx,
  ) => {
    const { events } = ctx;
    const secret = generateWebhookSecret();
    const failures: [unknown, string][] = [
      [new Error('database down'), 'STORAGE_FAILURE'],
      [new AdapterError('TRANSACTION_CONFLICT', 'deadlock detected'), 'TRANSACTION_CONFLICT'],
    ];
    for (const [i, [error, code]] of failures.entries()) {
      const payload: RawScalekitEvent = events.userCreated(events.user(`diruser_${i}`));
      const fault = failingUserWrites(ctx, error);
      const failing = ctx.engine({ ...fault.overrides, webhookSecret: secret, conflictRetries: 1 });

      const response = await failing.handleWebhook(delivery(secret, payload));

      expect(response, String(error)).toMatchObject({ status: 500, body: { status: 'error', code } });
      expect(fault.fired()).toBeGreaterThan(0);
      await expectNoInbox(ctx, payload.id);
      expect(await ctx.backdoor.readUser(ctx.organizationId, `diruser_${i}`)).toBeNull();
      expect(ctx.logs.some((l) => l.level === 'error' && JSON.stringify(l.fields).includes(String(code)))).toBe(true);

      const redelivered = await ctx.engine({ webhookSecret: secret }).handleWebhook(delivery(secret, payload));
      expect(redelivered).toMatchObject({ status: 201, body: { status: 'processed' } });
    }
    expect((await ctx.engine().events({ organizationId: ctx.organizationId, status: 'rejected' })).length).toBe(0);
  },

  'one refused event of a batch is recorded as rejected alone; the others are applied': async (ctx) => {
    const { events } = ctx;
    const refusal = refusing(ctx, 'refused in a batch', (id) => id === 'diruser_bad');
    const { engine } = batchingEngine(ctx, refusal.overrides);
    const first = events.userCreated(events.user('diruser_1'));
    const bad = events.userCreated(events.user('diruser_bad'));
    const last = events.userCreated(events.user('diruser_2'));

    const results = await deliverTogether(ctx, engine, [first, bad, last]);

    expect(outcomes(results)).toEqual(['applied', 'rejected', 'applied']);
    expect((results[1] as PromiseFulfilledResult<ApplyResult>).value.reason).toContain('refused in a batch');
    await expectInbox(ctx, bad.id, 'rejected');
    await expectUser(ctx, 'diruser_1', { active: true });
    await expectUser(ctx, 'diruser_2', { active: true });
    expect(await ctx.backdoor.readUser(ctx.organizationId, 'diruser_bad')).toBeNull();
  },

  ...modeRejectionTests,
});
