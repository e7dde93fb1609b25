import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envChanges } from '../src/init/env-files.js';
import { detectProject } from '../src/init/project.js';
import { renderConfig } from '../src/init/render.js';
import { exportsOf, findAppCreation } from '../src/init/source.js';
import { bestMatches, findCandidates, scoreName } from '../src/init/user-functions.js';
import { run } from '../src/program.js';
import { snapshot } from './init-apps.js';
import { captureIO } from './support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scim-init-unit-'));
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

describe("reading the app's source", () => {
  it('finds exported functions and what their parameters are, in TypeScript', () => {
    const found = exportsOf(`
interface NewUser { email: string; name?: string; plan: string }
export async function createUser(db: Db, input: NewUser) {}
export const updateUser = async (tx: Prisma.TransactionClient, userId: number, changes: Partial<NewUser>) => {};
function deactivate(id: string) {}
export { deactivate as deactivateMember };
export const prisma = new PrismaClient();
`);
    expect(found.functions).toEqual([
      {
        name: 'createUser',
        params: [
          { name: 'db', role: 'db' },
          { name: 'input', role: 'input', fields: ['email', 'name', 'plan'] },
        ],
      },
      {
        name: 'updateUser',
        params: [
          { name: 'tx', role: 'db' },
          { name: 'userId', role: 'id', idType: 'number' },
          { name: 'changes', role: 'input', fields: ['email', 'name', 'plan'] },
        ],
      },
      { name: 'deactivateMember', params: [{ name: 'id', role: 'id', idType: 'string' }] },
    ]);
    expect(found.values).toEqual([{ name: 'prisma', init: 'new PrismaClient()' }]);
  });

  it('reads CommonJS exports and destructured parameters', () => {
    const found = exportsOf(`
async function addMember(db, { email, firstName }) {}
exports.removeMember = async (db, memberId) => {};
module.exports = { addMember };
`);
    expect(found.functions.map((fn) => fn.name).sort()).toEqual(['addMember', 'removeMember']);
    expect(found.functions.find((fn) => fn.name === 'addMember')!.params[1]).toEqual({
      name: 'input',
      role: 'input',
      fields: ['email', 'firstName'],
    });
  });

  it('finds where the app is created, inside a function or at the top level', () => {
    expect(
      findAppCreation(
        `import express from 'express';\nfunction make() {\n  const app = express();\n  return app;\n}\n`,
        'express',
      ),
    ).toMatchObject([{ variable: 'app', indent: '  ', nested: true }]);
    expect(
      findAppCreation(`const fastify = require('fastify');\nconst server = fastify();\n`, 'fastify'),
    ).toMatchObject([{ variable: 'server', indent: '', nested: false }]);
    // Something else called express() is not an Express app.
    expect(findAppCreation(`const app = express();\n`, 'express')).toEqual([]);
    // An exported app: the route goes after the whole statement, its semicolon included.
    const exported = `import express from 'express';\nexport const app = express();\napp.use(express.json());\n`;
    const [found] = findAppCreation(exported, 'express');
    expect(found).toMatchObject({ variable: 'app', indent: '', nested: false });
    expect(exported.slice(0, found!.after).endsWith('export const app = express();')).toBe(true);
  });

  it('ranks conventional names first and leaves other verbs alone', () => {
    expect(scoreName('createUser', 'create')).toBe(0);
    expect(scoreName('deactivateUser', 'deactivate')).toBe(0);
    expect(scoreName('reactivateUser', 'deactivate')).toBeUndefined();
    expect(scoreName('createInvoice', 'create')).toBeUndefined();
    expect(scoreName('disableAgent', 'deactivate')).toBeGreaterThan(scoreName('deactivateUser', 'deactivate')!);
    const candidates = findCandidates(
      new Map([
        ['a.ts', exportsOf('export function createUser(db, input) {}\nexport function addMember(db, input) {}')],
        ['b.ts', exportsOf('export function createUser(db, input) {}')],
      ]),
    );
    const { chosen, ambiguous } = bestMatches(candidates);
    expect(chosen.create?.file).toBe('a.ts');
    expect(ambiguous).toEqual(['create']);
  });
});

