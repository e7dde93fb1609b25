import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { copyFixture, REPO, removeApp, sh, snapshot } from './init-apps.js';
import { captureIO } from './support.js';

/*
 * `scim init` on a Mongoose app, checked only as far as it goes without a MongoDB server: this machine has none and
 * cannot get one (not in apt; mongodb-memory-server cannot download a mongod here).
 *
 * Covered here:
 * - the dry run prints the diff of every file it would write (src/scim.ts, scim.config.ts, src/app.ts, .env,
 *   .env.example) and the install command, and writes nothing;
 * - `--yes` installs @scim/core, @scim/adapter-mongoose, @scim/http-express and @scalekit-sdk/node, adds the
 *   SCALEKIT_* names to .env, says that Mongoose needs no migration, and mounts the route before express.json();
 * - the written module hands the app's createUser, updateUser and deactivateUser the adapter's session, and the
 *   written scim.config connects with the app's own variable (MONGODB_URI, or the one of an app's own connection)
 *   and closes the connection;
 * - the app typechecks with the written files, and the module loads without a server (the scim_* models are
 *   registered on the connection, nothing connects);
 * - a second run changes nothing; an app without user functions gets a clear error and nothing is written.
 *
 * Not covered (each needs a running mongod): starting the app, signed webhooks applied through its user functions
 * (test/init.test.ts runs that story for the SQL fixtures), the session handed to those functions in a real
 * transaction (replica set) or none (standalone), the scim_* indexes built on first use, `scim doctor` (its
 * database and webhook checks) and `scim sync` against the app. The fixture has no test suite of its own to re-run.
 */

const LONG = 15 * 60_000;

async function init(dir: string, ...flags: string[]) {
  const cli = captureIO({ cwd: dir, env: { ...process.env, CI: '1' } });
  const code = await run(['init', ...flags, '--packages-from', REPO], cli.io);
  return { code, out: cli.out, err: cli.err };
}

describe('scim init on express-mongoose (default connection)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await copyFixture('express-mongoose');
    await sh(dir, 'pnpm', ['install', '--frozen-lockfile', '--prefer-offline']);
    // The app typechecks before SCIM.
    await sh(dir, 'pnpm', ['exec', 'tsc', '--noEmit']);
  }, LONG);

  afterAll(async () => {
    if (dir !== undefined) await removeApp(dir);
  }, LONG);

  it('--dry-run prints the diff of every file and writes nothing', async () => {
    const before = await snapshot(dir);
    const dry = await init(dir, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Mongoose, its default connection (mongoose.connection)');
    for (const path of ['src/scim.ts', 'scim.config.ts', 'src/app.ts', '.env', '.env.example']) {
      expect(dry.out).toContain(`+++ b/${path}`);
    }
    expect(dry.out).toMatch(/would run: pnpm add @scim\/core@link:\S+ @scim\/adapter-mongoose@link:/);
    expect(dry.out).toContain('Dry run: nothing was written.');
    expect(await snapshot(dir)).toEqual(before);
  });

  it(
    '--yes installs, writes the integration over the default connection, mounts the route, says no migration',
    async () => {
      const run1 = await init(dir, '--yes');
      expect(run1.code, run1.err).toBe(0);
      for (const path of ['src/scim.ts', 'scim.config.ts', 'src/app.ts']) expect(run1.out).toContain(`wrote ${path}`);
      expect(run1.out).toContain('No migration with Mongoose');
      expect(run1.out).not.toContain('Migrate the bookkeeping tables');
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
      expect(Object.keys(pkg.dependencies)).toEqual(
        expect.arrayContaining(['@scim/core', '@scim/adapter-mongoose', '@scim/http-express', '@scalekit-sdk/node']),
      );
      expect(await readFile(join(dir, '.env'), 'utf8')).toMatch(/^SCALEKIT_WEBHOOK_SECRET=$/m);

      const app = await readFile(join(dir, 'src/app.ts'), 'utf8');
      const mount = app.indexOf("app.use('/webhooks/scalekit', scimWebhook)");
      expect(mount).toBeGreaterThan(-1);
      // Before the JSON parser: the signature is over the raw body.
      expect(mount).toBeLessThan(app.indexOf('app.use(express.json())'));
    },
    LONG,
  );

  it("wires the app's own user functions, handing them the adapter's session", async () => {
    const code = await readFile(join(dir, 'src/scim.ts'), 'utf8');
    expect(code).toContain("import mongoose from 'mongoose';");
    expect(code).toContain('export const scimAdapter = mongooseAdapter(mongoose.connection);');
    expect(code).toContain("import { createUser, deactivateUser, updateUser } from './users/service';");
    const session = (fn: string, index: number) => `ctx.tx as unknown as Parameters<typeof ${fn}>[${index}]`;
    expect(code).toContain(`return createdId(await createUser(`);
    expect(code).toContain(session('createUser', 1));
    expect(code).toMatch(/await updateUser\(id, \{[^}]*email: emailOf\(user\)[^}]*\}, ctx\.tx as unknown/);
    expect(code).toContain(`await deactivateUser(id, ${session('deactivateUser', 1)});`);
    expect(code).toContain('jobTitle: user.title ?? undefined');

    const config = await readFile(join(dir, 'scim.config.ts'), 'utf8');
    // The commands connect themselves, with the variable the app connects with.
    expect(config).toContain('const uri = process.env.MONGODB_URI;');
    expect(config).toContain('await mongoose.connection.openUri(uri);');
    expect(config).toContain('await mongoose.connection.close();');
  });

  it(
    'the app typechecks with the written files, and the module loads without a server',
    async () => {
      await sh(dir, 'pnpm', ['exec', 'tsc', '--noEmit']);
      // Loading registers the scim_* models on the default connection and connects nothing (readyState 0).
      const probe = [
        "const scim = require('./src/scim.ts');",
        "const mongoose = require('mongoose');",
        'console.log(JSON.stringify({',
        '  engine: typeof scim.scimEngine.handleWebhook,',
        '  webhook: typeof scim.scimWebhook,',
        '  state: mongoose.connection.readyState,',
        '  links: mongoose.connection.modelNames().some((name) => /link/i.test(name)),',
        '}));',
      ].join('\n');
      await writeFile(join(dir, 'probe.cjs'), probe);
      try {
        const { stdout } = await sh(dir, 'pnpm', ['exec', 'tsx', 'probe.cjs']);
        expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
          engine: 'function',
          webhook: 'function',
          state: 0,
          links: true,
        });
      } finally {
        await rm(join(dir, 'probe.cjs'), { force: true });
      }
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
      expect(await snapshot(dir)).toEqual(before);
    },
    LONG,
  );
});

