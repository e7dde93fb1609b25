import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ScimAdapter } from '../adapter/contract.js';
import { memoryAdapter } from '../adapter/memory-adapter.js';
import { createScimEngine } from '../create-engine.js';
import { silentLogger } from '../logger.js';
import { leaseOwner } from './lease.js';
import type { DirectoryApiClient } from './types.js';

const ORG = 'org_leases';
const T0 = new Date('2026-01-05T10:00:00.000Z');

/** A directory whose user listing waits for `release()`: the sync holds its lease meanwhile. */
function blockedDirectory() {
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const client: DirectoryApiClient = {
    directory: {
      listDirectories: async () => ({ directories: [{ id: 'dir_1', organizationId: ORG, enabled: true }] }),
      listDirectoryUsers: async () => {
        entered();
        await gate;
        return { users: [], totalSize: 0, nextPageToken: '' };
      },
      listDirectoryGroups: async () => ({ groups: [], totalSize: 0, nextPageToken: '' }),
    },
  };
  return { client, inside, release };
}

describe('sync leases', () => {
  it('an owner names the host and the process, and differs from one attempt to the next', () => {
    const owner = leaseOwner();
    expect(owner.startsWith(`${hostname().slice(0, 120)}:${process.pid}:`)).toBe(true);
    expect(owner).toMatch(/:[0-9a-f]{8}$/);
    expect(leaseOwner()).not.toBe(owner);
  });

  it('engine.syncLeases names the instance running a sync, until when, and nothing once it ended', async () => {
    const adapter = memoryAdapter();
    const directory = blockedDirectory();
    const engine = createScimEngine({
      adapter,
      scalekit: directory.client,
      logger: silentLogger,
      now: () => T0,
      sync: { leaseTtlMs: 90_000 },
    });
    const sync = engine.sync({ organizationId: ORG });
    await directory.inside;

    const holders = await engine.syncLeases(ORG, ['dir_1', 'dir_other']);
    expect(holders).toEqual([
      {
        directoryId: 'dir_1',
        owner: expect.stringMatching(/:[0-9a-f]{8}$/),
        expiresAt: new Date(T0.getTime() + 90_000),
      },
    ]);
    expect(holders![0]!.owner.startsWith(`${hostname().slice(0, 120)}:${process.pid}:`)).toBe(true);
    // The same directory id in another organization is another lease.
    expect(await engine.syncLeases('org_elsewhere', ['dir_1'])).toEqual([]);
    expect(await engine.syncLeases(ORG, [])).toEqual([]);

    directory.release();
    await sync;
    expect(await engine.syncLeases(ORG, ['dir_1'])).toEqual([]);
  });

  it('is null over an adapter without getLeases', async () => {
    const { getLeases: _dropped, ...legacy } = memoryAdapter();
    const engine = createScimEngine({ adapter: legacy as ScimAdapter, logger: silentLogger });
    expect(await engine.syncLeases(ORG, ['dir_1'])).toBeNull();
  });
});
