import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScalekitClient } from '@scalekit-sdk/node';
import {
  createScimEngine,
  type MemoryAdapter,
  memoryAdapter,
  type ScimEngine,
  type ScimEngineOptions,
  silentLogger,
} from '@scim/core';
import type { Simulator } from '@scim/simulator';
import { expect } from 'vitest';

export function clientFor(sim: Simulator): ScalekitClient {
  return new ScalekitClient(sim.url, sim.credentials.clientId, sim.credentials.clientSecret);
}

export function engineFor(
  sim: Simulator,
  options: Partial<ScimEngineOptions> & { adapter?: MemoryAdapter } = {},
): { engine: ScimEngine; adapter: MemoryAdapter } {
  const adapter = options.adapter ?? memoryAdapter();
  const engine = createScimEngine({
    logger: silentLogger,
    webhookSecret: sim.credentials.webhookSecret,
    scalekit: clientFor(sim),
    sync: { retryBaseMs: 5 },
    ...options,
    adapter,
  });
  return { engine, adapter };
}

/**
 * Asserts that the app's store mirrors the simulator's directory: every active directory user is
 * an active app user with the same fields and exactly the same groups; every other app user of
 * the organization is inactive or gone.
 */
export function expectMirror(sim: Simulator, adapter: MemoryAdapter, organizationId: string, directoryId: string) {
  const directoryUsers = sim.state.users(directoryId, { includeInactive: false });
  const expected = new Map(directoryUsers.map((u) => [u.id, u]));
  const mismatches: string[] = [];
  for (const user of directoryUsers) {
    const stored = adapter.inspect.user(organizationId, user.id);
    if (stored === null) {
      mismatches.push(`${user.id}: missing`);
      continue;
    }
    if (!stored.active) mismatches.push(`${user.id}: inactive`);
    if (stored.email !== user.email) mismatches.push(`${user.id}: email ${stored.email} != ${user.email}`);
    if ((stored.givenName ?? null) !== user.givenName) mismatches.push(`${user.id}: givenName`);
    if ((stored.familyName ?? null) !== user.familyName) mismatches.push(`${user.id}: familyName`);
    if (stored.username !== user.username) mismatches.push(`${user.id}: username`);
    const groups = adapter.inspect.groupIdsOfUser(organizationId, user.id);
    const directoryGroups = [...user.groupIds].sort();
    if (groups.join() !== directoryGroups.join()) {
      mismatches.push(`${user.id}: groups [${groups}] != [${directoryGroups}]`);
    }
  }
  for (const stored of adapter.inspect.users(organizationId)) {
    if (!expected.has(stored.id) && stored.active) mismatches.push(`${stored.id}: active but not in the directory`);
  }
  for (const group of sim.state.groups(directoryId)) {
    const stored = adapter.inspect.group(organizationId, group.id);
    if (stored === null) mismatches.push(`${group.id}: group missing`);
    else if (stored.displayName !== group.displayName) mismatches.push(`${group.id}: group name`);
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
}

/** A real HTTP server whose webhook route hands the raw body to `engine.handleWebhook`. */
export async function webhookServer(engine: ScimEngine): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      engine.handleWebhook({ headers: req.headers, rawBody: Buffer.concat(chunks) }).then((answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/scalekit`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
