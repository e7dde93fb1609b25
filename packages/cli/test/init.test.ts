import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { type Simulator, startSimulator, type WebhookSubscription } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/doctor/types.js';
import { run } from '../src/program.js';
import { copyFixture, REPO, type RunningApp, removeApp, sh, snapshot, startApp } from './init-apps.js';
import { captureIO, doctorCheckIds, row } from './support.js';

interface FixtureSpec {
  name: string;
  /** What the app's own README says to do after install (generate a client, migrate). */
  setup: string[][];
  /** The migrate commands init prints, in this app's terms. */
  migrate: string;
  /** The files init writes (besides .env, .env.example, .gitignore). */
  writes: string[];
  env: (dir: string) => Record<string, string>;
  /** How the app's GET /users shows Grace after the story. */
  grace: Record<string, unknown>;
  /** How it shows her after `scim sync` brought the change the app missed (title Admiral, department Fleet). */
  graceSynced: Record<string, unknown>;
  /**
   * The app's database serves one process at a time (PGlite keeps its data directory to itself: a second
   * process opening it corrupts it). The app is stopped while a `scim` command opens the database.
   */
  singleProcess?: boolean;
  cleanup?: () => Promise<void>;
  /** The written module typechecks against the app's own types (where the app has one copy of its ORM). */
  typecheck?: boolean;
}

/** A database of this test's own on the machine's PostgreSQL (other test runs use theirs). */
const POSTGRES_DB = `scim_init_cli_${process.pid}`;
const POSTGRES_URL = `postgres://postgres@127.0.0.1:5432/${POSTGRES_DB}`;

async function dropDatabase() {
  await sh(REPO, 'psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `DROP DATABASE IF EXISTS ${POSTGRES_DB}`]);
}

const FIXTURES: FixtureSpec[] = [
  {
    name: 'express-prisma-sqlite',
    setup: [
      ['pnpm', 'generate'],
      ['pnpm', 'db:migrate'],
    ],
    migrate: 'pnpm db:migrate && pnpm generate',
    writes: ['src/scim.ts', 'scim.config.ts', 'src/app.ts', 'prisma/schema.prisma'],
    env: (dir) => ({ DATABASE_URL: `file:${join(dir, 'dev.db')}` }),
    grace: { name: 'Grace Hopper', jobTitle: 'Rear Admiral', active: true },
    graceSynced: { jobTitle: 'Admiral', active: true },
    typecheck: true,
  },
  {
    name: 'fastify-drizzle-pglite',
    setup: [['pnpm', 'db:migrate']],
    migrate: 'pnpm db:generate && pnpm db:migrate',
    writes: ['src/scim.ts', 'scim.config.ts', 'src/app.ts', 'src/db/schema.ts'],
    env: (dir) => ({ PGLITE_DIR: join(dir, 'pgdata') }),
    grace: { name: 'Grace Hopper', department: 'Navy', active: true },
    graceSynced: { department: 'Fleet', active: true },
    singleProcess: true,
  },
  {
    name: 'express-cjs-sqlite',
    setup: [['pnpm', 'db:migrate']],
    migrate: 'pnpm db:generate && pnpm db:migrate',
    writes: ['src/scim.js', 'scim.config.cjs', 'src/app.js', 'src/schema.js'],
    env: (dir) => ({ DATABASE_FILE: join(dir, 'helpdesk.sqlite') }),
    grace: { name: 'Grace Hopper', title: 'Rear Admiral', active: true },
    graceSynced: { title: 'Admiral', active: true },
  },
  {
    name: 'express-drizzle-postgres',
    setup: [
      ['pnpm', 'db:create'],
      ['pnpm', 'db:migrate'],
    ],
    migrate: 'pnpm db:generate && pnpm db:migrate',
    writes: ['src/scim.ts', 'scim.config.ts', 'src/index.ts', 'src/db/schema.ts'],
    env: () => ({ DATABASE_URL: POSTGRES_URL }),
    grace: { name: 'Grace Hopper', jobTitle: 'Rear Admiral', active: true },
    graceSynced: { jobTitle: 'Admiral', active: true },
    cleanup: dropDatabase,
  },
];

/** Installs, sets up and checks one app; minutes on a busy 2-core machine, most of it the package manager. */
const LONG = 15 * 60_000;

async function init(dir: string, ...flags: string[]) {
  const cli = captureIO({ cwd: dir, env: { ...process.env, CI: '1' } });
  const code = await run(['init', ...flags, '--packages-from', REPO], cli.io);
  return { code, out: cli.out, err: cli.err };
}

/** The `scim` bin, as `npx scim` runs it in the app (test/build-bin.ts builds the dist/ it loads). */
const SCIM_BIN = fileURLToPath(new URL('../bin/scim.mjs', import.meta.url));

/**
 * Runs `scim <args>` in the app's folder with the app's environment, as its operator would in a shell: one process
 * per command. (Not `run()` in this process: the config `init` wrote loads the app's own modules, and a Prisma 7
 * client loaded anew in a process that loaded one before can decode garbage, ERR_ENCODING_INVALID_ENCODED_DATA.)
 */
function scim(dir: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      [SCIM_BIN, ...args],
      { cwd: dir, env: { ...process.env, ...env, CI: '1', NO_COLOR: '1' }, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, out: stripVTControlCharacters(stdout), err: stripVTControlCharacters(stderr) });
      },
    );
  });
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

