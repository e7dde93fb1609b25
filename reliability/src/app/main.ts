/**
 * The app the fault and load scenarios run as a real process: the engine on PostgreSQL (drizzle,
 * node-postgres) behind the Express or the Fastify binding, configured by environment variables only,
 * so a scenario can SIGKILL it and start it again.
 *
 *   SCIM_BINDING        express | fastify
 *   SCIM_DATABASE_URL   the app's database
 *   SCIM_PORT           port to listen on (0: any)
 *   SCIM_MODE           serve (default) | sync: run one full sync of SCIM_ORGANIZATION_ID, print its report, exit
 *   SCALEKIT_*          the simulator's environment URL, client id and secret, and webhook secret
 *
 * It prints `listening on <url>` when it accepts deliveries, and in sync mode one `progress {...}` line per
 * page and `report {...}` at the end.
 */
import { createScimEngine } from '@scim/core';
import { type BindingName, startApp } from '../apps.js';
import { openPgStore } from '../pg/store.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const store = openPgStore(required('SCIM_DATABASE_URL'), { max: Number(process.env.SCIM_POOL_SIZE ?? 5) });
const engine = createScimEngine({
  adapter: store.adapter,
  sync: {
    retryBaseMs: 20,
    // A killed sync's lease runs out quickly, so the restarted one does not wait a minute.
    leaseTtlMs: Number(process.env.SCIM_LEASE_TTL_MS ?? 2000),
    batchSize: Number(process.env.SCIM_SYNC_BATCH ?? 250),
  },
});

if ((process.env.SCIM_MODE ?? 'serve') === 'sync') {
  const report = await engine.sync({
    organizationId: required('SCIM_ORGANIZATION_ID'),
    mode: 'full',
    lockTimeoutMs: 30_000,
    onProgress: (progress) => console.log(`progress ${JSON.stringify(progress)}`),
  });
  console.log(
    `report ${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))}`,
  );
  await store.close();
} else {
  const binding = (process.env.SCIM_BINDING ?? 'express') as BindingName;
  const app = await startApp(binding, engine, { port: Number(process.env.SCIM_PORT ?? 0) });
  console.log(`listening on ${app.url}`);
  const stop = async () => {
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
