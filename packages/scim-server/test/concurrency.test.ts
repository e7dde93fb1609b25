import { afterEach, expect, it } from 'vitest';
import { createScimServer, type MemoryScimStore, memoryScimStore, type ScimWrite } from '../src/index.js';
import { type Answer, patchBody, scimClient, user } from './support/client.js';
import { type RunningScim, serveScim } from './support/node-server.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let running: RunningScim[] = [];
afterEach(async () => {
  await Promise.all(running.map((server) => server.close()));
  running = [];
});

/**
 * Two app instances on one store. The first write of the request marked `held` stops before it commits until
 * the test lets it go: the other request is received later but commits first.
 */
async function twoInstances() {
  let held: { entered: () => void; release: Promise<void> } | undefined;
  const store: MemoryScimStore = memoryScimStore({
    beforeWrite: async (write: ScimWrite) => {
      const gate = held;
      if (gate === undefined || write.change.type.endsWith('created')) return;
      held = undefined;
      gate.entered();
      await gate.release;
    },
  });
  const token = store.issueToken('org_1');
  let tick = Date.parse('2026-06-01T12:00:00Z');
  // Every request is received one millisecond after the previous one, on whichever instance.
  const now = () => {
    tick += 1;
    return new Date(tick);
  };
  for (let i = 0; i < 2; i += 1) running.push(await serveScim(createScimServer({ store, now })));
  const [first, second] = running.map((server) => scimClient(server.baseUrl, token));
  /** Sends `request` on instance 1, holds its write, runs `later` on instance 2, then lets the first commit. */
  async function interleave(request: () => Promise<Answer>, later: () => Promise<Answer>) {
    let release!: () => void;
    const entered = new Promise<void>((resolve) => {
      held = { entered: resolve, release: new Promise<void>((r) => (release = r)) };
    });
    const pending = request();
    await entered;
    const laterAnswer = await later();
    release();
    return [await pending, laterAnswer] as const;
  }
  return { store, first: first!, second: second!, interleave };
}

it('a member addition that loses the race to one received later is refused; sent again, both are kept', async () => {
  const { store, first, second, interleave } = await twoInstances();
  const a = (await first('POST', '/Users', user('ann'))).body.id;
  const b = (await first('POST', '/Users', user('ben'))).body.id;
  const c = (await first('POST', '/Users', user('cal'))).body.id;
  const group = (await first('POST', '/Groups', { displayName: 'Race', members: [{ value: c }] })).body.id;
  const add = (id: string) => patchBody({ op: 'add', path: 'members', value: [{ value: id }] });

  const [early, late] = await interleave(
    () => first('PATCH', `/Groups/${group}`, add(a)),
    () => second('PATCH', `/Groups/${group}`, add(b)),
  );
  // The early request would write under a change received after it: refused, nothing written, to be resent.
  expect([early.status, late.status]).toEqual([503, 204]);
  expect(early.headers['retry-after']).toBe('1');
  expect([...store.directory('org_1').memberships.get(group)!].sort()).toEqual([b, c].sort());
  expect((await first('PATCH', `/Groups/${group}`, add(a))).status).toBe(204);
  const members = (await second('GET', `/Groups/${group}`)).body.members.map((m: { value: string }) => m.value);
  expect(members.sort()).toEqual([a, b, c].sort());
  expect([...store.directory('org_1').memberships.get(group)!].sort()).toEqual([a, b, c].sort());
  const groupWrites = store.writes.filter((write) => write.id === group);
  expect(groupWrites.map((write) => write.members)).toEqual([
    { add: [c], remove: [] },
    { add: [b], remove: [] },
    { add: [a], remove: [] },
  ]);
  // Versions follow receipt: the resend was received last.
  expect(groupWrites[2]!.version).toBeGreaterThan(groupWrites[1]!.version);
});

it('a PATCH that loses the race to one received later changes nothing; sent again, it applies on top', async () => {
  const { store, first, second, interleave } = await twoInstances();
  const id = (await first('POST', '/Users', user('dora'))).body.id;
  const early = patchBody(
    { op: 'replace', path: 'title', value: 'Early title' },
    { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Early department' },
  );
  const [refused, late] = await interleave(
    () => first('PATCH', `/Users/${id}`, early),
    () =>
      second(
        'PATCH',
        `/Users/${id}`,
        patchBody(
          { op: 'replace', path: 'title', value: 'Late title' },
          { op: 'replace', path: `${ENTERPRISE}:costCenter`, value: 'Late cost center' },
        ),
      ),
  );
  expect([refused.status, late.status]).toEqual([503, 200]);
  const between = (await first('GET', `/Users/${id}`)).body;
  expect(between.title).toBe('Late title');
  expect(between[ENTERPRISE]).toEqual({ costCenter: 'Late cost center' });

  expect((await first('PATCH', `/Users/${id}`, early)).status).toBe(200);
  const final = (await first('GET', `/Users/${id}`)).body;
  expect(final.title).toBe('Early title');
  expect(final[ENTERPRISE]).toEqual({ department: 'Early department', costCenter: 'Late cost center' });
  expect(store.directory('org_1').users.get(id)!.user).toMatchObject({
    title: 'Early title',
    department: 'Early department',
    costCenter: 'Late cost center',
  });
});

it('with If-Match the request that lost the race answers 412 and writes nothing', async () => {
  const { store, first, second, interleave } = await twoInstances();
  const created = await first('POST', '/Users', user('eli'));
  const version = created.headers.etag!;
  const writes = store.writes.length;
  const [early, late] = await interleave(
    () =>
      first('PATCH', `/Users/${created.body.id}`, patchBody({ op: 'replace', path: 'title', value: 'A' }), {
        'if-match': version,
      }),
    () =>
      second('PATCH', `/Users/${created.body.id}`, patchBody({ op: 'replace', path: 'title', value: 'B' }), {
        'if-match': version,
      }),
  );
  expect([early.status, late.status]).toEqual([412, 200]);
  expect(store.writes.length).toBe(writes + 1);
  expect((await first('GET', `/Users/${created.body.id}`)).body.title).toBe('B');
});

it('a PATCH that loses to a DELETE answers 404 and the user stays deprovisioned', async () => {
  const { store, first, second, interleave } = await twoInstances();
  const id = (await first('POST', '/Users', user('fin'))).body.id;
  const [patched, deleted] = await interleave(
    () => first('PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'active', value: true })),
    () => second('DELETE', `/Users/${id}`),
  );
  expect([patched.status, deleted.status]).toEqual([404, 204]);
  expect(store.directory('org_1').users.get(id)!.deleted).toBe(true);
});