interface AuditEntry {
  action: string;
  email?: string;
  user?: { email: string };
}
interface AppUser {
  id: number;
  email: string;
  name: string | null;
  jobTitle: string | null;
  active: boolean;
}

describe.each(FIXTURES)('scim init on $name', (spec) => {
  let dir: string;
  let app: RunningApp | undefined;
  let firstRun: { code: number; out: string; err: string };
  // The simulator, the directory and the webhook subscription of the story, kept for doctor and sync.
  let sim: Simulator | undefined;
  let organizationId: string;
  let directoryId: string;
  let subscription: WebhookSubscription;
  /** The app's environment against the simulator. */
  const appEnv = () => ({ ...spec.env(dir), ...sim!.env() });
  const startTheApp = async () => {
    app = await startApp(dir, { ...appEnv(), PORT: '0' });
    return app;
  };
  const stopTheApp = async () => {
    await app?.stop();
    app = undefined;
  };

  beforeAll(async () => {
    dir = await copyFixture(spec.name);
    await sh(dir, 'pnpm', ['install', '--frozen-lockfile', '--prefer-offline']);
    for (const [command, ...args] of spec.setup) await sh(dir, command!, args, spec.env(dir));
    // The app's own tests pass before SCIM.
    await sh(dir, 'pnpm', ['test'], spec.env(dir));
  }, LONG);

  afterAll(async () => {
    await stopTheApp();
    await sim?.close();
    if (dir !== undefined) await removeApp(dir);
    await spec.cleanup?.();
  }, LONG);

  it('--dry-run prints the diff of every file and writes nothing', async () => {
    const before = await snapshot(dir);
    const dry = await init(dir, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    for (const path of [...spec.writes, '.env', '.env.example']) expect(dry.out).toContain(`+++ b/${path}`);
    expect(dry.out).toContain('would run: pnpm add @scim/core@link:');
    expect(dry.out).toContain('Dry run: nothing was written.');
    expect(await snapshot(dir)).toEqual(before);
  });

  it(
    '--yes installs, writes the integration and mounts the route',
    async () => {
      firstRun = await init(dir, '--yes');
      expect(firstRun.code, firstRun.err).toBe(0);
      for (const path of spec.writes) expect(firstRun.out).toContain(`wrote ${path}`);
      expect(firstRun.out.includes('PGlite serves one process at a time')).toBe(spec.singleProcess === true);
      expect(firstRun.out).toContain(`Migrate the bookkeeping tables: ${spec.migrate}`);
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
      expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@scim/core', '@scalekit-sdk/node']));
      expect(Object.keys(pkg.devDependencies)).toContain('@scim/cli');
      const env = await readFile(join(dir, '.env'), 'utf8');
      expect(env).toMatch(/^SCALEKIT_WEBHOOK_SECRET=$/m);
      expect(await readFile(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
    },
    LONG,
  );

  it(
    "migrates, and the app's own tests still pass",
    async () => {
      for (const command of spec.migrate.split(' && ')) {
        const [bin, ...args] = command.split(' ');
        await sh(dir, bin!, args, spec.env(dir));
      }
      await sh(dir, 'pnpm', ['test'], spec.env(dir));
      if (spec.typecheck) await sh(dir, 'pnpm', ['exec', 'tsc', '--noEmit']);
    },
    LONG,
  );

  it(
    "applies signed webhooks through the app's own user functions",
    async () => {
      // Retries come fast (timeScale); an answer may take long on a busy machine (a PGlite app's first query
      // waits for its start), so an attempt is not given up after Scalekit's 10 s.
      sim = await startSimulator({ timeScale: 0.001, deliveryTimeoutMs: 5 * 60_000 });
      const app = await startTheApp();
      subscription = sim.webhooks.subscribe(`${app.url}/webhooks/scalekit`);
      const organization = sim.state.createOrganization();
      const directory = sim.state.createDirectory(organization.id);
      organizationId = organization.id;
      directoryId = directory.id;
      const grace = sim.state.createUser(directory.id, {
        email: 'grace@acme.test',
        givenName: 'Grace',
        familyName: 'Hopper',
        title: 'Commander',
      });
      const alan = sim.state.createUser(directory.id, {
        email: 'alan@acme.test',
        givenName: 'Alan',
        familyName: 'Kay',
      });
      // The creations are delivered before the changes, so that the audit log's order below is the story's.
      // (Delivered together, a creation and a deactivation of the same new user once raced in @scim/core's
      // service mode; that race is fixed, and the conformance suite's service:concurrency tests it.)
      await sim.webhooks.idle({ timeoutMs: 5 * 60_000 });
      sim.state.updateUser(grace.id, { title: 'Rear Admiral', department: 'Navy' });
      sim.state.deactivateUser(alan.id);
      await sim.webhooks.idle({ timeoutMs: 5 * 60_000 });

      const attempts = sim.webhooks.log();
      expect(attempts.filter((attempt) => attempt.eventType.includes('.user_')).length).toBeGreaterThanOrEqual(4);
      for (const attempt of attempts) {
        expect(attempt.outcome, `${attempt.eventType}: ${attempt.status ?? attempt.error}\n${app.output()}`).toBe(
          'delivered',
        );
      }

      // The app's own functions did the writes: its audit log has every change.
      const audit = await json<AuditEntry[]>(`${app.url}/audit`);
      const byEmail = (email: string) =>
        audit.filter((entry) => (entry.email ?? entry.user?.email) === email).map((entry) => entry.action);
      expect(byEmail('grace@acme.test')).toEqual(expect.arrayContaining(['created', 'updated']));
      // A directory deactivation arrives as a user_updated with active: false: the app's update and its
      // deactivation both run; the final state is checked below.
      expect(byEmail('alan@acme.test')[0], JSON.stringify(audit)).toBe('created');
      const deliveries = attempts.map((a) => `${a.eventType} ${a.status} ${a.responseBody}`).join('\n');
      expect(byEmail('alan@acme.test'), `${JSON.stringify(audit)}\n${deliveries}`).toContain('deactivated');
      const users = await json<AppUser[]>(`${app.url}/users`);
      expect(users.find((user) => user.email === 'grace@acme.test')).toMatchObject(spec.grace);
      expect(users.find((user) => user.email === 'alan@acme.test')).toMatchObject({ active: false });
    },
    LONG,
  );

  it(
    'scim doctor passes every check against the app init wired, the signed delivery to its route included',
    async () => {
      // PGlite: the app must be stopped while doctor opens its database, so the route cannot be probed.
      if (spec.singleProcess) await stopTheApp();
      const url = app === undefined ? 'http://127.0.0.1:9/webhooks/scalekit' : `${app.url}/webhooks/scalekit`;
      // The config init wrote takes the URL from SCIM_WEBHOOK_URL (its default is the app's usual port).
      const doctor = await scim(dir, ['doctor', '--json', '--org', organizationId], {
        ...appEnv(),
        SCIM_WEBHOOK_URL: url,
      });
      const report = JSON.parse(doctor.out) as { ok: boolean; checks: CheckResult[] };
      const byId = (id: string) => report.checks.find((c) => c.id === id);
      expect(report.checks.map((c) => c.id)).toEqual(doctorCheckIds(organizationId, { harmless: !spec.singleProcess }));
      expect(byId(`scalekit.organization.${organizationId}`)?.data).toMatchObject({
        organizationId,
        directories: [{ id: directoryId, enabled: true, totalUsers: 1 }],
      });
      expect(byId('database')?.detail).toContain('bookkeeping tables migrated');
      if (spec.singleProcess) {
        // Every other check passes; the route is not there to answer, and doctor says to start the app.
        expect(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([
          ['webhook.signed', 'fail'],
          ['webhook.wrong-signature', 'skip'],
        ]);
        expect(byId('webhook.signed')?.detail).toContain('cannot be reached');
        expect(byId('webhook.signed')?.fix).toContain('Start the app');
        expect(doctor.code).toBe(1);
        await startTheApp();
        return;
      }
      expect(
        report.checks.filter((c) => c.status !== 'pass'),
        app?.output(),
      ).toEqual([]);
      expect(report.ok).toBe(true);
      expect(doctor.code, doctor.err).toBe(0);
      // The probe signed with SCALEKIT_WEBHOOK_SECRET went through the app's mounted route and its engine, and
      // was recorded in the app's own database (the config's), as an event of no known type; the one signed
      // with another secret was refused.
      expect(byId('webhook.signed')?.detail).toContain('got 200 unknown_type');
      expect(byId('webhook.wrong-signature')?.detail).toContain('rejected (400');
      expect(byId('webhook.harmless')?.detail).toContain("recorded as unknown_type in the app's database");
    },
    LONG,
  );

  it(
    "scim sync repairs the deliveries the app missed, through the app's own user functions",
    async () => {
      const simulator = sim!;
      // The app misses these changes: its endpoint is unsubscribed, so Scalekit never sends them.
      subscription.unsubscribe();
      if (app === undefined) await startTheApp();
      const attemptsBefore = simulator.webhooks.log().length;
      const grace = simulator.state.users(directoryId).find((user) => user.email === 'grace@acme.test')!;
      simulator.state.updateUser(grace.id, { title: 'Admiral', department: 'Fleet' });
      simulator.state.createUser(directoryId, { email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace' });
      await simulator.webhooks.idle({ timeoutMs: 60_000 });
      expect(simulator.webhooks.log()).toHaveLength(attemptsBefore);
      const auditBefore = await json<AuditEntry[]>(`${app!.url}/audit`);
      const before = await json<AppUser[]>(`${app!.url}/users`);
      expect(before.map((user) => user.email)).not.toContain('ada@acme.test');
      expect(before.find((user) => user.email === 'grace@acme.test')).toMatchObject(spec.grace);

      if (spec.singleProcess) await stopTheApp();
      const dry = await scim(dir, ['sync', '--org', organizationId, '--dry-run'], appEnv());
      expect(dry.code, dry.err).toBe(0);
      expect(dry.out).toContain('Plan (2 changes):');
      expect(dry.out).toMatch(/\+ create +user +\S+ +ada@acme\.test/);
      expect(dry.out).toMatch(new RegExp(`~ update +user +${grace.id}`));

      const sync = await scim(dir, ['sync', '--org', organizationId], appEnv());
      expect(sync.code, sync.err).toBe(0);
      expect(sync.out).toContain(`${organizationId} · ${directoryId} · full sync`);
      expect(row(sync.out, 'created')[0]).toBe(1);
      expect(row(sync.out, 'updated')[0]).toBe(1);
      expect(row(sync.out, 'deactivated')[0]).toBe(0);
      expect(row(sync.out, 'listed')[0]).toBe(2);
      expect(sync.err).toMatch(new RegExp(`\\[${organizationId}\\] done: .*2/2 users listed`));

      const running = app ?? (await startTheApp());
      const users = await json<AppUser[]>(`${running.url}/users`);
      expect(users.find((user) => user.email === 'ada@acme.test')).toMatchObject({
        name: 'Ada Lovelace',
        active: true,
      });
      expect(users.find((user) => user.email === 'grace@acme.test')).toMatchObject(spec.graceSynced);
      expect(users.find((user) => user.email === 'alan@acme.test')).toMatchObject({ active: false });
      // The sync's writes went through the app's own functions: its audit log has the creation and the update,
      // and nothing of Alan: the directory no longer lists him, and the SDK's record (read in the sync's
      // transaction, and compare-and-set on write) already says inactive, so the app is not told again.
      const audit = await json<AuditEntry[]>(`${running.url}/audit`);
      const added = audit
        .slice(auditBefore.length)
        .map((entry) => `${entry.email ?? entry.user?.email} ${entry.action}`);
      expect(added.sort(), sync.out).toEqual(['ada@acme.test created', 'grace@acme.test updated']);

      // Nothing left to repair: a second sync changes nothing.
      if (spec.singleProcess) await stopTheApp();
      const again = await scim(dir, ['sync', '--org', organizationId], appEnv());
      expect(again.code, again.err).toBe(0);
      expect(row(again.out, 'unchanged')[0]).toBe(2);
      expect(row(again.out, 'created')[0]).toBe(0);
      expect(row(again.out, 'updated')[0]).toBe(0);
      // And calls none of the app's functions.
      const afterAgain = app ?? (await startTheApp());
      expect(await json<AuditEntry[]>(`${afterAgain.url}/audit`)).toHaveLength(audit.length);
    },
    LONG,
  );

  it(
    'a second run changes nothing',
    async () => {
      const before = await snapshot(dir);
      const again = await init(dir, '--yes');
      expect(again.code, again.err).toBe(0);
      expect(again.out).toContain('Nothing to change');
      expect(again.out).not.toContain('running pnpm');
      expect(await snapshot(dir)).toEqual(before);
    },
    LONG,
  );
});
