import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import {
  createScimEngine,
  type MemoryAdapter,
  memoryAdapter,
  type ScimEngineOptions,
  type ScimError,
} from '@scim/core';
import { generateWebhookSecret } from '@scim/core/testing';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ExpressLikeRequest, type ScimRouterOptions, scimRouter, scimWebhook } from '../src/index.js';
import {
  capturingLogger,
  chunks,
  NOW,
  NOW_SECONDS,
  type RequestHeaders,
  send,
  signedDelivery,
  userCreated,
} from './deliveries.js';
import { hostileRequests } from './hostile-requests.js';
import { listen, type RunningServer } from './servers.js';

/** The calls the tests make, common to Express 4 and 5 (their typings differ, their behaviour here does not). */
interface TestApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(...args: unknown[]): unknown;
  post(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
}

type ParserFactory = (options?: Record<string, unknown>) => unknown;

interface Major {
  name: string;
  app(): TestApp;
  json: ParserFactory;
  text: ParserFactory;
  raw: ParserFactory;
  urlencoded: ParserFactory;
}

const majors: Major[] = [
  {
    name: 'Express 5',
    app: () => express5() as unknown as TestApp,
    json: express5.json as ParserFactory,
    text: express5.text as ParserFactory,
    raw: express5.raw as ParserFactory,
    urlencoded: express5.urlencoded as ParserFactory,
  },
  {
    name: 'Express 4',
    app: () => express4() as unknown as TestApp,
    json: express4.json as ParserFactory,
    text: express4.text as ParserFactory,
    raw: express4.raw as ParserFactory,
    urlencoded: express4.urlencoded as ParserFactory,
  },
];

const MOUNT = '/webhooks/scalekit';

let running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.map((server) => server.close()));
  running = [];
});

