/**
 * Webhook delivery: signatures @scim/core accepts, Scalekit's retry schedule, fault injection, and an end-to-end
 * run in which the engine, fed only by deliveries, ends with the simulator's directory.
 */
import { createScimEngine, createWebhookVerifier, memoryAdapter, silentLogger } from '@scim/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SCALEKIT_RETRY_SCHEDULE_MS } from '../src/index.js';
import { type Receiver, receiver, simulator, sleep } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function setup(answer?: Parameters<typeof receiver>[0], options: Parameters<typeof simulator>[0] = {}) {
  const sim = await simulator(options);
  const endpoint = await receiver(answer);
  cleanup.push(
    () => sim.close(),
    () => endpoint.close(),
  );
  return { sim, endpoint };
}

function eventIds(endpoint: Receiver): string[] {
  return endpoint.received.map((r) => (JSON.parse(r.body) as { id: string }).id);
}

describe('deliveries', () => {
  it('POSTs every event signed with the webhook secret, in order by default with concurrency 1', async () => {
    const { sim, endpoint } = await setup(undefined, { faults: { webhooks: { concurrency: 1 } } });
    sim.webhooks.subscribe(endpoint.url);
    const { directory, userIds } = sim.state.seed({ users: 20, groups: 3, events: true });
    sim.state.updateUser(userIds[0]!, { title: 'CTO' });
    await sim.webhooks.idle({ timeoutMs: 240_000 });

    const events = sim.state.events();
    expect(eventIds(endpoint)).toEqual(events.map((e) => e.id));
    const verify = createWebhookVerifier({ secret: sim.credentials.webhookSecret });
    for (const [i, r] of endpoint.received.entries()) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-id']).toBe(events[i]!.id);
      expect(r.body).toBe(events[i]!.body);
      expect(verify(r.headers, r.body)).toMatchObject({ ok: true });
    }
    expect(sim.webhooks.stats()).toMatchObject({ delivered: 25, givenUp: 0, queued: 0, inFlight: 0, retrying: 0 });
    expect(sim.state.directory(directory.id)?.totalUsers).toBe(20);
  });

  it('filters by event type and stops after unsubscribe', async () => {
    const { sim, endpoint } = await setup();
    const sub = sim.webhooks.subscribe(endpoint.url, { events: ['organization.directory.group_created'] });
    const { directory } = sim.state.seed({ users: 5, groups: 2, events: true });
    await sim.webhooks.idle();
    expect(endpoint.received).toHaveLength(2);
    sub.unsubscribe();
    expect(sim.webhooks.subscriptions()).toEqual([]);
    sim.state.createGroup(directory.id, { displayName: 'After' });
    await sim.webhooks.idle();
    expect(endpoint.received).toHaveLength(2);
  });

  it('retries a 500 on the schedule, then succeeds', async () => {
    let calls = 0;
    const { sim, endpoint } = await setup(() => (++calls <= 2 ? 500 : 204));
    sim.webhooks.subscribe(endpoint.url);
    const org = sim.state.createOrganization();
    sim.state.createDirectory(org.id);
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    const log = sim.webhooks.log();
    expect(log.map((a) => [a.attempt, a.outcome, a.status])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 204],
    ]);
    expect(new Set(log.map((a) => a.deliveryId)).size).toBe(1);
    // Attempt 2 waits 5 s and attempt 3 30 s, times 0.001.
    expect(log[1]!.startedAt.getTime() - log[0]!.finishedAt.getTime()).toBeGreaterThanOrEqual(4);
    expect(log[2]!.startedAt.getTime() - log[1]!.finishedAt.getTime()).toBeGreaterThanOrEqual(29);
    expect(log[0]!.nextAttemptAt).not.toBeNull();
    expect(log[2]!.nextAttemptAt).toBeNull();
    expect(endpoint.received.map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(log[0]!.eventId));
  });

  it('gives up after the last attempt of the schedule', async () => {
    const { sim, endpoint } = await setup(() => 503);
    sim.webhooks.subscribe(endpoint.url);
    sim.state.createDirectory(sim.state.createOrganization().id);
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    const log = sim.webhooks.log();
    expect(log).toHaveLength(SCALEKIT_RETRY_SCHEDULE_MS.length);
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.every((a) => a.outcome === 'failed' && a.status === 503)).toBe(true);
    expect(log.at(-1)!.nextAttemptAt).toBeNull();
    expect(sim.webhooks.stats()).toMatchObject({ delivered: 0, givenUp: 1, retrying: 0 });
  });

  it('counts a network error as a failed attempt', async () => {
    const sim = await simulator({ retrySchedule: [0, 10] });
    cleanup.push(() => sim.close());
    sim.webhooks.subscribe('http://127.0.0.1:9/nothing-listens-here');
    sim.state.createDirectory(sim.state.createOrganization().id);
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    const log = sim.webhooks.log();
    expect(log).toHaveLength(2);
    expect(log.every((a) => a.outcome === 'failed' && a.status === null && a.error !== null)).toBe(true);
  });

  it('injects duplicates, reordering and lost first attempts; pause holds deliveries', async () => {
    const { sim, endpoint } = await setup(undefined, {
      faults: { webhooks: { duplicateRate: 0.5, reorderWindow: 10, dropFirstAttemptRate: 0.3, concurrency: 2 } },
    });
    sim.webhooks.subscribe(endpoint.url);
    sim.webhooks.pause();
    sim.state.seed({ users: 60, groups: 4, events: true });
    await sleep(20);
    expect(endpoint.received).toHaveLength(0);
    expect(sim.webhooks.stats().queued).toBe(65);
    sim.webhooks.resume();
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    const events = sim.state.events().map((e) => e.id);
    const received = eventIds(endpoint);
    expect(new Set(received)).toEqual(new Set(events));
    expect(received.length).toBeGreaterThan(events.length); // duplicates
    expect(received.slice(0, events.length)).not.toEqual(events); // reordered
    const log = sim.webhooks.log();
    expect(log.some((a) => a.outcome === 'dropped' && a.attempt === 1)).toBe(true);
    expect(log.some((a) => a.duplicate)).toBe(true);
    expect(log.filter((a) => a.outcome === 'dropped').every((a) => a.attempt === 1)).toBe(true);
    expect(sim.webhooks.stats().givenUp).toBe(0);
  });

  it('rejects a wait that runs out with TIMEOUT, and close() ends a pending one', async () => {
    const { sim, endpoint } = await setup(() => 500);
    sim.webhooks.subscribe(endpoint.url);
    sim.state.createDirectory(sim.state.createOrganization().id);
    await expect(sim.webhooks.idle({ timeoutMs: 1 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const waiting = sim.webhooks.idle();
    await sim.close();
    await waiting;
  });
});

describe('end to end with @scim/core', () => {
  it('the engine, fed only signed deliveries under duplicates, reordering and lost attempts, ends equal to the directory', async () => {
    const secretHolder: { secret?: string } = {};
    const adapter = memoryAdapter();
    let engine: ReturnType<typeof createScimEngine> | undefined;
    const statuses: number[] = [];
    const { sim, endpoint } = await setup(
      async (r) => {
        engine ??= createScimEngine({ adapter, webhookSecret: secretHolder.secret!, logger: silentLogger });
        const answer = await engine.handleWebhook({ headers: r.headers, rawBody: r.body });
        statuses.push(answer.status);
        return answer.status;
      },
      {
        seed: 11,
        faults: { webhooks: { duplicateRate: 0.2, reorderWindow: 16, dropFirstAttemptRate: 0.2, concurrency: 4 } },
      },
    );
    secretHolder.secret = sim.credentials.webhookSecret;
    sim.webhooks.subscribe(endpoint.url);

    const { organization, directory, userIds, groupIds } = sim.state.seed({ users: 150, groups: 12, events: true });
    const org = organization.id;
    // A day in the life of a directory, as fast as the state API allows.
    sim.state.updateUser(userIds[0]!, { title: 'VP Engineering', familyName: 'Hopper' });
    sim.state.deactivateUser(userIds[1]!);
    sim.state.deactivateUser(userIds[2]!, { event: 'user_deleted' });
    sim.state.reactivateUser(userIds[2]!);
    sim.state.deleteUser(userIds[3]!);
    sim.state.deactivateUser(userIds[4]!, { event: 'user_deleted' });
    const newGroup = sim.state.createGroup(directory.id, {
      displayName: 'Incident Response',
      memberIds: userIds.slice(5, 12),
    });
    sim.state.updateGroup(groupIds[1]!, { displayName: 'Engineering (all)' });
    sim.state.deleteGroup(groupIds[2]!);
    sim.state.addMembers(groupIds[3]!, userIds.slice(20, 30));
    sim.state.removeMembers(newGroup.id, userIds.slice(5, 7));
    sim.state.updateUser(userIds[40]!, { groupIds: [groupIds[5]!, newGroup.id] });
    const hire = sim.state.createUser(directory.id, {
      email: 'new.hire@example.com',
      givenName: 'New',
      groupIds: [newGroup.id],
    });
    for (let i = 50; i < 60; i++) sim.state.updateUser(userIds[i]!, { title: `Title ${i}` });
    await sim.webhooks.idle({ timeoutMs: 240_000 });

    const log = sim.webhooks.log();
    expect(sim.webhooks.stats().givenUp).toBe(0);
    expect(log.some((a) => a.duplicate)).toBe(true);
    expect(log.some((a) => a.outcome === 'dropped')).toBe(true);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    expect(statuses).toContain(200); // duplicates and stale deliveries were acknowledged, not applied twice

    const inspect = adapter.inspect;
    const simUsers = sim.state.users(directory.id, { includeInactive: true });
    for (const user of simUsers) {
      const stored = inspect.user(org, user.id);
      expect(stored, user.id).not.toBeNull();
      expect(stored).toMatchObject({
        email: user.email,
        givenName: user.givenName,
        familyName: user.familyName,
        title: user.title,
        active: user.active,
      });
      expect(inspect.groupIdsOfUser(org, user.id).sort()).toEqual(user.groupIds);
    }
    // Deleted users are deactivated in the app (the default policy); nobody else is there.
    expect(inspect.user(org, userIds[3]!)?.active).toBe(false);
    expect(
      inspect
        .users(org)
        .filter((u) => u.active)
        .map((u) => u.id)
        .sort(),
    ).toEqual(simUsers.filter((u) => u.active).map((u) => u.id));
    expect(inspect.user(org, hire.id)?.active).toBe(true);
    for (const group of sim.state.groups(directory.id)) {
      expect(inspect.group(org, group.id)?.displayName).toBe(group.displayName);
      expect(inspect.userIdsOfGroup(org, group.id).sort()).toEqual(sim.state.members(group.id));
    }
    expect(inspect.group(org, groupIds[2]!)).toBeNull();
  });
});
