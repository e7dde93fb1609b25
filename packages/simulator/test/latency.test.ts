/**
 * `latencyMs`: a far-away Scalekit, one round trip a request, seen through the real SDK. Only lower bounds on
 * elapsed time are checked (a busy machine makes everything slower, never faster); that calls do not queue
 * is shown by the order of their answers.
 */
import { once } from 'node:events';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SeedResult, Simulator } from '../src/index.js';
import { clientOf, simulator, startCli } from './helpers.js';

// Node's timers may fire up to a millisecond before performance.now() says the delay has passed.
const TIMER_SLACK_MS = 2;

let sim: Simulator | undefined;
afterEach(() => sim?.close());

async function seeded(latencyMs: number): Promise<{ sim: Simulator; seed: SeedResult }> {
  sim = await simulator({ faults: { api: { latencyMs } } });
  return { sim, seed: sim.state.seed({ users: 40, groups: 5 }) };
}

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Resolves once `sim` holds `count` requests waiting out their latency. */
function waiting(s: Simulator, count: number): Promise<void> {
  return vi.waitFor(() => expect(s.api.stats().waitingOutLatency).toBe(count), { timeout: 240_000, interval: 5 });
}

describe('latencyMs', () => {
  it("costs the SDK's first call three round trips: the call without a token, the token request, the call again", async () => {
    const { sim, seed } = await seeded(150);
    const client = clientOf(sim);
    const first = await elapsed(() =>
      client.directory.listDirectoryUsers(seed.organization.id, seed.directory.id, { pageSize: 10 }),
    );
    expect(sim.api.stats()).toMatchObject({ calls: 2, unauthenticated: 1, tokensIssued: 1 });
    expect(first).toBeGreaterThanOrEqual(3 * 150 - TIMER_SLACK_MS);

    const next = await elapsed(() =>
      client.directory.listDirectoryGroups(seed.organization.id, seed.directory.id, { pageSize: 10 }),
    );
    expect(next).toBeGreaterThanOrEqual(150 - TIMER_SLACK_MS);
    expect(sim.api.stats().waitingOutLatency).toBe(0);
  });

  it('changes at run time through setFaults, for the requests that arrive after', async () => {
    const { sim, seed } = await seeded(0);
    const client = clientOf(sim);
    const list = () => client.directory.listDirectoryUsers(seed.organization.id, seed.directory.id, { pageSize: 10 });
    await list();
    sim.api.setFaults({ latencyMs: 250 });
    expect(await elapsed(list)).toBeGreaterThanOrEqual(250 - TIMER_SLACK_MS);
    expect(sim.api.faults.latencyMs).toBe(250);
  });

  it('delays concurrent calls side by side, each its own round trip', async () => {
    const { sim, seed } = await seeded(0);
    const client = clientOf(sim);
    const list = (pageSize: number) =>
      client.directory.listDirectoryUsers(seed.organization.id, seed.directory.id, { pageSize });
    await list(1); // authenticated from here on
    sim.api.setFaults({ latencyMs: 200 });
    const start = performance.now();
    const calls = [1, 2, 3, 4, 5].map(async (n) => {
      const page = await list(n);
      return { users: page.users.length, ms: performance.now() - start };
    });
    await waiting(sim, 5);
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.users)).toEqual([1, 2, 3, 4, 5]);
    for (const { ms } of answers) expect(ms).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
  });

  it('answers a later request with a shorter delay first: no queue, and the event loop is free meanwhile', async () => {
    const { sim, seed } = await seeded(0);
    const client = clientOf(sim);
    const list = () => client.directory.listDirectoryUsers(seed.organization.id, seed.directory.id, { pageSize: 10 });
    await list();

    // The token endpoint is delayed too: a request held there for a minute, abortable, stands in for a slow call.
    sim.api.setFaults({ latencyMs: 60_000 });
    const abort = new AbortController();
    let slowSettled = false;
    const slow = fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: abort.signal,
    }).finally(() => {
      slowSettled = true;
    });
    await waiting(sim, 1);

    sim.api.setFaults({ latencyMs: 20 });
    expect((await list()).users).toHaveLength(10);
    expect(slowSettled).toBe(false);
    expect(sim.api.stats()).toMatchObject({ waitingOutLatency: 1, tokensIssued: 1, tokenRequestsRefused: 0 });

    abort.abort();
    await expect(slow).rejects.toThrow();
  });

  it('close() drops the requests still waiting', async () => {
    const { sim } = await seeded(60_000);
    const outcome = fetch(`${sim.url}/oauth/token`, { method: 'POST', body: '' }).then(
      () => 'answered',
      () => 'dropped',
    );
    await waiting(sim, 1);
    await sim.close();
    expect(sim.api.stats().waitingOutLatency).toBe(0);
    expect(await outcome).toBe('dropped');
  });

  it('is checked', async () => {
    const { sim } = await seeded(0);
    expect(() => sim.api.setFaults({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => sim.api.setFaults({ latencyMs: Number.NaN })).toThrow(/latencyMs/);
    await expect(simulator({ faults: { api: { latencyMs: Number.POSITIVE_INFINITY } } })).rejects.toThrow(/latencyMs/);
  });
});

describe('scim-simulator --api-latency', () => {
  it('delays every request of the SDK by that many ms', async () => {
    const cli = await startCli(['--port', '0', '--seed', '3', '--users', '12', '--api-latency', '120']);
    try {
      expect(cli.comments.join('\n')).toMatch(/120 ms/);
      const { env } = cli;
      const client = new ScalekitClient(
        env.SCALEKIT_ENVIRONMENT_URL!,
        env.SCALEKIT_CLIENT_ID!,
        env.SCALEKIT_CLIENT_SECRET!,
      );
      const ms = await elapsed(() =>
        client.directory.listDirectoryUsers(cli.organizationId, cli.directoryId, { pageSize: 100 }),
      );
      expect(ms).toBeGreaterThanOrEqual(3 * 120 - TIMER_SLACK_MS);
    } finally {
      cli.child.kill('SIGTERM');
      await once(cli.child, 'exit');
    }
  });

  it('refuses a latency that is not a number >= 0', async () => {
    const cli = await startCli(['--port', '0', '--api-latency', 'soon']);
    const code = cli.child.exitCode ?? (await once(cli.child, 'exit'))[0];
    expect(code).toBe(2);
    expect(cli.stderr()).toContain('--api-latency must be a number >= 0');
  });
});