describe.each(majors)('$name', (major) => {
  async function setup(
    options: {
      before?: (app: TestApp) => void;
      router?: Partial<ScimRouterOptions>;
      engine?: Partial<ScimEngineOptions>;
    } = {},
  ) {
    const secret = generateWebhookSecret();
    const adapter: MemoryAdapter = memoryAdapter();
    const { logger, lines } = capturingLogger();
    const engine = createScimEngine({ adapter, webhookSecret: secret, logger, now: () => NOW, ...options.engine });
    const errors: { error: ScimError; req: ExpressLikeRequest }[] = [];
    const app = major.app();
    options.before?.(app);
    app.use(
      MOUNT,
      scimRouter(engine, {
        healthPath: '/health',
        logger,
        onError: (error, req) => {
          errors.push({ error, req });
        },
        ...options.router,
      }),
    );
    // An app route behind the webhook, to check the router hands other requests on.
    app.post('/api/echo', major.json(), (req: { body: unknown }, res: { json(body: unknown): void }) =>
      res.json({ echoed: req.body }),
    );
    const server = await listen(app);
    running.push(server);
    const url = `${server.url}${MOUNT}`;
    const deliver = (payload: unknown, headers: RequestHeaders = {}) => {
      const delivery = signedDelivery(secret, payload);
      return send(url, { headers: { ...delivery.headers, ...headers }, body: delivery.body });
    };
    return { secret, adapter, engine, server, url, deliver, lines, errors };
  }

  function expectNothingWritten(adapter: MemoryAdapter) {
    expect(adapter.inspect.inboxSize()).toBe(0);
    expect(adapter.inspect.users()).toEqual([]);
  }

  it('answers 201 for a new event, then 200 for its duplicate', async () => {
    const { deliver, adapter, errors } = await setup();
    const first = await deliver(userCreated());
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ status: 'processed', eventId: 'evt_1' });
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const again = await deliver(userCreated());
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', eventId: 'evt_1' });
    expect(adapter.inspect.user('org_1', 'diruser_1')?.email).toBe('ada@example.com');
    expect(errors).toEqual([]);
  });

  it('answers 400 to a bad signature, writes nothing and tells onError', async () => {
    const { url, secret, adapter, errors } = await setup();
    const delivery = signedDelivery(secret, userCreated());
    const forged = signedDelivery(generateWebhookSecret(), userCreated());
    const answer = await send(url, {
      headers: { ...delivery.headers, 'webhook-signature': forged.headers['webhook-signature']! },
      body: delivery.body,
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: 'error', code: 'INVALID_SIGNATURE' });
    expectNothingWritten(adapter);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatchObject({ name: 'ScimError', code: 'INVALID_SIGNATURE', status: 400 });
    expect(errors[0]!.req.method).toBe('POST');
    expect(errors[0]!.req.headers['webhook-id']).toBe(delivery.headers['webhook-id']);
  });

  it('answers 400 to malformed JSON', async () => {
    const { deliver, adapter } = await setup();
    const answer = await deliver('{"id": "evt_1",');
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: 'error', code: 'INVALID_PAYLOAD' });
    expectNothingWritten(adapter);
  });

  it('answers 413 to a streamed body over the limit without reading it all', async () => {
    const { url, secret, adapter, errors, deliver } = await setup({ engine: { maxBodyBytes: 64 * 1024 } });
    const { headers } = signedDelivery(secret, userCreated());
    // 64 MiB offered in 16 KiB chunks, without a length: the answer must come long before the end.
    let offered = 0;
    const upload = function* () {
      for (const chunk of chunks(4096, 16 * 1024)) {
        offered++;
        yield chunk;
      }
    };
    const answer = await send(url, { headers, body: upload() });
    expect(offered).toBeLessThan(4096);
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ status: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect(answer.headers.connection).toBe('close');
    expect(errors.map((e) => e.error.code)).toEqual(['PAYLOAD_TOO_LARGE']);
    expectNothingWritten(adapter);
    expect((await deliver(userCreated())).status).toBe(201);
  });

  it('answers 413 to a declared length over the limit before reading the body', async () => {
    const { url, secret, adapter } = await setup({ engine: { maxBodyBytes: 1024 } });
    const { headers } = signedDelivery(secret, userCreated());
    const answer = await send(url, {
      headers: { ...headers, 'content-length': String(10 * 1024 * 1024) },
      body: chunks(1, 2048),
    });
    expect(answer.status).toBe(413);
    expectNothingWritten(adapter);
  });

  it('accepts a body exactly at the limit boundary (the engine and the binding agree)', async () => {
    const payload = JSON.stringify(userCreated());
    const { deliver } = await setup({ engine: { maxBodyBytes: Buffer.byteLength(payload) } });
    expect((await deliver(payload)).status).toBe(201);
    expect((await deliver(`${payload} `)).status).toBe(413);
  });

  it('writes nothing when the client gives up mid-upload, and stays up', async () => {
    const { url, secret, adapter, errors, lines, deliver } = await setup();
    const { headers, body } = signedDelivery(secret, userCreated());
    const upload = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
      agent: false,
    });
    upload.on('error', () => {});
    upload.write(body.subarray(0, 20), () => setTimeout(() => upload.destroy(), 20));
    await vi.waitFor(() => expect(lines.some((line) => line.includes('aborted by the client'))).toBe(true), {
      timeout: 60_000,
    });
    expect(errors.map((e) => e.error.code)).toEqual(['INVALID_PAYLOAD']);
    expectNothingWritten(adapter);
    expect((await deliver(userCreated())).status).toBe(201);
  });

  describe('body parsers registered before the webhook', () => {
    it.each([
      ['express.json()', (m: Major) => m.json()],
      ["express.text({ type: '*/*' })", (m: Major) => m.text({ type: '*/*' })],
      ["express.urlencoded({ type: '*/*' })", (m: Major) => m.urlencoded({ type: '*/*', extended: false })],
    ])('answers 500 CONFIGURATION_ERROR when %s consumed the body, and logs it once', async (_name, parser) => {
      const { deliver, adapter, lines, errors } = await setup({ before: (app) => app.use(parser(major)) });
      for (const id of ['evt_1', 'evt_2']) {
        const answer = await deliver(userCreated({ id }));
        expect(answer.status).toBe(500);
        expect(answer.json).toMatchObject({ status: 'error', code: 'CONFIGURATION_ERROR' });
        expect((answer.json as { message: string }).message).toMatch(/before those parsers|express\.raw/);
      }
      expect(lines.filter((line) => line.includes('raw request body'))).toHaveLength(1);
      expect(errors.map((e) => e.error.code)).toEqual(['CONFIGURATION_ERROR', 'CONFIGURATION_ERROR']);
      expectNothingWritten(adapter);
    });

    it.each([
      ['express.text()', (m: Major) => m.text()],
      ['express.urlencoded()', (m: Major) => m.urlencoded({ extended: false })],
      ['express.raw()', (m: Major) => m.raw()],
    ])('reads the body itself when %s skipped the request (another content type)', async (_name, parser) => {
      const { deliver, adapter } = await setup({ before: (app) => app.use(parser(major)) });
      expect((await deliver(userCreated())).status).toBe(201);
      expect(adapter.inspect.user('org_1', 'diruser_1')).not.toBeNull();
    });

    it("uses the Buffer left by express.raw({ type: '*/*' })", async () => {
      const { deliver, adapter } = await setup({
        before: (app) => app.use(major.raw({ type: '*/*', limit: '5mb' })),
      });
      expect((await deliver(userCreated())).status).toBe(201);
      expect((await deliver(userCreated())).status).toBe(200);
      expect(adapter.inspect.inboxSize()).toBe(1);
    });

    it('keeps the limit when express.raw() buffered a larger body (the engine answers 413)', async () => {
      const { deliver, adapter } = await setup({
        engine: { maxBodyBytes: 100 },
        before: (app) => app.use(major.raw({ type: '*/*', limit: '5mb' })),
      });
      expect((await deliver(userCreated())).status).toBe(413);
      expectNothingWritten(adapter);
    });
  });

  it('hands other requests on, so the app keeps its own JSON routes', async () => {
    const { server, deliver } = await setup();
    const echoed = await send(`${server.url}/api/echo`, {
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"hello":"world"}'),
    });
    expect(echoed).toMatchObject({ status: 200, json: { echoed: { hello: 'world' } } });
    expect((await deliver(userCreated())).status).toBe(201);
  });

  it('answers 500 when the engine cannot commit, tells onError, and the retry applies it', async () => {
    const { deliver, adapter, errors } = await setup();
    vi.spyOn(adapter, 'transaction').mockRejectedValueOnce(new Error('connection reset'));
    const failed = await deliver(userCreated());
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ status: 'error', code: 'STORAGE_FAILURE', eventId: 'evt_1' });
    expect(errors.map((e) => [e.error.code, e.error.status])).toEqual([['STORAGE_FAILURE', 500]]);
    expectNothingWritten(adapter);
    expect((await deliver(userCreated())).status).toBe(201);
  });

  it('serves the health route, and refuses other methods on the webhook path', async () => {
    const { url } = await setup();
    expect(await send(`${url}/health`, { method: 'GET' })).toMatchObject({ status: 200, json: { ok: true } });
    const get = await send(url, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('has no health route unless asked', async () => {
    const { url } = await setup({ router: { healthPath: undefined } });
    expect((await send(`${url}/health`, { method: 'GET' })).status).toBe(404);
  });

  it('survives an onError hook that throws or rejects', async () => {
    const { deliver, lines } = await setup({
      router: {
        onError: (error) => {
          if (error.code === 'INVALID_PAYLOAD') throw new Error('hook bug');
          return Promise.reject(new Error('async hook bug'));
        },
      },
    });
    expect((await deliver('{')).status).toBe(400);
    expect((await deliver(userCreated(), { 'webhook-id': 'changed' })).status).toBe(400);
    await vi.waitFor(() => expect(lines.filter((line) => line.includes('onError hook failed'))).toHaveLength(2), {
      timeout: 60_000,
    });
    expect((await deliver(userCreated())).status).toBe(201);
  });

  it('refuses a corpus of hostile requests, writes nothing, and stays up', async () => {
    const { url, secret, adapter, lines, deliver, errors } = await setup();
    const corpus = hostileRequests(secret, NOW_SECONDS);
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    for (const hostile of corpus) {
      const answer = await send(url, { headers: hostile.headers, body: hostile.body });
      expect({ name: hostile.name, status: answer.status }).toEqual({ name: hostile.name, status: hostile.status });
      if (hostile.code !== undefined) {
        expect(answer.json, hostile.name).toMatchObject({ status: 'error', code: hostile.code });
      }
      expectNothingWritten(adapter);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('id');
    expect(errors.length).toBe(corpus.filter((hostile) => hostile.code !== undefined).length);
    expect((await deliver(userCreated())).status).toBe(201);
    expect(lines.join('\n')).not.toContain(secret.slice('whsec_'.length));
  });
});

describe('scimWebhook on a route of its own', () => {
  it.each(majors)('serves app.post(path, scimWebhook(engine)) on $name', async (major) => {
    const secret = generateWebhookSecret();
    const adapter = memoryAdapter();
    const { logger } = capturingLogger();
    const engine = createScimEngine({ adapter, webhookSecret: secret, logger, now: () => NOW });
    const app = major.app();
    app.post('/hook', major.raw({ type: 'application/json' }), scimWebhook(engine, { logger }));
    const server = await listen(app);
    running.push(server);
    const delivery = signedDelivery(secret, userCreated());
    expect((await send(`${server.url}/hook`, delivery)).status).toBe(201);
  });

  it.each(majors)(
    'serves the webhook in front of a whole $name app on node:http, and hands the rest to the app',
    async (major) => {
      const secret = generateWebhookSecret();
      const adapter = memoryAdapter();
      const { logger } = capturingLogger();
      const engine = createScimEngine({ adapter, webhookSecret: secret, logger, now: () => NOW });
      const app = major.app();
      app.use(major.json()); // the app's own parser runs for its routes only: the webhook never reaches it
      app.post('/api/echo', (req: { body: unknown }, res: { json(body: unknown): void }) =>
        res.json({ echoed: req.body }),
      );
      const webhook = scimRouter(engine, { path: '/webhooks/scalekit', healthPath: '/webhooks/health', logger });
      const server = await listen((req, res) =>
        webhook(req, res, (error?: unknown) => {
          if (error === undefined) app(req, res);
          else res.writeHead(500).end();
        }),
      );
      running.push(server);

      const delivery = signedDelivery(secret, userCreated());
      expect((await send(`${server.url}/webhooks/scalekit`, delivery)).status).toBe(201);
      expect((await send(`${server.url}/webhooks/scalekit?from=scalekit`, delivery)).json).toMatchObject({
        status: 'duplicate',
      });
      expect(adapter.inspect.user('org_1', 'diruser_1')?.email).toBe('ada@example.com');
      expect((await send(`${server.url}/webhooks/health`, { method: 'GET' })).json).toEqual({ ok: true });
      const echoed = await send(`${server.url}/api/echo`, {
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"hello":"world"}'),
      });
      expect(echoed).toMatchObject({ status: 200, json: { echoed: { hello: 'world' } } });
    },
  );

  it("is accepted by each major's own typings, on apps and routers", () => {
    const engine = createScimEngine({ adapter: memoryAdapter(), webhookSecret: generateWebhookSecret() });
    // No casts here: this compiles only if both majors' @types accept the handlers.
    express5().use('/a', scimRouter(engine)).post('/b', scimWebhook(engine));
    express5.Router().use(scimRouter(engine));
    express4().use('/a', scimRouter(engine)).post('/b', scimWebhook(engine));
    express4.Router().use(scimRouter(engine));
    expect(scimRouter(engine)).toHaveLength(3);
  });

  it('refuses an engine it cannot use', () => {
    expect(() => scimWebhook({} as never)).toThrow(/createScimEngine/);
  });
});
