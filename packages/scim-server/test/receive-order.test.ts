import { createScimEngine, memoryAdapter, silentLogger } from '@scim/core';
import { describe, expect, it } from 'vitest';
import {
  createScimServer,
  engineScimStore,
  memoryScimStore,
  type ScimResponse,
  type ScimStore,
  type ScimWrite,
  scimTokens,
} from '../src/index.js';
import { patchBody, user } from './support/client.js';

/**
 * Receive order, deterministically: requests are held at a barrier just before their first write, so a request
 * received later commits first. The rule checked: the end state equals the requests answered with success,
 * applied in receive order; a request answered with an error changed nothing.
 */

interface Gate {
  entered: Promise<void>;
  release: () => void;
}

/** The store, with the next writes (one per `hold()`) stopped before they reach it until released. */
function gatedStore(store: ScimStore) {
  const waiting: { entered: () => void; release: Promise<void> }[] = [];
  const gated: ScimStore = Object.create(store);
  gated.write = async (write: ScimWrite) => {
    const gate = write.change.type.endsWith('created') ? undefined : waiting.shift();
    if (gate !== undefined) {
      gate.entered();
      await gate.release;
    }
    return store.write(write);
  };
  const hold = (): Gate => {
    let entered!: () => void;
    let release!: () => void;
    const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    waiting.push({ entered, release: released });
    return { entered: enteredPromise, release };
  };
  return { store: gated, hold };
}

type Setup = () => Promise<{ store: ScimStore; token: string }>;

const setups: [string, Setup][] = [
  [
    "the scim-server's memory store",
    async () => {
      const store = memoryScimStore();
      return { store, token: store.issueToken('org_1') };
    },
  ],
  [
    "core's memory adapter through the engine's apply path",
    async () => {
      const engine = createScimEngine({ adapter: memoryAdapter(), directScim: true, logger: silentLogger });
      const token = (await scimTokens(engine).issue('org_1', { label: 'order' })).token;
      return { store: engineScimStore(engine), token };
    },
  ],
];

