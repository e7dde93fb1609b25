import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimServer, hashScimToken, type MemoryScimStore, memoryScimStore } from '../src/index.js';
import { patchBody, scimClient, user } from './support/client.js';
import { type RunningScim, serveScim } from './support/node-server.js';

let store: MemoryScimStore;
let running: RunningScim;
let now = new Date('2026-06-01T12:00:00Z');
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  store = memoryScimStore();
  tokenA = store.issueToken('org_a');
  tokenB = store.issueToken('org_b');
  running = await serveScim(createScimServer({ store, now: () => now }));
});
afterAll(() => running.close());

describe('a token reaches only its own organization', () => {
  it("answers 404 for every operation on another organization's user and group, and changes nothing", async () => {
    const a = scimClient(running.baseUrl, tokenA);
    const b = scimClient(running.baseUrl, tokenB);
    const alice = (await a('POST', '/Users', user('alice'))).body;
    const team = (await a('POST', '/Groups', { displayName: 'Team A', members: [{ value: alice.id }] })).body;
    const writes = store.writes.length;

    const attempts = [
      await b('GET', `/Users/${alice.id}`),
      await b('PUT', `/Users/${alice.id}`, user('alice', { active: false })),
      await b('PATCH', `/Users/${alice.id}`, patchBody({ op: 'replace', path: 'active', value: false })),
      await b('DELETE', `/Users/${alice.id}`),
      await b('GET', `/Groups/${team.id}`),
      await b('PATCH', `/Groups/${team.id}`, patchBody({ op: 'remove', path: 'members' })),
      await b('DELETE', `/Groups/${team.id}`),
    ];
    expect(attempts.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    // The same answer as for an id that never existed: nothing tells another tenant the resource is there.
    const never = await b('GET', '/Users/00000000-0000-4000-8000-000000000000');
    expect(attempts[0]!.body).toEqual(never.body);
    expect(store.writes.length).toBe(writes);
  });

  it("lists and filters never show another organization's resources", async () => {
    const a = scimClient(running.baseUrl, tokenA);
    const b = scimClient(running.baseUrl, tokenB);
    await a('POST', '/Users', user('carol'));
    const filtered = await b('GET', `/Users?filter=${encodeURIComponent('userName eq "carol@example.com"')}`);
    expect(filtered.body.totalResults).toBe(0);
    const all = await b('GET', '/Users');
    expect(all.body.Resources.map((r: { userName: string }) => r.userName)).not.toContain('carol@example.com');
    // The same userName is free in another organization.
    expect((await b('POST', '/Users', user('carol'))).status).toBe(201);
  });

  it("cannot add another organization's user to its own group", async () => {
    const a = scimClient(running.baseUrl, tokenA);
    const b = scimClient(running.baseUrl, tokenB);
    const dan = (await a('POST', '/Users', user('dan'))).body;
    const created = await b('POST', '/Groups', { displayName: 'Team B', members: [{ value: dan.id }] });
    expect(created.status).toBe(400);
    expect(created.body.scimType).toBe('invalidValue');
    const group = (await b('POST', '/Groups', { displayName: 'Team B2' })).body;
    const patched = await b(
      'PATCH',
      `/Groups/${group.id}`,
      patchBody({ op: 'add', path: 'members', value: [{ value: dan.id }] }),
    );
    expect(patched.status).toBe(400);
    expect(store.directory('org_b').memberships.get(group.id) ?? new Set()).not.toContain(dan.id);
  });
});

describe('bearer tokens', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['an unknown token', 'Bearer scim_not-issued'],
    ['an empty bearer', 'Bearer '],
    ['an oversized token', `Bearer ${'x'.repeat(5000)}`],
  ])('refuses %s with 401 and a Bearer challenge', async (_name, authorization) => {
    const call = scimClient(running.baseUrl, undefined);
    const answer = await call('GET', '/Users', undefined, authorization === undefined ? {} : { authorization });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(answer.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
  });

  it('refuses a token after its expiry (the end of a rotation overlap) and after revocation', async () => {
    const expiring = store.issueToken('org_a', { expiresAt: new Date('2026-06-01T13:00:00Z') });
    const call = scimClient(running.baseUrl, expiring);
    expect((await call('GET', '/Users?count=1')).status).toBe(200);
    now = new Date('2026-06-01T13:00:00Z');
    expect((await call('GET', '/Users?count=1')).status).toBe(401);
    now = new Date('2026-06-01T12:00:00Z');
    const revoked = store.issueToken('org_a');
    store.revokeToken(revoked);
    expect((await scimClient(running.baseUrl, revoked)('GET', '/Users')).status).toBe(401);
  });

  it('trusts a token found valid for tokenCacheMs, then reads it again (a revocation takes effect by then)', async () => {
    let clock = new Date('2026-06-01T12:00:00Z');
    let lookups = 0;
    const counted = {
      ...store,
      findToken: (hash: string) => {
        lookups += 1;
        return store.findToken(hash);
      },
    };
    const cached = await serveScim(createScimServer({ store: counted, now: () => clock, tokenCacheMs: 5000 }));
    const uncached = await serveScim(createScimServer({ store: counted, now: () => clock, tokenCacheMs: 0 }));
    try {
      const token = store.issueToken('org_a');
      for (let i = 0; i < 3; i += 1)
        expect((await scimClient(cached.baseUrl, token)('GET', '/Users?count=1')).status).toBe(200);
      expect(lookups).toBe(1);
      for (let i = 0; i < 3; i += 1)
        expect((await scimClient(uncached.baseUrl, token)('GET', '/Users?count=1')).status).toBe(200);
      expect(lookups).toBe(4);

      store.revokeToken(token);
      expect((await scimClient(uncached.baseUrl, token)('GET', '/Users?count=1')).status).toBe(401);
      clock = new Date(clock.getTime() + 4999);
      expect((await scimClient(cached.baseUrl, token)('GET', '/Users?count=1')).status).toBe(200);
      clock = new Date(clock.getTime() + 1);
      expect((await scimClient(cached.baseUrl, token)('GET', '/Users?count=1')).status).toBe(401);
    } finally {
      await cached.close();
      await uncached.close();
    }
  });

  it('refuses a negative tokenCacheMs', () => {
    expect(() => createScimServer({ store, tokenCacheMs: -1 })).toThrow(/tokenCacheMs/);
  });

  it('looks tokens up by their SHA-256 only', async () => {
    const seen: string[] = [];
    const spy = {
      ...store,
      findToken: async (hash: string) => {
        seen.push(hash);
        return store.findToken(hash);
      },
    };
    const server = createScimServer({ store: spy });
    await server.handle({ method: 'GET', path: '/Users', headers: { authorization: `Bearer ${tokenA}` } });
    expect(seen).toEqual([hashScimToken(tokenA)]);
    expect(seen[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});
