import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScimServer, type MemoryScimStore, memoryScimStore } from '../src/index.js';
import { patchBody, scimClient } from './support/client.js';
import { counting } from './support/counting.js';
import { type RunningScim, serveScim } from './support/node-server.js';

const ORG = 'org_big';
const RECEIVED = new Date('2026-06-01T12:00:00Z');

/** Seeds users (and a group of the first `members` of them) through the port, as an adapter would hold them. */
async function seed(store: MemoryScimStore, users: number, groupId: string, members: number) {
  // Seeded a minute before the requests are received: a request writes only over older versions.
  const version = BigInt(RECEIVED.getTime() - 60_000) * 1_000_000n;
  const ids: string[] = [];
  for (let i = 0; i < users; i += 1) {
    const id = `u${String(i).padStart(6, '0')}`;
    ids.push(id);
    const attributes = { userName: `${id}@example.com`, active: true };
    await store.write({
      organizationId: ORG,
      resourceType: 'User',
      id,
      expectedVersion: null,
      version,
      receivedAt: RECEIVED,
      resource: {
        attributes,
        index: { userName: `${id}@example.com`, externalId: null, displayName: null, emails: [], active: true },
        created: RECEIVED,
        lastModified: RECEIVED,
      },
      members: null,
      change: { type: 'user_created', user: { id, organizationId: ORG } },
    });
  }
  await store.write({
    organizationId: ORG,
    resourceType: 'Group',
    id: groupId,
    expectedVersion: null,
    version,
    receivedAt: RECEIVED,
    resource: {
      attributes: { displayName: groupId },
      index: { userName: null, externalId: null, displayName: groupId, emails: [], active: null },
      created: RECEIVED,
      lastModified: RECEIVED,
    },
    members: { add: ids.slice(0, members), remove: [] },
    change: { type: 'group_created', group: { id: groupId, organizationId: ORG } },
  });
  return ids;
}

const store = memoryScimStore();
const counted = counting(store);
const token = store.issueToken(ORG);
let running: RunningScim;
let ids: string[];

beforeAll(async () => {
  ids = await seed(store, 51_000, 'big', 50_000);
  await seed(store, 0, 'small', 0);
  running = await serveScim(createScimServer({ store: counted.store, now: () => RECEIVED }));
});
afterAll(() => running.close());

const added = () => ids.slice(50_000, 51_000);
const removed = () => ids.slice(0, 1_000);

async function memberChange(groupId: string) {
  const call = scimClient(running.baseUrl, token);
  counted.take();
  const add = await call(
    'PATCH',
    `/Groups/${groupId}`,
    patchBody({ op: 'add', path: 'members', value: added().map((value) => ({ value })) }),
  );
  const addCost = counted.take();
  const remove = await call(
    'PATCH',
    `/Groups/${groupId}`,
    patchBody(...removed().map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` }))),
  );
  const removeCost = counted.take();
  expect([add.status, remove.status]).toEqual([204, 204]);
  return { addCost, removeCost };
}

it('adding and removing 1,000 members costs the same store work for a 50,000-member group as for an empty one', async () => {
  const big = await memberChange('big');
  expect(big.addCost).toEqual({
    calls: { existingIds: 1, get: 1, write: 1 },
    ids: { existingIds: 1_000, get: 0, write: 1_000 },
  });
  expect(big.removeCost.calls.listMembers).toBeUndefined();
  expect(big.removeCost.ids.write).toBe(1_000);
  const small = await memberChange('small');
  expect(small).toEqual(big);
  const members = store.directory(ORG).memberships.get('big')!;
  expect(members.size).toBe(50_000);
  expect(members.has(ids[0]!)).toBe(false);
  expect(members.has(ids[50_999]!)).toBe(true);
});

it('GET with excludedAttributes=members never reads the member rows; a plain GET pages through them', async () => {
  const call = scimClient(running.baseUrl, token);
  counted.take();
  const lookup = await call(
    'GET',
    `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "big"')}`,
  );
  expect(lookup.body.Resources).toEqual([expect.not.objectContaining({ members: expect.anything() })]);
  const single = await call('GET', '/Groups/big?excludedAttributes=members');
  expect(single.body.members).toBeUndefined();
  expect(counted.take().calls).toEqual({ query: 1, get: 1 });
  const full = await call('GET', '/Groups/big');
  expect(full.body.members).toHaveLength(50_000);
  expect(counted.take().calls).toEqual({ get: 1, listMembers: 51 });
});
