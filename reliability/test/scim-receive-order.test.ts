import { createScimEngine, silentLogger } from '@scim/core';
import {
  createScimServer,
  engineScimStore,
  type ScimResponse,
  type ScimServer,
  type ScimStore,
  type ScimWrite,
  scimTokens,
} from '@scim/scim-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresAvailable, recreateDatabase } from '../src/pg/database.js';
import { openPgStore, type PgStore } from '../src/pg/store.js';

/**
 * Receive order on PostgreSQL, deterministically: three SCIM server instances, each with its own engine and pool
 * over one database (the Drizzle adapter); requests are held at a barrier just before their first write, so a
 * request received later commits first. The end state must equal the successful requests in receive order.
 */

const ORG = 'org_receive_order';
const available = await postgresAvailable();
const stores: PgStore[] = [];
const waiting: { entered: () => void; release: Promise<void> }[] = [];
let send: (instance: number, method: string, path: string, body?: unknown) => Promise<ScimResponse>;

/** Holds the next write (of any instance) before it reaches the database, until released. */
function hold() {
  let entered!: () => void;
  let release!: () => void;
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  waiting.push({ entered, release: new Promise<void>((resolve) => (release = resolve)) });
  return { entered: enteredPromise, release };
}

function gated(store: ScimStore): ScimStore {
  const wrapped: ScimStore = Object.create(store);
  wrapped.write = async (write: ScimWrite) => {
    const gate = write.change.type.endsWith('created') ? undefined : waiting.shift();
    if (gate !== undefined) {
      gate.entered();
      await gate.release;
    }
    return store.write(write);
  };
  return wrapped;
}

beforeAll(async () => {
  if (!available.ok) return;
  const url = await recreateDatabase('scim_reliability_receive_order');
  let token = '';
  // One clock for both instances: each request is received one millisecond after the previous one.
  let tick = Date.now();
  const now = () => {
    tick += 1;
    return new Date(tick);
  };
  const servers: ScimServer[] = [];
  for (let i = 0; i < 3; i += 1) {
    const store = openPgStore(url, { max: 3 });
    stores.push(store);
    const engine = createScimEngine({ adapter: store.adapter, directScim: true, logger: silentLogger });
    if (token === '') token = (await scimTokens(engine).issue(ORG, { label: 'order' })).token;
    servers.push(createScimServer({ store: gated(engineScimStore(engine)), now, logger: silentLogger }));
  }
  send = (instance, method, path, body) =>
    servers[instance]!.handle({
      method,
      path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
});
afterAll(() => Promise.all(stores.map((store) => store.close())));

const patchBody = (...Operations: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});
const newUser = (name: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `${name}@example.com`,
  name: { givenName: 'start', familyName: 'Test' },
});
const bodyOf = (response: ScimResponse) => response.body as Record<string, unknown>;

it.skipIf(!available.ok)('two PATCHes that lose the race to a later one do not end in commit order', async () => {
  const id = String(bodyOf(await send(0, 'POST', '/Users', newUser('subject'))).id);
  const given = (value: string) => patchBody({ op: 'Replace', path: 'name.givenName', value });
  const gate1 = hold();
  const first = send(0, 'PATCH', `/Users/${id}`, given('given-1'));
  await gate1.entered;
  const gate2 = hold();
  const second = send(1, 'PATCH', `/Users/${id}`, given('given-2'));
  await gate2.entered;
  const third = await send(2, 'PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'displayName', value: 'd3' }));
  expect(third.status).toBe(200);
  gate1.release();
  const answer1 = await first;
  gate2.release();
  const answer2 = await second;

  const applied = [
    ['given-1', answer1.status],
    ['given-2', answer2.status],
  ].filter(([, status]) => status === 200);
  const expected = applied.at(-1)?.[0] ?? 'start';
  for (const instance of [0, 1]) {
    const read = bodyOf(await send(instance, 'GET', `/Users/${id}`));
    expect((read.name as { givenName: string }).givenName).toBe(expected);
    expect(read.displayName).toBe('d3');
  }
  expect((await send(0, 'PATCH', `/Users/${id}`, given('given-1'))).status).toBe(200);
  expect((await send(1, 'PATCH', `/Users/${id}`, given('given-2'))).status).toBe(200);
  const after = bodyOf(await send(0, 'GET', `/Users/${id}`));
  expect((after.name as { givenName: string }).givenName).toBe('given-2');
  const row = (await stores[0]!.appUsers(ORG)).find((user) => user.directoryUserId === id);
  expect(row?.name).toBe('d3');
});

it.skipIf(!available.ok)(
  'a member change received before a later one for the same member does not undo it',
  async () => {
    const member = String(bodyOf(await send(0, 'POST', '/Users', newUser('member'))).id);
    const group = String(bodyOf(await send(0, 'POST', '/Groups', { displayName: 'Race', members: [] })).id);
    const rows = async () =>
      (
        await stores[0]!.pool.query<{ user_id: string }>(
          'select user_id from scim_memberships where organization_id = $1 and group_id = $2',
          [ORG, group],
        )
      ).rows.map((row) => row.user_id);
    const add = patchBody({ op: 'add', path: 'members', value: [{ value: member }] });
    const gate = hold();
    const added = send(0, 'PATCH', `/Groups/${group}`, add);
    await gate.entered;
    const removed = await send(
      1,
      'PATCH',
      `/Groups/${group}`,
      patchBody({ op: 'remove', path: `members[value eq "${member}"]` }),
    );
    expect(removed.status).toBe(204);
    gate.release();
    expect([204, 503]).toContain((await added).status);
    expect(await rows()).toEqual([]);
    expect((await send(1, 'PATCH', `/Groups/${group}`, add)).status).toBe(204);
    expect(await rows()).toEqual([member]);
  },
);
