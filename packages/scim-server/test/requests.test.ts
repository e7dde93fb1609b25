import type { LogFields, ScimLogger } from '@scim/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimServer, type MemoryScimStore, memoryScimStore, type ScimServerOptions } from '../src/index.js';
import { patchBody, scimClient, user } from './support/client.js';
import { type RunningScim, serveScim } from './support/node-server.js';

const servers: RunningScim[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

async function setup(options: Partial<ScimServerOptions> = {}) {
  const store = options.store ? (options.store as MemoryScimStore) : memoryScimStore();
  const token = store.issueToken('org_1');
  const lines: { message: string; fields?: LogFields }[] = [];
  const log = (message: string, fields?: LogFields) => lines.push({ message, fields });
  const logger: ScimLogger = { debug: log, info: log, warn: log, error: log };
  const server = createScimServer({ logger, ...options, store });
  const running = await serveScim(server);
  servers.push(running);
  return { store, token, server, call: scimClient(running.baseUrl, token), lines, baseUrl: running.baseUrl };
}

describe('bodies', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup({ maxBodyBytes: 2048 });
  });

  it('refuses a body over the limit with 413 and nothing written, whoever reads it', async () => {
    const big = JSON.stringify(user('big', { title: 'x'.repeat(4000) }));
    const answer = await ctx.server.handle({
      method: 'POST',
      path: '/Users',
      headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/scim+json' },
      body: big,
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ status: '413' });
    expect(ctx.store.writes).toHaveLength(0);
  });

  it.each([
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, 'invalidSyntax'],
    ['a JSON array', '[]', 400, 'invalidSyntax'],
    ['an empty body', '', 400, 'invalidSyntax'],
  ])('refuses %s', async (_name, body, status, scimType) => {
    const answer = await ctx.call('POST', '/Users', body);
    expect([answer.status, answer.body.scimType]).toEqual([status, scimType]);
  });

  it('refuses a body that is not JSON by its media type, accepts application/json', async () => {
    const form = await ctx.call('POST', '/Users', 'userName=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    const json = await ctx.call('POST', '/Users', user('jay'), {
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
    });
    expect(json.status).toBe(201);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const scim = await ctx.call('GET', `/Users/${json.body.id}`);
    expect(scim.headers['content-type']).toBe('application/scim+json; charset=utf-8');
  });
});

describe('routes', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it.each([
    ['PATCH', '/Users', 405, 'GET, POST'],
    ['DELETE', '/Groups', 405, 'GET, POST'],
    ['POST', '/Users/abc', 405, 'GET, PUT, PATCH, DELETE'],
    ['PUT', '/ResourceTypes/User', 405, 'GET'],
    ['POST', '/Bulk', 501, undefined],
    ['GET', '/Me', 501, undefined],
    ['GET', '/Widgets', 404, undefined],
    ['GET', '/Users/a/b', 404, undefined],
    ['GET', '/Schemas/urn:nope', 404, undefined],
  ])('%s %s answers %i with the SCIM error body', async (method, path, status, allow) => {
    const answer = await ctx.call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
    });
    expect(answer.headers.allow).toBe(allow);
  });

  it('answers 304 to an If-None-Match of the current version', async () => {
    const created = await ctx.call('POST', '/Users', user('nina'));
    const etag = created.headers.etag!;
    expect(created.body.meta.version).toBe(etag);
    expect((await ctx.call('GET', `/Users/${created.body.id}`, undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((await ctx.call('GET', `/Users/${created.body.id}`, undefined, { 'if-none-match': 'W/"1"' })).status).toBe(
      200,
    );
  });

  it('searches with POST /.search', async () => {
    await ctx.call('POST', '/Users', user('otto'));
    const answer = await ctx.call('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "OTTO"',
      attributes: ['userName'],
    });
    expect(answer.body).toMatchObject({ totalResults: 1, Resources: [{ userName: 'otto@example.com' }] });
    expect(answer.body.Resources[0].emails).toBeUndefined();
  });

  it('refuses filters on memberships and answers groups with a body when attributes asks', async () => {
    const filter = await ctx.call('GET', `/Groups?filter=${encodeURIComponent('members[value eq "x"]')}`);
    expect([filter.status, filter.body.scimType]).toEqual([400, 'invalidFilter']);
    const group = (await ctx.call('POST', '/Groups', { displayName: 'With body' })).body;
    const patched = await ctx.call(
      'PATCH',
      `/Groups/${group.id}?attributes=displayName`,
      patchBody({ op: 'replace', path: 'displayName', value: 'Renamed' }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: group.id,
      displayName: 'Renamed',
    });
  });
});

