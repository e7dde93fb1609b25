import { request } from 'node:http';
import { Writable } from 'node:stream';
import {
  createScimEngine,
  type MemoryAdapter,
  memoryAdapter,
  type ScimEngineOptions,
  type ScimError,
} from '@scim/core';
import { generateWebhookSecret } from '@scim/core/testing';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
// The request corpus and delivery helpers live with the Express binding's tests; both bindings run the same ones.
import {
  capturingLogger,
  chunks,
  NOW,
  NOW_SECONDS,
  type RequestHeaders,
  send,
  signedDelivery,
  userCreated,
} from '../../http-express/test/deliveries.js';
import { hostileRequests } from '../../http-express/test/hostile-requests.js';
import { type ScimWebhookPluginOptions, scimWebhookPlugin } from '../src/index.js';

const MOUNT = '/webhooks/scalekit';

let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

interface SetupOptions {
  plugin?: Partial<ScimWebhookPluginOptions>;
  engine?: Partial<ScimEngineOptions>;
  fastifyLogs?: string[];
}

async function setup(options: SetupOptions = {}) {
  const secret = generateWebhookSecret();
  const adapter: MemoryAdapter = memoryAdapter();
  const { logger, lines } = capturingLogger();
  const engine = createScimEngine({ adapter, webhookSecret: secret, logger, now: () => NOW, ...options.engine });
  const errors: { error: ScimError; request: FastifyRequest }[] = [];
  const logs = options.fastifyLogs;
  const app = Fastify({
    logger:
      logs === undefined
        ? false
        : {
            level: 'debug',
            stream: new Writable({
              write(chunk: Buffer, _encoding, callback) {
                logs.push(chunk.toString('utf8'));
                callback();
              },
            }),
          },
  });
  apps.push(app);

  // The app's own JSON parser, which would break a signature check if it ever saw the webhook's body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, { parsedByApp: JSON.parse(body as string) });
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.post('/api/echo', async (request) => ({ echoed: request.body }));
  await app.register(scimWebhookPlugin, {
    prefix: MOUNT,
    engine,
    healthPath: '/health',
    ...(logs === undefined ? { logger } : {}),
    onError: (error, request) => {
      errors.push({ error, request });
    },
    ...options.plugin,
  });
  // Registered after the plugin: encapsulation keeps it out of the webhook's context all the same.
  app.addContentTypeParser('text/plain', (_request, _payload, done) =>
    done(new Error('the app parser ran'), undefined),
  );
  await app.ready();

  const inject = (headers: RequestHeaders, body: Buffer | string) =>
    app.inject({ method: 'POST', url: MOUNT, headers, payload: body });
  const deliver = (payload: unknown, extra: RequestHeaders = {}) => {
    const delivery = signedDelivery(secret, payload);
    return inject({ ...delivery.headers, ...extra }, delivery.body);
  };
  return { app, secret, adapter, engine, lines, errors, inject, deliver };
}

function expectNothingWritten(adapter: MemoryAdapter) {
  expect(adapter.inspect.inboxSize()).toBe(0);
  expect(adapter.inspect.users()).toEqual([]);
}

