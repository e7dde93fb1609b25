/**
 * Starting and stopping: close() leaves nothing running, and the CLI prints its environment and stops on a signal.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.js';
import { clientOf, listAllUsers, receiver, sleep, startCli } from './helpers.js';

/** Counts of active handle kinds; timers of the test runner itself come and go, so they are compared too. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function extra(before: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of resources())
    if (n > (before.get(kind) ?? 0)) out.push(`${kind} +${n - (before.get(kind) ?? 0)}`);
  return out;
}

describe('close()', () => {
  it('leaves no handle open: server, client sessions, webhook connections and pending retries', async () => {
    const endpoint = await receiver(() => 500);
    await sleep(10);
    const before = resources();

    const sim = await startSimulator({ seed: 1, timeScale: 1 });
    const { organization, directory } = sim.state.seed({ users: 100, groups: 5 });
    const client = clientOf(sim);
    expect((await listAllUsers(client, organization.id, directory.id)).users).toHaveLength(100);
    sim.webhooks.subscribe(endpoint.url);
    sim.state.updateUser(sim.state.users(directory.id)[0]!.id, { title: 'x' });
    // The first attempt fails; the retry is 5 s away (time scale 1) when close() comes.
    while (sim.webhooks.stats().retrying === 0) await sleep(5);
    expect(extra(before)).not.toEqual([]);

    await sim.close();
    await sim.close(); // idempotent
    let left = extra(before);
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await sleep(10);
      left = extra(before);
    }
    expect(left).toEqual([]);
    expect(sim.webhooks.stats()).toMatchObject({ retrying: 0, queued: 0, inFlight: 0 });
    expect(() => sim.webhooks.subscribe(endpoint.url)).toThrow(/closed/);
    await endpoint.close();
  });
});

describe('the scim-simulator CLI', () => {
  it('prints the SCALEKIT_* variables, serves the SDK, and stops cleanly on SIGTERM', async () => {
    const { child, env, organizationId, directoryId } = await startCli(['--port', '0', '--seed', '9', '--users', '45']);
    expect(Object.keys(env)).toEqual([
      'SCALEKIT_ENVIRONMENT_URL',
      'SCALEKIT_CLIENT_ID',
      'SCALEKIT_CLIENT_SECRET',
      'SCALEKIT_WEBHOOK_SECRET',
    ]);
    expect(env.SCALEKIT_ENVIRONMENT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.SCALEKIT_WEBHOOK_SECRET).toMatch(/^whsec_/);

    const { ScalekitClient } = await import('@scalekit-sdk/node');
    const client = new ScalekitClient(
      env.SCALEKIT_ENVIRONMENT_URL!,
      env.SCALEKIT_CLIENT_ID!,
      env.SCALEKIT_CLIENT_SECRET!,
    );
    expect((await listAllUsers(client, organizationId, directoryId)).users).toHaveLength(45);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
