import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { ConfigError, describeScalekit, readConfig } from './config.js';
import { DatabaseUnreachableError, openDatabase } from './db.js';
import { createLogger } from './logger.js';
import { setUpScim } from './scim.js';
import { userModel } from './users/user-model.js';
import { userService } from './users/user-service.js';

/** A start-up failure the operator can fix: its message alone, no stack, exit code 1. */
function refuseToStart(error: unknown): never {
  if (error instanceof ConfigError || error instanceof DatabaseUnreachableError) {
    console.error(`express-mongoose: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const config = (() => {
  try {
    return readConfig();
  } catch (error) {
    refuseToStart(error);
  }
})();
const logger = createLogger(config.logLevel);
const database = await openDatabase(config.mongodbUri).catch(refuseToStart);
const User = userModel(database.connection);
await User.createIndexes();
const users = userService(database.connection, User);

// Real Scalekit when SCALEKIT_* are set; a local simulator otherwise (development, demos, CI).
const dev =
  config.scalekit === undefined
    ? await (await import('./dev-simulator.js')).startDevSimulator(() => webhookUrl, config.webhookSecret)
    : undefined;
const scalekit = config.scalekit ?? dev!.scalekit;
const scim = setUpScim(database.connection, User, scalekit, logger);
// Builds the scim_* indexes and asks the server whether it has transactions, before the first event.
await scim.adapter.ready();

const app = buildApp({ userService: users, scim: scim.engine, adminToken: config.adminToken, logger });
const server = app.listen(config.port, config.host);
await once(server, 'listening');
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
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A keep-alive client (Scalekit's deliveries) may hold a connection open; it gets a few seconds to finish.
  setTimeout(() => server.closeAllConnections(), 5_000).unref();
  await closed;
  await dev?.sim.close();
  await database.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