describe('groups', () => {
  it('PUT without members keeps them; members: [] empties the group', async () => {
    const { call, store } = await setup();
    const pat = (await call('POST', '/Users', user('pat'))).body;
    const group = (await call('POST', '/Groups', { displayName: 'Keep', members: [{ value: pat.id }] })).body;
    const renamed = await call('PUT', `/Groups/${group.id}`, { displayName: 'Kept' });
    expect(renamed.body.members).toEqual([expect.objectContaining({ value: pat.id })]);
    const emptied = await call('PUT', `/Groups/${group.id}`, { displayName: 'Kept', members: [] });
    expect(emptied.body.members).toEqual([]);
    expect(store.writes.at(-1)!.members).toEqual({ add: [], remove: [pat.id] });
  });
});

describe('the app maps its own extension', () => {
  it('publishes it, stores it, and hands it to the engine under the chosen key', async () => {
    const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
    const { call, store } = await setup({
      extensions: [
        {
          id: ACME,
          attributes: [
            { name: 'badge', type: 'string', customAttribute: 'badge_number' },
            { name: 'remote', type: 'boolean' },
          ],
        },
      ],
      mapUser: (mapped, resource) => ({
        ...mapped,
        userType: resource.userType === undefined ? 'directory' : mapped.userType,
      }),
    });
    const schemas = await call('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toContain(ACME);
    const created = await call('POST', '/Users', user('quinn', { [ACME]: { badge: 'B-7', remote: 'True' } }));
    expect(created.body.schemas).toContain(ACME);
    expect(created.body[ACME]).toEqual({ badge: 'B-7', remote: true });
    const patched = await call(
      'PATCH',
      `/Users/${created.body.id}`,
      patchBody({ op: 'Replace', path: `${ACME}:badge`, value: 'B-8' }),
    );
    expect(patched.body[ACME].badge).toBe('B-8');
    expect(store.directory('org_1').users.get(created.body.id)!.user).toMatchObject({
      userType: 'directory',
      customAttributes: { badge_number: 'B-8', remote: true },
    });
  });

  it('drops unknown attributes when told to ignore them, refuses them by default', async () => {
    const lenient = await setup({ unknownAttributes: 'ignore' });
    const created = await lenient.call(
      'POST',
      '/Users',
      user('ron', { shoeSize: 44, name: { givenName: 'R', nick: 'x' } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.shoeSize).toBeUndefined();
    const patched = await lenient.call(
      'PATCH',
      `/Users/${created.body.id}`,
      patchBody({ op: 'add', path: 'shoeSize', value: 44 }, { op: 'replace', value: { hatSize: 7, title: 'Kept' } }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Kept' });
    expect(patched.body.hatSize).toBeUndefined();
    const strict = await setup();
    expect((await strict.call('POST', '/Users', user('ron', { shoeSize: 44 }))).body.scimType).toBe('invalidSyntax');
  });
});

describe('filters the store cannot run', () => {
  it('examine at most maxFilterScan resources, then answer 400 tooMany', async () => {
    const { call } = await setup({ maxFilterScan: 3 });
    for (const name of ['sue', 'sid', 'sal', 'sky'])
      await call('POST', '/Users', user(name, { title: name === 'sal' ? 'Boss' : 'Staff' }));
    const narrowed = await call('GET', `/Users?filter=${encodeURIComponent('userName sw "sa" and title eq "boss"')}`);
    expect(narrowed.body.totalResults).toBe(1);
    const wide = await call('GET', `/Users?filter=${encodeURIComponent('title eq "Boss"')}`);
    expect([wide.status, wide.body.scimType]).toEqual([400, 'tooMany']);
  });
});

describe('storage failures', () => {
  it('answer 500 with a SCIM error, write nothing, and log the cause without values or tokens', async () => {
    const store = memoryScimStore({
      beforeWrite: () => {
        throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
      },
    });
    const { call, lines, token } = await setup({ store });
    const answer = await call('POST', '/Users', user('secret-person'));
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ status: '500' });
    expect(store.writes).toHaveLength(0);
    expect(lines).toEqual([
      { message: 'scim request failed', fields: { error: 'Error', code: 'ECONNRESET', message: 'connection reset' } },
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-person');
    expect(JSON.stringify(lines)).not.toContain(token);
  });
});
