import { silentLogger } from '@scim/core';
import { createScimServer, memoryScimStore } from '@scim/scim-server';
import { formatScimVectorTable, runScimVectors } from '@scim/scim-server/vectors';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { type ScimServerPluginOptions, scimServerPlugin } from '../src/index.js';

let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

async function setup(
  options: { prefix?: string; plugin?: Partial<ScimServerPluginOptions>; maxBodyBytes?: number } = {},
) {
  const store = memoryScimStore();
  const token = store.issueToken('org_1');
  const server = createScimServer({ store, maxBodyBytes: options.maxBodyBytes, logger: silentLogger });
  const app = Fastify({ logger: false });
  // The app's own JSON parsing and a route of its own, outside the plugin's context.
  app.post('/api/echo', async (request) => ({ echoed: request.body }));
  await app.register(scimServerPlugin, { server, logger: silentLogger, prefix: options.prefix, ...options.plugin });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return { app, store, token, address };
}

// A hundred-odd requests in one test: the time limit is for a machine busy with other work, not a target.
it('passes every SCIM vector over Fastify 5', async () => {
  const { address, token } = await setup();
  const results = await runScimVectors({ baseUrl: `${address}/scim/v2`, token });
  expect(
    results.filter((result) => !result.passed),
    formatScimVectorTable(results),
  ).toEqual([]);
});

it('serves under a prefix and base path with absolute locations, and leaves the app its JSON parser', async () => {
  const { address, token } = await setup({ prefix: '/tenant-api', plugin: { basePath: '/directory/' } });
  const created = await fetch(`${address}/tenant-api/directory/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ userName: 'prefixed@example.com' }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  expect(created.headers.get('location')).toBe(`${address}/tenant-api/directory/Users/${id}`);
  expect(created.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
  const echo = await fetch(`${address}/api/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ a: 1 }),
  });
  expect(await echo.json()).toEqual({ echoed: { a: 1 } });
});

it('answers 413 with a SCIM error past the body limit and writes nothing', async () => {
  const { app, token, store } = await setup({ maxBodyBytes: 1024 });
  const answer = await app.inject({
    method: 'POST',
    url: '/scim/v2/Users',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    payload: JSON.stringify({ userName: 'big@example.com', title: 'x'.repeat(4096) }),
  });
  expect(answer.statusCode).toBe(413);
  expect(answer.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413' });
  expect(store.writes).toHaveLength(0);
});
