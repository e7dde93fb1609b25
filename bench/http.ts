/**
 * Webhook deliveries per second over loopback HTTP, through each binding, beside a bare `node:http` server that
 * calls `handleWebhook` itself: what a binding costs on top of the engine. Memory adapter, every delivery a new
 * event (201), 16 requests in flight on keep-alive connections, client and server in this one process.
 * Writes bench/results/http.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimEngine, memoryAdapter, type ScimEngine, silentLogger } from '@scim/core';
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';
import { scimRouter } from '@scim/http-express';
import { scimWebhookPlugin } from '@scim/http-fastify';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IN_FLIGHT = 16;

interface Target {
  name: string;
  start(engine: ScimEngine): Promise<{ url: string; close(): Promise<void> }>;
}

async function serve(listener: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/scalekit`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const targets: Target[] = [
  {
    name: 'node:http + handleWebhook',
    start: (engine) =>
      serve((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', async () => {
          const { status, body } = await engine.handleWebhook({ headers: req.headers, rawBody: Buffer.concat(chunks) });
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        });
      }),
  },
  {
    name: 'Express 5 (scimRouter)',
    start: (engine) => {
      const app = express5();
      app.use('/webhooks/scalekit', scimRouter(engine, { logger: silentLogger }));
      return serve(app);
    },
  },
  {
    // The app stays an Express app; its webhook route is served before Express sees the request.
    name: 'Express 5 app, scimRouter in front',
    start: (engine) => {
      const app = express5();
      app.use(express5.json());
      const webhook = scimRouter(engine, { path: '/webhooks/scalekit', logger: silentLogger });
      return serve((req, res) =>
        webhook(req, res, (error?: unknown) => {
          if (error === undefined) app(req, res);
          else res.writeHead(500).end();
        }),
      );
    },
  },
  {
    name: 'Express 4 (scimRouter)',
    start: (engine) => {
      const app = express4();
      app.use('/webhooks/scalekit', scimRouter(engine, { logger: silentLogger }));
      return serve(app);
    },
  },
  {
    name: 'Fastify 5 (scimWebhookPlugin)',
    start: async (engine) => {
      const app = Fastify({ logger: false });
      await app.register(scimWebhookPlugin, { prefix: '/webhooks/scalekit', engine, logger: silentLogger });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `${base}/webhooks/scalekit`, close: () => app.close() };
    },
  },
];

function deliveries(secret: string, round: number) {
  const timestamp = Math.floor(Date.now() / 1000);
  return Array.from({ length: DELIVERIES }, (_, i) => {
    const body = JSON.stringify({
      spec_version: '1',
      id: `evt_${round}_${i}`,
      type: 'organization.directory.user_created',
      occurred_at: new Date(Date.UTC(2026, 10, 29, 9, 0, 0, i)).toISOString(),
      organization_id: 'org_1',
      object: 'DirectoryUser',
      data: { id: `diruser_${i}`, organization_id: 'org_1', email: `user${i}@example.com`, active: true },
    });
    const id = `msg_${round}_${i}`;
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret, id, timestamp, body }),
    };
    return { headers, body };
  });
}

function post(url: string, agent: Agent, delivery: { headers: Record<string, string>; body: string }) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: delivery.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(delivery.body);
  });
}

async function round(target: Target, index: number): Promise<number> {
  const secret = generateWebhookSecret();
  const engine = createScimEngine({ adapter: memoryAdapter(), webhookSecret: secret, logger: silentLogger });
  const server = await target.start(engine);
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const work = deliveries(secret, index);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < work.length) {
        const status = await post(server.url, agent, work[next++]!);
        if (status !== 201) throw new Error(`${target.name}: expected 201, got ${status}`);
      }
    }),
  );
  const rate = work.length / ((performance.now() - started) / 1000);
  agent.destroy();
  await server.close();
  return rate;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const results: Record<string, { deliveriesPerSecond: number; rounds: number[] }> = {};
console.log(
  `http benchmark: ${DELIVERIES} signed deliveries per round, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds after a warm-up, ` +
    'memory adapter, client and server in one process on a shared 2-core machine (expect 10-20% noise)',
);
for (const target of targets) {
  // One round uncounted, so the JIT has warmed up the path being measured.
  await round(target, -1);
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rates.push(await round(target, i));
  results[target.name] = { deliveriesPerSecond: Math.round(median(rates)), rounds: rates.map(Math.round) };
  console.log(
    `  ${target.name.padEnd(35)} ${Math.round(median(rates)).toLocaleString('en-US').padStart(7)} deliveries/s` +
      `   rounds: ${rates.map((r) => Math.round(r)).join(', ')}`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/http.json', import.meta.url),
  `${JSON.stringify({ deliveries: DELIVERIES, inFlight: IN_FLIGHT, rounds: ROUNDS, results }, null, 2)}\n`,
);
