/**
 * One ingest target, in its own process: `tsx server.ts <express|fastify|naive>`. Reads `INGEST_DATABASE_URL`,
 * `INGEST_WEBHOOK_SECRET` and `INGEST_POOL_SIZE`, listens on a free loopback port, sends `{ url }` to the parent
 * over IPC, answers `{ cmd: 'cpu' }` with its CPU time and the statements it sent PostgreSQL so far, and closes on `{ cmd: 'close' }`.
 *
 *  - express: Express 5 + `scimRouter` from @scim/http-express, the engine on @scim/adapter-drizzle over a pg.Pool
 *  - expressFront: the same Express 5 app, with `scimRouter` in front of it on the node:http server
 *  - fastify: Fastify 5 + `scimWebhookPlugin` from @scim/http-fastify, the same engine
 *  - naive:   the handler as Scalekit's docs show it: Express 5, `express.raw()`, the SDK's `verifyWebhookPayload`,
 *             then one `INSERT ... ON CONFLICT DO UPDATE` of the user row through `pg` (no inbox, no versions)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScalekitClient } from '@scalekit-sdk/node';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { createScimEngine, type ScimEngine, silentLogger } from '@scim/core';
import { scimRouter } from '@scim/http-express';
import { scimWebhookPlugin } from '@scim/http-fastify';
import { drizzle } from 'drizzle-orm/node-postgres';
import express from 'express';
import Fastify from 'fastify';
import pg from 'pg';
import { appUserMapping } from '../drizzle-app.js';
import * as schema from '../drizzle-schema.js';
import { countPgStatements } from '../statement-counter.js';

const target = process.argv[2];
const databaseUrl = process.env.INGEST_DATABASE_URL;
const webhookSecret = process.env.INGEST_WEBHOOK_SECRET;
if (databaseUrl === undefined || webhookSecret === undefined) {
  throw new Error('set INGEST_DATABASE_URL and INGEST_WEBHOOK_SECRET');
}
const secret: string = webhookSecret;
const statementsSent = countPgStatements();
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.INGEST_POOL_SIZE ?? 10) });

/** `BENCH_INGEST_BATCHING`: `off`, or `<concurrency>,<maxEvents>`; unset keeps the engine's defaults. */
function eventBatching(option: string | undefined): false | { concurrency: number; maxEvents: number } | undefined {
  if (option === undefined || option === '') return undefined;
  if (option === 'off') return false;
  const [concurrency, maxEvents] = option.split(',').map(Number);
  return { concurrency: concurrency!, maxEvents: maxEvents ?? 64 };
}

function engine(): ScimEngine {
  const db = drizzle(pool, { schema });
  return createScimEngine({
    adapter: drizzleAdapter(db, { users: appUserMapping }),
    webhookSecret: secret,
    eventBatching: eventBatching(process.env.BENCH_INGEST_BATCHING),
    logger: silentLogger,
  });
}

function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/webhooks/scalekit`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

interface NaiveUserEvent {
  type: string;
  organization_id: string;
  data: {
    id: string;
    email?: string;
    given_name?: string;
    family_name?: string;
    name?: string;
    preferred_username?: string;
    active?: boolean;
  };
}

const NAIVE_UPSERT = `insert into app_users (scim_organization_id, scim_user_id, email, given_name, family_name,
    display_name, username, is_active)
  values ($1, $2, $3, $4, $5, $6, $7, $8)
  on conflict (scim_organization_id, scim_user_id) do update set email = excluded.email,
    given_name = excluded.given_name, family_name = excluded.family_name, display_name = excluded.display_name,
    username = excluded.username, is_active = excluded.is_active`;

function naive() {
  const scalekit = new ScalekitClient('http://127.0.0.1:1', 'skc_bench', 'bench_secret');
  const app = express();
  app.post('/webhooks/scalekit', express.raw({ type: 'application/json' }), async (req, res) => {
    const payload = (req.body as Buffer).toString('utf8');
    try {
      scalekit.verifyWebhookPayload(secret, req.headers as Record<string, string>, payload);
    } catch {
      res.status(400).send('Invalid webhook signature');
      return;
    }
    const event = JSON.parse(payload) as NaiveUserEvent;
    if (event.type.startsWith('organization.directory.user_')) {
      const user = event.data;
      const deleted = event.type === 'organization.directory.user_deleted';
      try {
        await pool.query(NAIVE_UPSERT, [
          event.organization_id,
          user.id,
          user.email ?? null,
          user.given_name ?? null,
          user.family_name ?? null,
          user.name ?? null,
          user.preferred_username ?? null,
          deleted ? false : (user.active ?? true),
        ]);
      } catch {
        res.status(500).send('Could not store the user');
        return;
      }
    }
    res.status(200).send('Webhook received');
  });
  return listen(createServer(app));
}

async function start(): Promise<{ url: string; close(): Promise<void> }> {
  switch (target) {
    case 'express': {
      const app = express();
      app.use('/webhooks/scalekit', scimRouter(engine(), { logger: silentLogger }));
      return listen(createServer(app));
    }
    case 'expressFront': {
      // The app stays an Express app; the webhook is answered before Express sees the request.
      const app = express();
      app.use(express.json());
      const webhook = scimRouter(engine(), { path: '/webhooks/scalekit', logger: silentLogger });
      return listen(
        createServer((req, res) =>
          webhook(req, res, (error?: unknown) => {
            if (error === undefined) app(req, res);
            else res.writeHead(500).end();
          }),
        ),
      );
    }
    case 'fastify': {
      const app = Fastify({ logger: false });
      await app.register(scimWebhookPlugin, { prefix: '/webhooks/scalekit', engine: engine(), logger: silentLogger });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `${base}/webhooks/scalekit`, close: () => app.close() };
    }
    case 'naive':
      return naive();
    default:
      throw new Error(`unknown target ${target}`);
  }
}

const server = await start();
process.on('message', async (message: { cmd?: string }) => {
  if (message.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system, statements: statementsSent() });
    return;
  }
  if (message.cmd !== 'close') return;
  await server.close();
  await pool.end();
  process.disconnect();
});
// A parent that died mid-run must not leave this server behind.
process.once('disconnect', () => process.exit(0));
process.send?.({ url: server.url });
