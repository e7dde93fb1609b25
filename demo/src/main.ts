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
import { driftWhileDown } from './drift.js';
import { runScim, type ScimRun } from './scim-cli.js';
import { playStory } from './story.js';

const EXAMPLES = ['fastify-drizzle', 'express-prisma', 'express-b2b', 'express-mongoose'] as const;
const USAGE = `pnpm demo [--app ${EXAMPLES.join('|')}] [--users 200] [--groups 10] [--seed 42] [--verbose]

Starts @scim/simulator (a local Scalekit) with a directory, starts an example app on its embedded
database, and plays a story by webhook. Then the app goes down while the directory changes, Scalekit
gives up those deliveries, and \`scim sync\` (its dry run first) finds the drift and repairs it. Checks
that the app's users and groups equal the directory after the webhooks and after the repair; exits 1
when they differ. express-mongoose has no embedded database: it needs MONGODB_URI.`;

function usageError(message: string): never {
  console.error(`pnpm demo: ${message}\n\n${USAGE}`);
  process.exit(1);
}

function parseFlags() {
  try {
    return parseArgs({
      strict: true,
      options: {
        app: { type: 'string', default: 'fastify-drizzle' },
        users: { type: 'string', default: '200' },
        groups: { type: 'string', default: '10' },
        seed: { type: 'string', default: '42' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    // An unknown flag, or a flag without its value: node's own message, without its stack.
    return usageError((error as Error).message);
  }
}

/** A whole number flag in [min, max], or a clear message and exit code 1. */
function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    return usageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

const values = parseFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
// The story moves 12 people and lets 10 go, the drift 9 more: it needs a directory of some size.
const userCount = wholeNumber('users', values.users, 40, 100_000);
const groupCount = wholeNumber('groups', values.groups, 2, 1_000);
const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1);

const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(line);

const exampleDir = resolve(import.meta.dirname, '../../examples', values.app);
if (!existsSync(join(exampleDir, 'src/main.ts'))) {
  usageError(`unknown example app "${values.app}" (try one of ${EXAMPLES.join(', ')})`);
}
// The example's scim.config.ts lets `scim` run its engine; without one the repair goes through its admin route.
const hasScimConfig = existsSync(join(exampleDir, 'scim.config.ts'));

const dataDir = await mkdtemp(join(tmpdir(), 'scim-demo-'));
const sim = await startSimulator({ seed, timeScale: 0.001 });
let app: AppProcess | undefined;
let exitCode = 1;
try {
  const organization = sim.state.createOrganization({ name: 'Acme Corporation' });
  const adminToken = randomBytes(16).toString('hex');
  say(`Scalekit simulator at ${sim.url}; organization ${organization.id}`);

  const appEnv = {
    ...sim.env(),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: undefined,
    ADMIN_TOKEN: adminToken,
    SCIM_SYNC_INTERVAL_MS: '0',
    LOG_LEVEL: values.verbose ? 'info' : 'warn',
  };
  const start = () =>
    startApp({
      cwd: exampleDir,
      env: appEnv,
      onLine: values.verbose ? (line) => console.log(`  [app] ${line}`) : undefined,
    });
  app = await start();
  say(`Example app ${values.app} listening at ${app.url} (embedded database in ${dataDir}) after ${elapsed()}`);

  sim.webhooks.subscribe(new URL('/webhooks/scalekit', app.url).toString());
  sim.webhooks.setFaults({ duplicateRate: 0.2, reorderWindow: 8, concurrency: 8 });
  const directory = sim.state.createDirectory(organization.id, { provider: 'OKTA', name: 'Okta' });
  say(`Directory ${directory.id} (Okta) connected and subscribed`);

  const story = await playStory(sim, {
    users: userCount,
    groups: groupCount,
    movers: 12,
    leavers: 10,
    organizationId: organization.id,
    directoryId: directory.id,
    say,
  });

  let api = appApi(app.url, adminToken);
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

  say('5. The app is down for a deploy while the directory changes; Scalekit retries, then gives up');
  await app.stop();
  const drift = await driftWhileDown(sim, { directoryId: directory.id, say });

  let repaired: boolean;
  if (hasScimConfig) {
    const scim = (args: string[]) => runScim([...args, '--org', organization.id], { cwd: exampleDir, env: appEnv });
    say("6. `scim sync --dry-run` on the app's database: what a reconcile would change, user by user");
    const dry = await scim(['sync', '--dry-run']);
    showScim(dry, { planLines: 8 });
    say("7. `scim sync`: the reconcile repairs the drift through the app's own engine");
    const real = await scim(['sync']);
    showScim(real, { planLines: 0 });
    say('8. The app starts again');
    app = await start();
    api = appApi(app.url, adminToken);
    const joiners = drift.joinerIds.length;
    repaired =
      dry.code === 0 &&
      real.code === 0 &&
      changeCount(dry.stdout, 'to create') === joiners &&
      changeCount(real.stdout, 'created') === joiners;
  } else {
    say(`6. No scim.config.ts in examples/${values.app}: the app starts again and reconciles through its admin route`);
    app = await start();
    api = appApi(app.url, adminToken);
    await check('Before the reconcile');
    say(`  ${summarizeReport(await api.sync(organization.id, 'full'))}`);
    repaired = true;
  }
  const afterRepair = await check('After the reconcile');

  const appUsers = await api.users(organization.id);
  const active = appUsers.filter((user) => user.active).length;
  say('');
  say(
    `Summary: ${appUsers.length} users in the app (${active} active, ${appUsers.length - active} deprovisioned), ` +
      `${(await api.groups(organization.id)).length} groups; ${sim.webhooks.stats().attempts} webhook attempts, ` +
      `${drift.givenUp} deliveries given up and repaired by the reconcile; ${elapsed()}.`,
  );
  exitCode = afterWebhooks && repaired && afterRepair ? 0 : 1;
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

/** Prints what `scim` printed, indented: its last progress line, its table, the first lines of a plan. */
function showScim(run: ScimRun, options: { planLines: number }): void {
  const progress = run.stderr.split('\n').filter((line) => line.startsWith('['));
  if (progress.length > 0) say(`  ${progress.at(-1)}`);
  const lines = run.stdout.trimEnd().split('\n');
  const plan = lines.findIndex((line) => line.startsWith('Plan ('));
  const shown = plan === -1 ? lines : lines.slice(0, plan + 1 + options.planLines);
  for (const line of shown) say(`  | ${line}`);
  if (lines.length > shown.length) say(`  | ... and ${lines.length - shown.length} more lines of the plan`);
  if (run.code !== 0) for (const line of run.stderr.trimEnd().split('\n')) say(`  ! ${line}`);
}

/** The users column of a row of scim's table of changes ("created  6  0"). */
function changeCount(stdout: string, row: string): number | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(`${row} `));
  const users = line?.slice(row.length).trim().split(/\s+/)[0];
  return users === undefined ? undefined : Number(users);
}

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
