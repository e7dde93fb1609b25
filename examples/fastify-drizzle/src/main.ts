import { buildApp, registerRoutes, scimLogger } from './app.js';
import { describeScalekit, readConfig } from './config.js';
import { openDatabase } from './db.js';
import { setUpScim } from './scim.js';
import { userService } from './users/user-service.js';

const config = readConfig();
const app = buildApp(config.logLevel);
const database = await openDatabase(config.databaseUrl, config.dataDir);
const users = userService(database.db);

// Real Scalekit when SCALEKIT_* are set; a local simulator otherwise (development, demos, CI).
const dev =
  config.scalekit === undefined
    ? await (await import('./dev-simulator.js')).startDevSimulator(() => webhookUrl, config.webhookSecret)
    : undefined;
const scalekit = config.scalekit ?? dev!.scalekit;
const scim = setUpScim(database.db, scalekit, scimLogger(app.log));

await registerRoutes(app, { userService: users, scim: () => scim.engine, adminToken: config.adminToken });
const address = await app.listen({ host: config.host, port: config.port });
const webhookUrl = `${address}/webhooks/scalekit`;
const schedule = scim.schedule(() => users.organizations(), config.syncIntervalMs);
if (dev !== undefined) {
  dev.connect();
  app.log.info({ organizationId: dev.organizationId }, 'no SCALEKIT_* variables: running against a local simulator');
}
console.log(describeScalekit(config, dev?.sim.url));
// One plain line that scripts (the demo, the tests) wait for.
console.log(`listening on ${address} (database: ${database.description})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await schedule?.stop();
  await app.close();
  await dev?.sim.close();
  await database.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
