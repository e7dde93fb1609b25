import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '@scim/simulator';
import { appApi } from './app-api.js';
import { type AppProcess, startApp } from './app-process.js';
import { compareWithDirectory } from './compare.js';
import { playStory } from './story.js';

const EXAMPLES = ['fastify-drizzle', 'express-prisma', 'express-b2b', 'express-mongoose'] as const;

const { values } = parseArgs({
  options: {
    app: { type: 'string', default: 'fastify-drizzle' },
    users: { type: 'string', default: '200' },
    groups: { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`pnpm demo [--app ${EXAMPLES.join('|')}] [--users 200] [--groups 10] [--seed 42] [--verbose]

Starts @scim/simulator (a local Scalekit) with a directory, starts an example app on its embedded
database, and plays a story by webhook, then reconciles through the Directory API and checks that the
app's users and groups equal the directory. Exits 1 when they differ.
express-mongoose has no embedded database: it needs MONGODB_URI.`);
  process.exit(0);
}

const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(line);

const exampleDir = resolve(import.meta.dirname, '../../examples', values.app);
if (!existsSync(join(exampleDir, 'src/main.ts'))) {
  console.error(`unknown example app "${values.app}" (try one of ${EXAMPLES.join(', ')})`);
  process.exit(2);
}

const dataDir = await mkdtemp(join(tmpdir(), 'scim-demo-'));
const sim = await startSimulator({ seed: Number(values.seed), timeScale: 0.001 });
let app: AppProcess | undefined;
let exitCode = 1;
try {
  const organization = sim.state.createOrganization({ name: 'Acme Corporation' });
  const adminToken = randomBytes(16).toString('hex');
  say(`Scalekit simulator at ${sim.url}; organization ${organization.id}`);

  app = await startApp({
    cwd: exampleDir,
    env: {
      ...sim.env(),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: undefined,
      ADMIN_TOKEN: adminToken,
      SCIM_SYNC_INTERVAL_MS: '0',
      LOG_LEVEL: values.verbose ? 'info' : 'warn',
    },
    onLine: values.verbose ? (line) => console.log(`  [app] ${line}`) : undefined,
  });
  say(`Example app ${values.app} listening at ${app.url} (embedded database in ${dataDir}) after ${elapsed()}`);

  sim.webhooks.subscribe(new URL('/webhooks/scalekit', app.url).toString());
  sim.webhooks.setFaults({ duplicateRate: 0.2, reorderWindow: 8, concurrency: 8 });
  const directory = sim.state.createDirectory(organization.id, { provider: 'OKTA', name: 'Okta' });
  say(`Directory ${directory.id} (Okta) connected and subscribed`);

  const story = await playStory(sim, {
    users: Number(values.users),
    groups: Number(values.groups),
    movers: 12,
    leavers: 10,
    organizationId: organization.id,
    directoryId: directory.id,
    say,
  });

  const api = appApi(app.url, adminToken);
  const check = async (when: string) => {
    const result = compareWithDirectory(story.truth(), {
      users: await api.users(organization.id),
      groups: await api.groups(organization.id),
    });
    say(
      `  ${when}: ${result.equal ? 'the app equals the directory' : 'the app DIFFERS from the directory'} ` +
        `(${result.checkedUsers} users, ${result.checkedGroups} groups checked)`,
    );
    for (const line of result.differences) say(`    - ${line}`);
    return result.equal;
  };
  const afterWebhooks = await check('After webhooks');

  say('5. Full reconcile through the Directory API (the real @scalekit-sdk/node client)');
  const report = await api.sync(organization.id, 'full');
  say(`  ${summarizeReport(report)}`);
  const afterSync = await check('After reconcile');

  const appUsers = await api.users(organization.id);
  const active = appUsers.filter((user) => user.active).length;
  say('');
  say(
    `Summary: ${appUsers.length} users in the app (${active} active, ${appUsers.length - active} deprovisioned), ` +
      `${(await api.groups(organization.id)).length} groups; ${sim.webhooks.stats().attempts} webhook attempts; ${elapsed()}.`,
  );
  exitCode = afterWebhooks && afterSync ? 0 : 1;
  say(
    exitCode === 0
      ? 'OK: the app is in step with the directory.'
      : 'FAILED: the app is not in step with the directory.',
  );
} catch (error) {
  console.error('The demo failed:', error);
  if (app !== undefined) console.error(`App output:\n${app.output()}`);
} finally {
  await app?.stop();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);

function summarizeReport(report: Record<string, unknown>): string {
  const users = report.users as Record<string, number> | undefined;
  const groups = report.groups as Record<string, number> | undefined;
  const part = (name: string, counts: Record<string, number> | undefined) =>
    counts === undefined
      ? ''
      : `${name}: ${Object.entries(counts)
          .filter(([, count]) => typeof count === 'number')
          .map(([key, count]) => `${key} ${count}`)
          .join(', ')}`;
  return [part('users', users), part('groups', groups), `in ${report.durationMs ?? '?'} ms`].filter(Boolean).join('; ');
}