describe('detecting the stack', () => {
  it('reads the package manager, framework, ORM, language and module system', async () => {
    await files({
      'package.json': JSON.stringify({
        type: 'module',
        dependencies: { fastify: '^5.6.0', 'drizzle-orm': '^0.45.0', pg: '^8.16.0' },
      }),
      'yarn.lock': '',
      'tsconfig.json': '{}',
      'drizzle.config.ts': `export default { dialect: 'postgresql', schema: './src/schema.ts' };`,
      'src/db.ts': `export const db = drizzle(pool);`,
      'src/server.ts': `import Fastify from 'fastify';\nconst app = Fastify();\n`,
    });
    const project = detectProject(dir);
    expect(project).toMatchObject({
      packageManager: 'yarn',
      framework: { kind: 'fastify', major: 5 },
      orm: { kind: 'drizzle', dialect: 'pg', driver: 'pg', schemaPath: 'src/schema.ts' },
      typescript: true,
      moduleType: 'esm',
      entry: 'src/server.ts',
      db: { file: 'src/db.ts', name: 'db' },
    });
    // The config the commands load ends the app's pool (a pool has end(), not close()).
    const config = renderConfig(project, { typescript: true, esm: true, extensions: true }, undefined);
    expect(config).toContain('await db.$client.end();');
  });

  it('reads the Prisma provider from the schema', async () => {
    await files({
      'package.json': JSON.stringify({ dependencies: { '@prisma/client': '7.10.0', express: '^4.21.0' } }),
      'package-lock.json': '{}',
      'prisma/schema.prisma': 'datasource db {\n  provider = "mysql"\n}\n',
    });
    expect(detectProject(dir)).toMatchObject({
      packageManager: 'npm',
      framework: { kind: 'express', major: 4 },
      orm: { kind: 'prisma', provider: 'mysql', schemaPath: 'prisma/schema.prisma' },
      typescript: false,
      moduleType: 'cjs',
    });
  });
});

describe('.env', () => {
  it('adds only the missing names, never touches a value, and ignores .env once', async () => {
    await files({ '.env': 'SCALEKIT_CLIENT_SECRET=kept-as-is\nDATABASE_URL=x', '.gitignore': '.env*\n' });
    const changes = envChanges(dir);
    const env = changes.find((change) => change.path === '.env')!;
    expect(env.content).toContain('SCALEKIT_CLIENT_SECRET=kept-as-is\nDATABASE_URL=x\n');
    expect(env.content.match(/SCALEKIT_CLIENT_SECRET=/g)).toHaveLength(1);
    expect(env.content).toMatch(/^SCALEKIT_WEBHOOK_SECRET=$/m);
    // `.env*` already ignores it.
    expect(changes.map((change) => change.path)).toEqual(['.env', '.env.example']);
    for (const change of changes) await writeFile(join(dir, change.path), change.content);
    expect(envChanges(dir)).toEqual([]);
  });
});