describe.each(setups)('receive order on %s', (_name, setup) => {
  /** Three instances on one store: each request names the instance that receives it. */
  async function twoInstances() {
    const { store: base, token } = await setup();
    const { store, hold } = gatedStore(base);
    let tick = Date.parse('2026-06-01T12:00:00Z');
    // Each request is received one millisecond after the previous one, whichever instance takes it.
    const now = () => {
      tick += 1;
      return new Date(tick);
    };
    const instances = [0, 1, 2].map(() => createScimServer({ store, now, logger: silentLogger }));
    const send = (instance: number, method: string, path: string, body?: unknown): Promise<ScimResponse> =>
      instances[instance]!.handle({
        method,
        path,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    return { send, hold };
  }
  const bodyOf = (response: ScimResponse) => response.body as Record<string, unknown>;

  it('two PATCHes that lose the race to a later one do not end in commit order', async () => {
    const { send, hold } = await twoInstances();
    const id = String(bodyOf(await send(0, 'POST', '/Users', user('subject'))).id);
    const given = (value: string) => patchBody({ op: 'Replace', path: 'name.givenName', value });

    // 1 and 2 are received first and held before their write; 3, received last, commits first.
    const gate1 = hold();
    const first = send(0, 'PATCH', `/Users/${id}`, given('given-1'));
    await gate1.entered;
    const gate2 = hold();
    const second = send(1, 'PATCH', `/Users/${id}`, given('given-2'));
    await gate2.entered;
    const third = await send(
      2,
      'PATCH',
      `/Users/${id}`,
      patchBody({ op: 'replace', path: 'displayName', value: 'd3' }),
    );
    expect(third.status).toBe(200);
    gate1.release();
    const answer1 = await first;
    gate2.release();
    const answer2 = await second;

    // Receive order: 1, 2, 3. The last successful givenName by receive order must be the one stored.
    const applied = [
      ['given-1', answer1.status],
      ['given-2', answer2.status],
    ].filter(([, status]) => status === 200);
    const expected = applied.at(-1)?.[0] ?? 'subject';
    const read = bodyOf(await send(1, 'GET', `/Users/${id}`));
    expect((read.name as { givenName: string }).givenName).toBe(expected);
    expect(read.displayName).toBe('d3');
    // The requests that were refused changed nothing and tell the identity provider to send them again.
    for (const answer of [answer1, answer2]) {
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) expect(answer.headers['retry-after']).toBeDefined();
    }

    // Sent again, in order: each is a new receipt, the last one wins.
    expect((await send(0, 'PATCH', `/Users/${id}`, given('given-1'))).status).toBe(200);
    expect((await send(1, 'PATCH', `/Users/${id}`, given('given-2'))).status).toBe(200);
    const after = bodyOf(await send(0, 'GET', `/Users/${id}`));
    expect((after.name as { givenName: string }).givenName).toBe('given-2');
    expect(after.displayName).toBe('d3');
  });

  it('a PATCH that loses the race to an earlier-received one is decided again on top of it, keeping its version', async () => {
    const { send, hold } = await twoInstances();
    const id = String(bodyOf(await send(0, 'POST', '/Users', user('subject'))).id);
    // 1 is received first and 2 second; both are held before their write; 1 commits first, then 2 re-reads.
    const gate1 = hold();
    const first = send(0, 'PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'title-1' }));
    await gate1.entered;
    const gate2 = hold();
    const second = send(1, 'PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'displayName', value: 'd2' }));
    await gate2.entered;
    gate1.release();
    const answer1 = await first;
    gate2.release();
    const answer2 = await second;
    expect([answer1.status, answer2.status]).toEqual([200, 200]);
    const read = await send(0, 'GET', `/Users/${id}`);
    expect(bodyOf(read)).toMatchObject({ title: 'title-1', displayName: 'd2' });
    // The version is the second request's receive version (above the first's), not the first's plus one.
    expect(read.headers.etag).toBe(answer2.headers.etag);
    const versionOf = (etag: string | undefined) => BigInt(/"(\d+)"/.exec(etag ?? '')![1]!);
    expect(versionOf(answer2.headers.etag) - versionOf(answer1.headers.etag)).toBe(1_000_000n);
  });

  it('on one instance, writes of one resource wait for each other in receive order: none is refused', async () => {
    const { send, hold } = await twoInstances();
    const id = String(bodyOf(await send(0, 'POST', '/Users', user('subject'))).id);
    const given = (value: string) => patchBody({ op: 'replace', path: 'name.givenName', value });
    const gate = hold();
    const first = send(0, 'PATCH', `/Users/${id}`, given('given-1'));
    await gate.entered;
    // Received while the first is between its read and its write: it waits for the first, then goes.
    const second = send(0, 'PATCH', `/Users/${id}`, given('given-2'));
    gate.release();
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    const read = bodyOf(await send(1, 'GET', `/Users/${id}`));
    expect((read.name as { givenName: string }).givenName).toBe('given-2');
  });

  it('a member change received before a later one for the same member does not undo the later one', async () => {
    const { send, hold } = await twoInstances();
    const member = String(bodyOf(await send(0, 'POST', '/Users', user('member'))).id);
    const group = String(bodyOf(await send(0, 'POST', '/Groups', { displayName: 'Race', members: [] })).id);
    const membersOf = async () => {
      const read = bodyOf(await send(1, 'GET', `/Groups/${group}`));
      return ((read.members as { value: string }[] | undefined) ?? []).map((m) => m.value);
    };

    // The add is received first, the remove later; the remove commits first.
    const gate = hold();
    const add = send(
      0,
      'PATCH',
      `/Groups/${group}`,
      patchBody({ op: 'add', path: 'members', value: [{ value: member }] }),
    );
    await gate.entered;
    const remove = await send(
      1,
      'PATCH',
      `/Groups/${group}`,
      patchBody({ op: 'remove', path: `members[value eq "${member}"]` }),
    );
    expect(remove.status).toBe(204);
    gate.release();
    const added = await add;
    expect([204, 503]).toContain(added.status);
    // The last successful change for the member by receive order is the remove (the add, if it succeeded, came first).
    expect(await membersOf()).toEqual([]);

    // Sent again, the add is a new receipt after the remove.
    expect(
      (
        await send(
          0,
          'PATCH',
          `/Groups/${group}`,
          patchBody({ op: 'add', path: 'members', value: [{ value: member }] }),
        )
      ).status,
    ).toBe(204);
    expect(await membersOf()).toEqual([member]);
  });
});
