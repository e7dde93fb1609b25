/**
 * The app of the SCIM server benchmark, in its own process: `tsx scim-server/server.ts`. One Express 5 app with
 * both ways users arrive, on one engine (`directScim`) over @scim/adapter-drizzle and a pg.Pool: Scalekit's
 * webhook (`scimRouter` at /webhooks/scalekit) and the SCIM 2.0 server (`scimServerRoute` at /scim/v2). Reads
 * `SCIM_BENCH_DATABASE_URL`, `SCIM_BENCH_WEBHOOK_SECRET`, `SCIM_BENCH_POOL_SIZE` and `SCIM_BENCH_ORGANIZATIONS`
 * (the SCIM organizations, comma-separated), issues a token for each, sends `{ url, tokens }` to the parent over
 * IPC (never printed), answers `{ cmd: 'cpu' }` with its CPU time and the statements it sent PostgreSQL so far and closes on `{ cmd: 'close' }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { createScimEngine, silentLogger } from '@scim/core';
import { scimRouter, scimServerRoute } from '@scim/http-express';
import { createScimServer, engineScimStore, scimTokens } from '@scim/scim-server';
import { drizzle } from 'drizzle-orm/node-postgres';
import express from 'express';
import pg from 'pg';
import { appUserMapping } from '../drizzle-app.js';
import * as schema from '../drizzle-schema.js';
import { countPgStatements } from '../statement-counter.js';

const databaseUrl = process.env.SCIM_BENCH_DATABASE_URL;
const webhookSecret = process.env.SCIM_BENCH_WEBHOOK_SECRET;
const organizations = (process.env.SCIM_BENCH_ORGANIZATIONS ?? '').split(',').filter(Boolean);
if (databaseUrl === undefined || webhookSecret === undefined || organizations.length === 0) {
  throw new Error('set SCIM_BENCH_DATABASE_URL, SCIM_BENCH_WEBHOOK_SECRET and SCIM_BENCH_ORGANIZATIONS');
}
const statementsSent = countPgStatements();
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.SCIM_BENCH_POOL_SIZE ?? 10) });
const engine = createScimEngine({
  adapter: drizzleAdapter(drizzle(pool, { schema }), { users: appUserMapping }),
  webhookSecret,
  directScim: true,
  logger: silentLogger,
});
const tokens: Record<string, string> = {};
for (const organizationId of organizations) {
  tokens[organizationId] = (await scimTokens(engine).issue(organizationId, { label: 'bench' })).token;
}

const app = express();
app.use('/webhooks/scalekit', scimRouter(engine, { logger: silentLogger }));
app.use(
  scimServerRoute(createScimServer({ store: engineScimStore(engine), logger: silentLogger }), { logger: silentLogger }),
);
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

process.on('message', async (message: { cmd?: string }) => {
  if (message.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system, statements: statementsSent() });
    return;
  }
  if (message.cmd !== 'close') return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await pool.end();
  process.disconnect();
});
// A parent that died mid-run must not leave this server behind.
process.once('disconnect', () => process.exit(0));
process.send?.({ url: `http://127.0.0.1:${port}`, tokens });
