import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger } from '@scim/core';
import { createScimServer, memoryScimStore } from '@scim/scim-server';
import { formatScimVectorTable, runScimVectors, scimVectors } from '@scim/scim-server/vectors';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScimServerRouteOptions, scimServerRoute } from '../src/index.js';
import { send } from './deliveries.js';
import { listen, type RunningServer } from './servers.js';

interface TestApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
}

type JsonParser = (options?: Record<string, unknown>) => unknown;

const majors = [
  { name: 'Express 5', app: () => express5() as unknown as TestApp, json: express5.json as JsonParser },
  { name: 'Express 4', app: () => express4() as unknown as TestApp, json: express4.json as JsonParser },
];

let running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.map((server) => server.close()));
  running = [];
});

describe.each(majors)('$name', (major) => {
  async function setup(
    options: { mount?: string; parserFirst?: boolean; route?: ScimServerRouteOptions; maxBodyBytes?: number } = {},
  ) {
    const store = memoryScimStore();
    const token = store.issueToken('org_1');
    const scim = createScimServer({ store, maxBodyBytes: options.maxBodyBytes, logger: silentLogger });
    const app = major.app();
    if (options.parserFirst) app.use(major.json({ type: ['application/json', 'application/scim+json'], limit: '1mb' }));
    const route = scimServerRoute(scim, { logger: silentLogger, ...options.route });
    if (options.mount === undefined) app.use(route);
    else app.use(options.mount, route);
    app.use(major.json());
    app.get('/api/ping', (_req: unknown, res: { json(body: unknown): void }) => res.json({ pong: true }));
    const server = await listen(app);
    running.push(server);
    return { store, token, server };
  }

  // A hundred-odd requests in one test: the time limit is for a machine busy with other work, not a target.
  it('passes every SCIM vector with the route mounted before the app parsers', async () => {
    const { server, token } = await setup();
    const results = await runScimVectors({ baseUrl: `${server.url}/scim/v2`, token });
    expect(
      results.filter((result) => !result.passed),
      formatScimVectorTable(results),
    ).toEqual([]);
  });

  it("passes the vectors behind the app's own JSON parser (bad-input ones aside: that parser answers those)", async () => {
    const { server, token } = await setup({ parserFirst: true });
    const vectors = scimVectors.filter((vector) => vector.id !== 'protocol-bad-input');
    const results = await runScimVectors({ baseUrl: `${server.url}/scim/v2`, token, vectors });
    expect(
      results.filter((result) => !result.passed),
      formatScimVectorTable(results),
    ).toEqual([]);
  });

  it('serves under a mount path, with absolute locations there, and hands other paths on', async () => {
    const { server, token } = await setup({ mount: '/tenant-api', route: { basePath: '/scim/v2/' } });
    const created = await send(`${server.url}/tenant-api/scim/v2/Users?attributes=userName`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: Buffer.from(JSON.stringify({ userName: 'mounted@example.com' })),
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    expect(created.headers.location).toBe(`${server.url}/tenant-api/scim/v2/Users/${id}`);
    expect(created.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    const ping = await send(`${server.url}/api/ping`, { method: 'GET' });
    expect(ping.json).toEqual({ pong: true });
    const outside = await send(`${server.url}/tenant-api/other`, { method: 'GET' });
    expect(outside.status).toBe(404);
    expect(outside.json).toBeUndefined();
  });

  it('answers 413 with a SCIM error past the body limit, without reading the rest', async () => {
    const { server, token, store } = await setup({ maxBodyBytes: 1024 });
    const answer = await send(`${server.url}/scim/v2/Users`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: Buffer.from(JSON.stringify({ userName: 'big@example.com', title: 'x'.repeat(4096) })),
    });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413' });
    expect(answer.headers.connection).toBe('close');
    expect(store.writes).toHaveLength(0);
  });
});