describe('scim init refuses bad input with exit code 1 and writes nothing', () => {
  async function init(...args: string[]) {
    const cli = captureIO({ cwd: dir });
    const code = await run(['init', ...args], cli.io);
    return { code, err: cli.err, out: cli.out };
  }

  it('outside an app', async () => {
    const result = await init('--yes');
    expect(result.code).toBe(1);
    expect(result.err).toContain('no package.json');
    expect(await snapshot(dir)).toEqual(new Map());
  });

  it('an app without an ORM', async () => {
    await files({
      'package.json': JSON.stringify({ dependencies: { express: '^5.1.0' } }),
      'src/users.js':
        'exports.createUser = (db, input) => {};\nexports.updateUser = (db, id, input) => {};\nexports.deactivateUser = (db, id) => {};\n',
    });
    const before = await snapshot(dir);
    const result = await init('--yes');
    expect(result.code).toBe(1);
    expect(result.err).toContain('no Prisma, Drizzle or Mongoose');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('an app without user functions, saying what it looked for', async () => {
    await files({
      'package.json': JSON.stringify({ dependencies: { express: '^5.1.0', 'drizzle-orm': '^0.45.0', pg: '^8' } }),
      'src/db.js': 'exports.db = drizzle(pool);\n',
    });
    const before = await snapshot(dir);
    const result = await init('--yes');
    expect(result.code).toBe(1);
    expect(result.err).toContain('found no user function to create, update, deactivate a user');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('without --yes and without a terminal', async () => {
    await files({
      'package.json': JSON.stringify({ dependencies: { express: '^5.1.0', 'drizzle-orm': '^0.45.0', pg: '^8' } }),
      'src/db.js': 'exports.db = drizzle(pool);\n',
      'src/users.js':
        'exports.createUser = (db, input) => {};\nexports.updateUser = (db, id, input) => {};\nexports.deactivateUser = (db, id) => {};\n',
    });
    const before = await snapshot(dir);
    const result = await init('--no-install');
    expect(result.code).toBe(1);
    expect(result.err).toContain('not a terminal: nothing was written');
    expect(result.err).toContain('--yes');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('an unknown flag', async () => {
    const result = await init('--yse');
    expect(result.code).toBe(1);
    expect(result.err).toContain("unknown option '--yse'");
  });
});

describe('scim init --dry-run', () => {
  it('never prints a value of .env, even as context', async () => {
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ dependencies: { express: '^5.1.0', 'drizzle-orm': '^0.45.0', pg: '^8' } }),
    );
    await writeFile(join(dir, 'src/db.js'), 'exports.db = drizzle(pool);\n');
    await writeFile(
      join(dir, 'src/users.js'),
      'exports.createUser = (db, input) => {};\nexports.updateUser = (db, id, input) => {};\nexports.deactivateUser = (db, id) => {};\n',
    );
    await writeFile(
      join(dir, '.env'),
      'DATABASE_URL=postgres://app:hunter2@db/app\nSCALEKIT_CLIENT_SECRET=sk_live_secret\n',
    );
    const before = await snapshot(dir);
    const cli = captureIO({ cwd: dir });
    expect(await run(['init', '--dry-run'], cli.io)).toBe(0);
    expect(cli.out).toContain('+++ b/.env');
    expect(cli.out).toContain('SCALEKIT_CLIENT_SECRET=<set>');
    expect(cli.out).toContain('+SCALEKIT_WEBHOOK_SECRET=');
    expect(cli.out).not.toContain('hunter2');
    expect(cli.out).not.toContain('sk_live_secret');
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('scim init on a terminal', () => {
  it('asks which function to use when several fit, then asks before writing', async () => {
    await files({
      'package.json': JSON.stringify({ dependencies: { express: '^5.1.0', 'drizzle-orm': '^0.45.0', pg: '^8' } }),
      'src/db.js': 'exports.db = drizzle(pool);\n',
      'src/users.js':
        'exports.createUser = (db, input) => {};\nexports.updateUser = (db, id, input) => {};\nexports.deactivateUser = (db, id) => {};\n',
      'src/admin/users.js': 'exports.createUser = (db, input) => {};\n',
    });
    const cli = captureIO({ cwd: dir, tty: true });
    Object.assign(cli.io.stdin, { setRawMode: () => cli.io.stdin });
    const stdin = cli.io.stdin as unknown as NodeJS.WritableStream;
    let asked = 0;
    // Answers each prompt once it is on screen: the second candidate (arrow down, enter), then "yes".
    (cli.io.stdout as unknown as NodeJS.ReadableStream).on('data', () => {
      if (asked === 0 && cli.out.includes('Which function creates a user?')) {
        asked = 1;
        setImmediate(() => stdin.write('\u001b[B\r'));
      } else if (asked === 1 && cli.out.includes('Go ahead?')) {
        asked = 2;
        setImmediate(() => stdin.write('\r'));
      }
    });
    expect(await run(['init', '--no-install'], cli.io)).toBe(0);
    expect(asked).toBe(2);
    const { readFile } = await import('node:fs/promises');
    const module = await readFile(join(dir, 'src/scim.js'), 'utf8');
    // The list is in file order (src/admin/users.js first, what --yes takes); the answer was the second one.
    expect(module).toContain("const { createUser, deactivateUser, updateUser } = require('./users');");
    expect(module).not.toContain('./admin/users');
    expect(cli.out).toContain('not installed (--no-install); run: npm install @scim/core');
  });
});

describe('scim init on a terminal, when no name fits', () => {
  it('offers every exported function of the app', async () => {
    await files({
      'package.json': JSON.stringify({ dependencies: { express: '^5.1.0', 'drizzle-orm': '^0.45.0', pg: '^8' } }),
      'src/db.js': 'exports.db = drizzle(pool);\n',
      'src/people.js':
        'exports.makePerson = (db, input) => {};\nexports.changePerson = (db, id, input) => {};\nexports.retirePerson = (db, id) => {};\n',
    });
    const cli = captureIO({ cwd: dir, tty: true });
    Object.assign(cli.io.stdin, { setRawMode: () => cli.io.stdin });
    const stdin = cli.io.stdin as unknown as NodeJS.WritableStream;
    const down = '\u001b[B';
    // Each prompt, once on screen, gets its keys: the 1st, 2nd and 3rd function, then "yes".
    const answers: [string, string][] = [
      ['Which one does?', '\r'],
      ['that updates a user', `${down}\r`],
      ['that deactivates a user', `${down}${down}\r`],
      ['Go ahead?', '\r'],
    ];
    let seen = 0;
    (cli.io.stdout as unknown as NodeJS.ReadableStream).on('data', () => {
      const next = answers[0];
      if (next === undefined || !cli.out.slice(seen).includes(next[0])) return;
      seen = cli.out.length;
      answers.shift();
      setImmediate(() => stdin.write(next[1]));
    });
    expect(await run(['init', '--no-install'], cli.io), cli.err).toBe(0);
    expect(answers).toEqual([]);
    const { readFile } = await import('node:fs/promises');
    const module = await readFile(join(dir, 'src/scim.js'), 'utf8');
    expect(module).toContain("const { changePerson, makePerson, retirePerson } = require('./people');");
    expect(module).toContain('await retirePerson(ctx.tx, appId(id));');
    expect(module).not.toContain('reactivate(');
  });
});

describe('scim init on an app without Express or Fastify', () => {
  it('writes a framework-neutral handler and says where to call it', async () => {
    await files({
      'package.json': JSON.stringify({
        type: 'module',
        dependencies: { koa: '^2.15.0', 'drizzle-orm': '^0.45.0', 'better-sqlite3': '^12' },
      }),
      'src/db.js': "import { drizzle } from 'drizzle-orm/better-sqlite3';\nexport const db = drizzle('app.db');\n",
      'src/users.js':
        'export async function createUser(db, { email, name }) {}\nexport async function updateUser(db, id, { email, name }) {}\nexport async function deactivateUser(db, id) {}\n',
      'src/server.js': "import Koa from 'koa';\nconst app = new Koa();\napp.listen(3000);\n",
    });
    const cli = captureIO({ cwd: dir });
    expect(await run(['init', '--yes', '--no-install'], cli.io)).toBe(0);
    const { readFile } = await import('node:fs/promises');
    const module = await readFile(join(dir, 'src/scim.js'), 'utf8');
    expect(module).toContain("import { createUser, deactivateUser, updateUser } from './users.js';");
    expect(module).toContain('export async function handleScimWebhook(headers, rawBody) {');
    expect(module).toContain('return scimEngine.handleWebhook({ headers, rawBody });');
    expect(cli.out).toContain('framework        none found (framework-neutral handler)');
    expect(cli.out).toContain('call handleScimWebhook(headers, rawBody) from src/scim.js');
    expect(await readFile(join(dir, 'src/server.js'), 'utf8')).not.toContain('scim');
  });
});
