import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimEngine, memoryAdapter, silentLogger } from '@scim/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { UserService } from '../src/users/user-service.js';

// The HTTP layer alone, with the core's in-memory adapter behind the engine: the parts of the app that
// need no MongoDB (authorization, validation, the webhook's refusals). The e2e test covers the rest.
const invited: { email: string; name?: string }[] = [];
const users: UserService = {
  list: async () => [],
  invite: async (input) => {
    invited.push(input);
    return { id: 'u1' };
  },
  groups: async () => [],
  organizations: async () => [],
};

describe('the express-mongoose routes', () => {
  const adminToken = randomBytes(16).toString('hex');
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const engine = createScimEngine({
      adapter: memoryAdapter(),
      webhookSecret: 'whsec_dGVzdA==',
      logger: silentLogger,
    });
    const app = buildApp({ userService: users, scim: engine, adminToken, logger: silentLogger });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers a webhook with a bad signature with 400, even behind the JSON parser', async () => {
    const response = await post('/webhooks/scalekit', '{}', {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,AAAA',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('refuses /admin/sync without the bearer token, or with another one', async () => {
    const body = JSON.stringify({ organizationId: 'org_1' });
    expect((await post('/admin/sync', body)).status).toBe(401);
    expect((await post('/admin/sync', body, { authorization: `Bearer ${adminToken}x` })).status).toBe(401);
  });

  it('refuses an /admin/sync body it cannot use', async () => {
    const authorization = `Bearer ${adminToken}`;
    expect((await post('/admin/sync', '{}', { authorization })).status).toBe(400);
    expect(
      (await post('/admin/sync', JSON.stringify({ organizationId: 'o', mode: 'half' }), { authorization })).status,
    ).toBe(400);
    expect((await post('/admin/sync', '{not json', { authorization })).status).toBe(400);
  });

  it('validates the invitation and answers 201', async () => {
    expect((await post('/api/users', JSON.stringify({ name: 'No Email' }))).status).toBe(400);
    const created = await post('/api/users', JSON.stringify({ email: 'new@acme.test', name: 'New' }));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 'u1' });
    expect(invited).toEqual([{ email: 'new@acme.test', name: 'New' }]);
  });

  it('requires organizationId on /api/groups, and answers /health', async () => {
    expect((await fetch(`${base}/api/groups`)).status).toBe(400);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
  });
});
