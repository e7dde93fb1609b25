import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimServer, memoryScimStore } from '../src/index.js';
import { scimClient, user } from './support/client.js';
import { counting } from './support/counting.js';
import { type RunningScim, serveScim } from './support/node-server.js';

const store = memoryScimStore();
const counted = counting(store);
const token = store.issueToken('org_calls');
let running: RunningScim;

beforeAll(async () => {
  running = await serveScim(createScimServer({ store: counted.store }));
});
afterAll(() => running.close());

describe('a creation reads nothing it can know', () => {
  it('POST /Users is one write: the userName is checked by the write, a new user is in no group', async () => {
    const call = scimClient(running.baseUrl, token);
    counted.take();
    const created = await call('POST', '/Users', user('ada'));
    expect(created.status).toBe(201);
    expect(counted.take().calls).toEqual({ write: 1 });
    expect(created.body.groups).toBeUndefined();
    expect((await call('GET', `/Users/${created.body.id}`)).body).toEqual(created.body);

    const writes = store.writes.length;
    counted.take();
    const taken = await call('POST', '/Users', user('ada', { name: { givenName: 'Other' } }));
    expect(taken.status).toBe(409);
    expect(taken.body.scimType).toBe('uniqueness');
    expect(counted.take().calls).toEqual({ write: 1 });
    expect(store.writes.length).toBe(writes);
  });
});
