import { createScimEngine, memoryAdapter, type ScimAdapter, silentLogger, UserRejection } from '@scim/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScimServer, engineScimStore, type ScimStore, scimTokens } from '../src/index.js';
import { scimClient, user } from './support/client.js';
import { type RunningScim, serveScim } from './support/node-server.js';

/**
 * An identity provider's initial push: many `POST /Users` at once. The engine commits concurrent creations of
 * an organization together (as it does webhook events), and each request still gets its own answer: a taken
 * userName fails only its request, a user the app refuses fails only its request, every other user is created
 * once, through the app's own function, with its hook.
 */
const ORG = 'org_push';
const REQUESTS = 20;
let running: RunningScim;
let token: string;
let transactions = 0;
let entered = 0;
let openGate!: () => void;
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});
const appUsers = new Map<string, string>();
const provisioned: string[] = [];

beforeAll(async () => {
  const memory = memoryAdapter();
  const adapter: ScimAdapter = {
    ...memory,
    transaction: (fn) => {
      transactions += 1;
      return memory.transaction(fn);
    },
  };
  const engine = createScimEngine({
    adapter,
    directScim: true,
    logger: silentLogger,
    users: {
      async create(directoryUser) {
        // Every creation waits until all the requests are in the engine: the first ones hold the transactions,
        // the rest queue behind them.
        await gate;
        if (directoryUser.email === 'refused@example.com') throw new UserRejection('the app refuses this user');
        appUsers.set(directoryUser.id, directoryUser.email ?? '');
        return directoryUser.id;
      },
      async update() {},
      async deactivate() {},
    },
    hooks: { onUserProvisioned: ({ user: provisionedUser }) => void provisioned.push(provisionedUser.id) },
  });
  token = (await scimTokens(engine).issue(ORG)).token;
  const store = engineScimStore(engine);
  const counting: ScimStore = {
    ...store,
    write: (write) => {
      entered += 1;
      if (entered === REQUESTS) openGate();
      return store.write(write);
    },
  };
  running = await serveScim(createScimServer({ store: counting, logger: silentLogger }));
});
afterAll(() => running.close());

it('concurrent POST /Users share transactions; each request keeps its own answer', async () => {
  const call = scimClient(running.baseUrl, token);
  const names = Array.from({ length: REQUESTS - 2 }, (_, i) => `pushed${i}`);
  const answers = await Promise.all([
    ...names.map((name) => call('POST', '/Users', user(name))),
    call('POST', '/Users', user('pushed0', { name: { givenName: 'Twin' } })),
    call('POST', '/Users', user('refused')),
  ]);
  const statuses = answers.map((answer) => answer.status);

  // pushed0 twice: one is created, the other is a 409 uniqueness; the refused user is a 400; the rest 201.
  expect(statuses.slice(1, REQUESTS - 2)).toEqual(Array(REQUESTS - 3).fill(201));
  expect([statuses[0], statuses[REQUESTS - 2]].sort()).toEqual([201, 409]);
  expect(statuses[REQUESTS - 1]).toBe(400);
  expect(answers[REQUESTS - 1]!.body.detail).toContain('the app refuses this user');

  const created = answers.filter((answer) => answer.status === 201).map((answer) => answer.body.id as string);
  expect(new Set(created).size).toBe(REQUESTS - 2);
  expect([...appUsers.keys()].sort()).toEqual([...created].sort());
  expect([...provisioned].sort()).toEqual([...created].sort());
  // Fewer transactions than requests: the queued creations were committed together (plus the refused user's
  // batch, written again one by one).
  expect(transactions).toBeLessThan(REQUESTS);

  const listed = await call('GET', '/Users?count=100');
  expect(listed.body.totalResults).toBe(REQUESTS - 2);
  expect(
    (await call('GET', `/Users?filter=${encodeURIComponent('userName eq "refused@example.com"')}`)).body.totalResults,
  ).toBe(0);
});
