import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { describeScalekit, readConfig } from './config.js';
import { openDatabase } from './db.js';
import { appLogger } from './logger.js';
import { setUpScim } from './scim.js';
import { userService } from './users/user-service.js';

const config = readConfig();
const logger = appLogger(config.logLevel);
const database = await openDatabase(config.databaseUrl, config.dataDir);
const users = userService(database.prisma);

// Real Scalekit when SCALEKIT_* are set; a local simulator otherwise (development, demos, CI).
const dev =
  config.scalekit === undefined
    ? await (await import('./dev-simulator.js')).startDevSimulator(() => webhookUrl, config.webhookSecret)
    : undefined;
const scalekit = config.scalekit ?? dev!.scalekit;
const scim = setUpScim(database.prisma, scalekit, logger);

const app = buildApp({ userService: users, scim: scim.engine, adminToken: config.adminToken, logger });
const server = app.listen(config.port, config.host);
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});
const { port } = server.address() as AddressInfo;
const address = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
const webhookUrl = `${address}/webhooks/scalekit`;
const schedule = scim.schedule(() => users.organizations(), config.syncIntervalMs);
if (dev !== undefined) {
  dev.connect();
  logger.info('no SCALEKIT_* variables: running against a local simulator', { organizationId: dev.organizationId });
}
console.log(describeScalekit(config, dev?.sim.url));
// One plain line that scripts (the demo, the tests) wait for.
console.log(`listening on ${address} (database: ${database.description})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  await schedule?.stop();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await dev?.sim.close();
  await database.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
