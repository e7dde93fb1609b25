import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimServer, type MemoryScimStore, memoryScimStore } from '../src/index.js';
import { formatScimVectorTable, runScimVectors, scimVectors } from '../src/vectors/index.js';
import { directoryFailures } from './support/directory.js';
import { type RunningScim, serveScim } from './support/node-server.js';

const ORG = 'org_vectors';
let store: MemoryScimStore;
let token: string;
let running: RunningScim;

beforeAll(async () => {
  store = memoryScimStore();
  token = store.issueToken(ORG);
  running = await serveScim(createScimServer({ store }));
});
afterAll(() => running.close());

describe.each(scimVectors.map((vector) => [vector.id, vector] as const))('%s', (_id, vector) => {
  it(`${vector.title} (over HTTP, then the engine's view)`, async () => {
    let directory: string[] = [];
    const [result] = await runScimVectors({
      baseUrl: running.baseUrl,
      token,
      vectors: [vector],
      afterVector: (_vector, variables) => {
        directory = directoryFailures(store.directory(ORG), vector.directory ?? [], variables);
      },
    });
    expect(result!.failures, formatScimVectorTable([result!])).toEqual([]);
    expect(directory).toEqual([]);
  });
});

it('cleans up after itself: the vectors leave no user or group behind', async () => {
  const users = await store.query({ organizationId: ORG, resourceType: 'User', filter: null, offset: 0, limit: 0 });
  const groups = await store.query({ organizationId: ORG, resourceType: 'Group', filter: null, offset: 0, limit: 0 });
  expect([users.total, groups.total]).toEqual([0, 0]);
});
