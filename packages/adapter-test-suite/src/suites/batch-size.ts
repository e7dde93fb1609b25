import { expect } from 'vitest';
import { type RecordingAdapter, recordCalls } from '../call-recorder.js';
import type { ConformanceContext } from '../context.js';
import { defineUserSuite } from '../define-suite.js';
import { expectUser } from '../expect-state.js';
import { syncFixture } from '../sync-fixture.js';

/** Small enough that every path below has more items than this to write. */
const MAX_BATCH_SIZE = 3;

function recording(ctx: ConformanceContext): RecordingAdapter {
  return recordCalls(ctx.adapter, { maxBatchSize: MAX_BATCH_SIZE });
}

/** The calls past the declared limit, listed so that a failure names each one. */
function expectWithinLimit(recorder: RecordingAdapter): void {
  const over = recorder.calls
    .filter((call) => call.items > MAX_BATCH_SIZE)
    .map((call) => `${call.path}: ${call.method} with ${call.items} items`);
  expect(over, `store calls with more than maxBatchSize (${MAX_BATCH_SIZE}) items`).toEqual([]);
  expect(recorder.calls.length, 'the calls were recorded').toBeGreaterThan(0);
}

const GROUPS = Array.from({ length: 5 }, (_, i) => ({ id: `dirgroup_${i}`, name: `Group ${i}` }));

export const batchSizeSuite = defineUserSuite('batch-size', {
  'group commit: no store call carries more than maxBatchSize items': async (ctx) => {
    if (!ctx.adapter.capabilities.transactions) ctx.skip('events are applied in batches only with transactions');
    const { events } = ctx;
    const recorder = recording(ctx);
    const engine = ctx.engine({ adapter: recorder.adapter, eventBatching: { concurrency: 1, maxEvents: 64 } });
    const payloads = Array.from({ length: 10 }, (_, i) =>
      events.userCreated(events.user(`diruser_${i}`, { groups: GROUPS.slice(i % 2, (i % 2) + 4) })),
    );
    recorder.during('group commit of 11 deliveries');

    // The first delivery keeps the one transaction busy; the ten made meanwhile wait for it, together.
    const blocker = ctx.apply(events.userCreated(events.user('diruser_blocker', { groups: GROUPS })), engine);
    const results = await Promise.all(payloads.map((payload) => ctx.apply(payload, engine)));

    expect((await blocker).outcome).toBe('applied');
    expect(results.map((r) => r.outcome)).toEqual(payloads.map(() => 'applied'));
    for (let i = 0; i < 10; i++) await expectUser(ctx, `diruser_${i}`, { active: true });
    expectWithinLimit(recorder);
  },

  "directoryDisabled 'deactivate-users': no store call carries more than maxBatchSize items": async (ctx) => {
    const { events } = ctx;
    const recorder = recording(ctx);
    const engine = ctx.engine({
      adapter: recorder.adapter,
      directoryDisabled: 'deactivate-users',
      eventBatching: false,
    });
    for (let i = 0; i < 8; i++) await ctx.apply(events.userCreated(events.user(`diruser_${i}`)), engine);
    recorder.calls.length = 0;
    recorder.during('directory_disabled over 8 active users');

    expect((await ctx.apply(events.directoryDisabled(), engine)).outcome).toBe('applied');

    for (let i = 0; i < 8; i++) await expectUser(ctx, `diruser_${i}`, { active: false });
    expectWithinLimit(recorder);
  },

  'a sync: no store call carries more than maxBatchSize items': async (ctx) => {
    const fixture = syncFixture(ctx);
    const recorder = recording(ctx);
    const engine = fixture.engine({ adapter: recorder.adapter });
    for (const group of GROUPS) fixture.directory.putGroup({ id: group.id, displayName: group.name });
    const users = fixture.putUsers('diruser', 10, (i) => GROUPS.slice(i % 2, (i % 2) + 4).map((g) => g.id));
    recorder.during('full sync of 10 users in 5 groups');
    await fixture.sync({}, engine);
    for (const id of users.slice(0, 6)) fixture.directory.removeUser(id);
    for (const group of GROUPS.slice(0, 4)) fixture.directory.removeGroup(group.id);
    recorder.during('full sync removing 6 users and 4 groups');

    const report = await fixture.sync({ force: true }, engine);

    expect(report.users).toMatchObject({ listed: 4, deactivated: 6 });
    expect(report.groups).toMatchObject({ listed: 1, deleted: 4 });
    expectWithinLimit(recorder);
  },
});