describe('scimWebhookPlugin through inject()', () => {
  it('answers 201 for a new event, then 200 for its duplicate', async () => {
    const { deliver, adapter, errors } = await setup();
    const first = await deliver(userCreated());
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ status: 'processed', eventId: 'evt_1' });
    const again = await deliver(userCreated());
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate', eventId: 'evt_1' });
    expect(adapter.inspect.user('org_1', 'diruser_1')?.email).toBe('ada@example.com');
    expect(errors).toEqual([]);
  });

  it('answers 400 to a bad signature, writes nothing and tells onError', async () => {
    const { deliver, adapter, errors } = await setup();
    const forged = signedDelivery(generateWebhookSecret(), userCreated());
    const answer = await deliver(userCreated(), { 'webhook-signature': forged.headers['webhook-signature']! });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ status: 'error', code: 'INVALID_SIGNATURE' });
    expectNothingWritten(adapter);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatchObject({ name: 'ScimError', code: 'INVALID_SIGNATURE', status: 400 });
    expect(errors[0]!.request.url).toBe(MOUNT);
  });

  it('answers 400 to malformed JSON', async () => {
    const { deliver, adapter } = await setup();
    const answer = await deliver('{"id": "evt_1",');
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ status: 'error', code: 'INVALID_PAYLOAD' });
    expectNothingWritten(adapter);
  });

  it("answers 413 in core's shape to a body over the engine's limit", async () => {
    const { deliver, adapter, errors } = await setup({ engine: { maxBodyBytes: 1024 } });
    const answer = await deliver(userCreated({}, { department: 'x'.repeat(2048) }));
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ status: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect(errors.map((e) => e.error.code)).toEqual(['PAYLOAD_TOO_LARGE']);
    expectNothingWritten(adapter);
  });

  it('accepts a body exactly at the limit (the engine and the plugin agree)', async () => {
    const payload = JSON.stringify(userCreated());
    const { deliver } = await setup({ engine: { maxBodyBytes: Buffer.byteLength(payload) } });
    expect((await deliver(payload)).statusCode).toBe(201);
    expect((await deliver(`${payload} `)).statusCode).toBe(413);
  });

  it.each([
    ['application/json'],
    ['application/json; charset=utf-8'],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['application/octet-stream'],
    [null],
  ])('verifies the raw bytes whatever the content type (%s), with the app parsers untouched', async (type) => {
    const { secret, inject, adapter } = await setup();
    const delivery = signedDelivery(secret, userCreated(), { contentType: type });
    const answer = await inject(delivery.headers, delivery.body);
    expect(answer.statusCode).toBe(201);
    expect(adapter.inspect.user('org_1', 'diruser_1')).not.toBeNull();
  });

  it("leaves the app's JSON parser and routes working", async () => {
    const { app, deliver } = await setup();
    const echoed = await app.inject({ method: 'POST', url: '/api/echo', payload: { hello: 'world' } });
    expect(echoed.json()).toEqual({ echoed: { parsedByApp: { hello: 'world' } } });
    const text = await app.inject({
      method: 'POST',
      url: '/api/echo',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(500);
    expect((await deliver(userCreated())).statusCode).toBe(201);
  });

  it('answers 500 when the engine cannot commit, tells onError, and the retry applies it', async () => {
    const { deliver, adapter, errors } = await setup();
    vi.spyOn(adapter, 'transaction').mockRejectedValueOnce(new Error('connection reset'));
    const failed = await deliver(userCreated());
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toMatchObject({ status: 'error', code: 'STORAGE_FAILURE', eventId: 'evt_1' });
    expect(errors.map((e) => [e.error.code, e.error.status])).toEqual([['STORAGE_FAILURE', 500]]);
    expectNothingWritten(adapter);
    expect((await deliver(userCreated())).statusCode).toBe(201);
  });

  it('serves the health route only when asked', async () => {
    const { app } = await setup();
    const health = await app.inject({ method: 'GET', url: `${MOUNT}/health` });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    const { app: bare } = await setup({ plugin: { healthPath: undefined } });
    expect((await bare.inject({ method: 'GET', url: `${MOUNT}/health` })).statusCode).toBe(404);
  });

  it('serves a path of its own under the prefix', async () => {
    const { app, secret } = await setup({ plugin: { path: '/deliveries' } });
    const delivery = signedDelivery(secret, userCreated());
    const answer = await app.inject({
      method: 'POST',
      url: `${MOUNT}/deliveries`,
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(answer.statusCode).toBe(201);
  });

  it('survives an onError hook that throws or rejects', async () => {
    const { deliver, lines } = await setup({
      plugin: {
        onError: (error) => {
          if (error.code === 'INVALID_PAYLOAD') throw new Error('hook bug');
          return Promise.reject(new Error('async hook bug'));
        },
      },
    });
    expect((await deliver('{')).statusCode).toBe(400);
    expect((await deliver(userCreated(), { 'webhook-id': 'changed' })).statusCode).toBe(400);
    await vi.waitFor(() => expect(lines.filter((line) => line.includes('onError hook failed'))).toHaveLength(2), {
      timeout: 60_000,
    });
    expect((await deliver(userCreated())).statusCode).toBe(201);
  });

  it("logs through the request's Fastify logger by default, without secrets", async () => {
    const logs: string[] = [];
    const { deliver, secret } = await setup({ engine: { maxBodyBytes: 512 }, fastifyLogs: logs });
    expect((await deliver(userCreated({}, { department: 'x'.repeat(1024) }))).statusCode).toBe(413);
    const rejected = logs.map((line) => JSON.parse(line)).find((line) => line.msg === 'webhook rejected');
    expect(rejected).toMatchObject({ level: 40, reason: 'PAYLOAD_TOO_LARGE', limit: 512, reqId: expect.any(String) });
    expect(logs.join('\n')).not.toContain(secret.slice('whsec_'.length));
  });

  it('refuses a corpus of hostile requests, writes nothing, and stays up', async () => {
    const { inject, secret, adapter, lines, deliver } = await setup();
    const corpus = hostileRequests(secret, NOW_SECONDS);
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    for (const hostile of corpus) {
      const expected = hostile.injected ?? { status: hostile.status, code: hostile.code };
      const answer = await inject(hostile.headers, hostile.body);
      expect({ name: hostile.name, status: answer.statusCode }).toEqual({
        name: hostile.name,
        status: expected.status,
      });
      expect(answer.json(), hostile.name).toMatchObject({ status: 'error', code: expected.code });
      expectNothingWritten(adapter);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('id');
    expect((await deliver(userCreated())).statusCode).toBe(201);
    expect(lines.join('\n')).not.toContain(secret.slice('whsec_'.length));
  });

  it('refuses an engine it cannot use', async () => {
    const app = Fastify();
    apps.push(app);
    app.register(scimWebhookPlugin, { engine: {} as never });
    await expect(app.ready()).rejects.toThrow(/createScimEngine/);
  });
});

describe('scimWebhookPlugin on a listening server', () => {
  async function listening(options: SetupOptions = {}) {
    const context = await setup(options);
    const base = await context.app.listen({ port: 0, host: '127.0.0.1' });
    return { ...context, base, url: `${base}${MOUNT}` };
  }

  it('answers 201, then 200 for the duplicate', async () => {
    const { url, secret, adapter } = await listening();
    const delivery = signedDelivery(secret, userCreated());
    expect((await send(url, delivery)).status).toBe(201);
    const again = await send(url, delivery);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', eventId: 'evt_1' });
    expect(adapter.inspect.inboxSize()).toBe(1);
  });

  it('answers 413 to a streamed body over the limit without reading it all', async () => {
    const { url, secret, adapter, errors } = await listening({ engine: { maxBodyBytes: 64 * 1024 } });
    const { headers } = signedDelivery(secret, userCreated());
    let offered = 0;
    const upload = function* () {
      for (const chunk of chunks(4096, 16 * 1024)) {
        offered++;
        yield chunk;
      }
    };
    const answer = await send(url, { headers, body: upload() });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ status: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect(answer.headers.connection).toBe('close');
    expect(offered).toBeLessThan(4096);
    expect(errors.map((e) => e.error.code)).toEqual(['PAYLOAD_TOO_LARGE']);
    expectNothingWritten(adapter);
    expect((await send(url, signedDelivery(secret, userCreated()))).status).toBe(201);
  });

  it('answers 413 to a declared length over the limit before reading the body', async () => {
    const { url, secret, adapter } = await listening({ engine: { maxBodyBytes: 1024 } });
    const { headers } = signedDelivery(secret, userCreated());
    const answer = await send(url, {
      headers: { ...headers, 'content-length': String(10 * 1024 * 1024) },
      body: chunks(1, 2048),
    });
    expect(answer.status).toBe(413);
    expectNothingWritten(adapter);
  });

  it('writes nothing when the client gives up mid-upload, and stays up', async () => {
    const { url, secret, adapter } = await listening();
    const { headers, body } = signedDelivery(secret, userCreated());
    const upload = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
      agent: false,
    });
    const closed = new Promise((resolve) => upload.on('close', resolve));
    upload.on('error', () => {});
    upload.write(body.subarray(0, 20), () => setTimeout(() => upload.destroy(), 20));
    await closed;
    expect((await send(url, signedDelivery(secret, userCreated({ id: 'evt_2' })))).status).toBe(201);
    expect(adapter.inspect.inbox('evt_1')).toBeNull();
    expect(adapter.inspect.inboxSize()).toBe(1);
  });

  it('serves the app routes beside it with their own parser', async () => {
    const { base, url, secret } = await listening();
    const echoed = await send(`${base}/api/echo`, {
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"a":1}'),
    });
    expect(echoed.json).toEqual({ echoed: { parsedByApp: { a: 1 } } });
    expect((await send(url, signedDelivery(secret, userCreated()))).status).toBe(201);
    expect(await send(`${url}/health`, { method: 'GET' })).toMatchObject({ status: 200, json: { ok: true } });
  });

  it('refuses a corpus of hostile requests, writes nothing, and stays up', async () => {
    const { url, secret, adapter, errors } = await listening();
    const corpus = hostileRequests(secret, NOW_SECONDS);
    for (const hostile of corpus) {
      const answer = await send(url, { headers: hostile.headers, body: hostile.body });
      expect({ name: hostile.name, status: answer.status }).toEqual({ name: hostile.name, status: hostile.status });
      if (hostile.code !== undefined) {
        expect(answer.json, hostile.name).toMatchObject({ status: 'error', code: hostile.code });
      }
      expectNothingWritten(adapter);
    }
    expect(errors.length).toBe(corpus.filter((hostile) => hostile.code !== undefined).length);
    expect((await send(url, signedDelivery(secret, userCreated()))).status).toBe(201);
  });
});