describe('scim init on a Mongoose app that exports its own connection (dry run, no install)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-init-mongoose-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function files(entries: Record<string, string>) {
    for (const [path, content] of Object.entries(entries)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  }

  const app = {
    'package.json': JSON.stringify({
      name: 'crew',
      type: 'module',
      dependencies: { express: '^5.1.0', mongoose: '^9.0.0' },
    }),
    'pnpm-lock.yaml': '',
    'src/db.js': [
      "import mongoose from 'mongoose';",
      'export const conn = mongoose.createConnection(process.env.CREW_MONGO_URL);',
    ].join('\n'),
    'src/app.js': ["import express from 'express';", 'export const app = express();', 'app.use(express.json());'].join(
      '\n',
    ),
  };

  it("wires mongooseAdapter to the app's connection and the commands to its variable", async () => {
    await files({
      ...app,
      'src/members.js': [
        "import { conn } from './db.js';",
        'export async function addMember({ email, name }, session) {',
        "  const [m] = await conn.model('Member').create([{ email, name }], { session });",
        '  return m;',
        '}',
        'export async function updateMember(id, { email, name }, session) {}',
        'export async function removeMember(id, session) {}',
      ].join('\n'),
    });
    const dry = await init(dir, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('connection `conn` from src/db.js');
    expect(dry.out).toContain("+import { conn } from './db.js';");
    expect(dry.out).toContain('+export const scimAdapter = mongooseAdapter(conn);');
    expect(dry.out).toContain("+import { addMember, removeMember, updateMember } from './members.js';");
    expect(dry.out).toContain('+      await removeMember(id, ctx.tx);');
    expect(dry.out).toContain('+      const uri = process.env.CREW_MONGO_URL;');
    expect(dry.out).toContain('+    await conn.close();');
  });

  it('without user functions: a clear error, and nothing is written', async () => {
    await files(app);
    const before = await snapshot(dir);
    const result = await init(dir, '--yes');
    expect(result.code).not.toBe(0);
    expect(result.err).toContain('found no user function');
    expect(await snapshot(dir)).toEqual(before);
  });
});
