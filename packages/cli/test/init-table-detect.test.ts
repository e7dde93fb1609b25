import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { snapshot } from './init-apps.js';
import { captureIO } from './support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scim-init-table-'));
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

const SCHEMA = `import { boolean, pgTable, serial, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull(),
  firstName: text('first_name'),
  enabled: boolean('enabled').notNull().default(true),
  tenant: text('tenant').notNull(),
});
`;

/** A Drizzle app (ESM JavaScript) with a users table and not one user function. */
const DRIZZLE_APP = {
  'package.json': JSON.stringify({
    type: 'module',
    dependencies: { express: '^5.1.0', 'drizzle-orm': '^0.45.0', pg: '^8' },
  }),
  'drizzle.config.js': "export default { dialect: 'postgresql', schema: './src/schema.js' };\n",
  'src/schema.js': SCHEMA,
  'src/db.js':
    "import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL);\n",
};

describe('scim init on an app without user functions', () => {
  it('--yes maps the users table, adds its key columns, and says what it mapped and what a new row lacks', async () => {
    await files(DRIZZLE_APP);
    const cli = captureIO({ cwd: dir });
    expect(await run(['init', '--yes', '--no-install'], cli.io), cli.err).toBe(0);
    expect(cli.out).toContain(
      "warning: no user functions found; mapping the users table users (src/schema.js) directly: the adapter writes the table itself: your app's own user functions and their side effects are bypassed",
    );
    expect(cli.out).toContain('note table mapping of users: email <- email, firstName <- givenName, enabled <- active');
    expect(cli.out).toContain(
      'note directory attributes left unmapped (no column of that name): displayName, familyName, department, title',
    );
    expect(cli.out).toContain('note users.tenant is NOT NULL without a default and nothing maps it');

    const module = await readFile(join(dir, 'src/scim.js'), 'utf8');
    expect(module).toContain("import { drizzleAdapter } from '@scim/adapter-drizzle';");
    expect(module).toContain("import { db } from './db.js';");
    expect(module).toContain("import { users } from './schema.js';");
    expect(module).toContain(
      [
        '  adapter: drizzleAdapter(db, {',
        '    users: {',
        '      model: users,',
        "      organizationId: 'scimOrganizationId',",
        "      userId: 'scimUserId',",
        '      fields: (user) => ({',
        '        email: emailOf(user),',
        '        firstName: user.givenName ?? null,',
        '      }),',
        "      active: 'enabled',",
      ].join('\n'),
    );
    const schema = await readFile(join(dir, 'src/schema.js'), 'utf8');
    expect(schema).toContain("import { boolean, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';");
    expect(schema).toContain(
      "  scimUserId: text('scim_user_id'),\n}, (t) => [uniqueIndex('users_scim_key').on(t.scimOrganizationId, t.scimUserId)]);",
    );
    // Then the bookkeeping tables, appended by the schema step.
    expect(schema).toMatch(/export \* from '@scim\/adapter-drizzle\/pg';\n$/);

    const before = await snapshot(dir);
    const again = captureIO({ cwd: dir });
    expect(await run(['init', '--yes', '--no-install'], again.io), again.err).toBe(0);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('stops, as before, when no users table can be found either', async () => {
    await files({ ...DRIZZLE_APP, 'src/schema.js': SCHEMA.replaceAll('users', 'invoices') });
    const before = await snapshot(dir);
    const cli = captureIO({ cwd: dir });
    expect(await run(['init', '--yes'], cli.io)).toBe(1);
    expect(cli.err).toContain('found no user function to create, update, deactivate a user');
    expect(cli.err).toContain('Nor did it find a users table');
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('scim init on a terminal, on an app without user functions', () => {
  /** Answers each prompt with its keys once it is on screen. */
  function answer(cli: ReturnType<typeof captureIO>, answers: [string, string][]) {
    Object.assign(cli.io.stdin, { setRawMode: () => cli.io.stdin });
    const stdin = cli.io.stdin as unknown as NodeJS.WritableStream;
    let seen = 0;
    (cli.io.stdout as unknown as NodeJS.ReadableStream).on('data', () => {
      const next = answers[0];
      if (next === undefined || !cli.out.slice(seen).includes(next[0])) return;
      seen = cli.out.length;
      answers.shift();
      setImmediate(() => stdin.write(next[1]));
    });
  }

  it('asks before mapping the table, saying what is bypassed', async () => {
    await files(DRIZZLE_APP);
    const cli = captureIO({ cwd: dir, tty: true });
    const answers: [string, string][] = [
      ['Map your users table users (src/schema.js) directly?', '\r'],
      ['Go ahead?', '\r'],
    ];
    answer(cli, answers);
    expect(await run(['init', '--no-install'], cli.io), cli.err).toBe(0);
    expect(answers).toEqual([]);
    expect(cli.out).toContain("your app's own user functions and their side effects are bypassed");
    expect(await readFile(join(dir, 'src/scim.js'), 'utf8')).toContain('model: users,');
  });

  it('answered no, stops and writes nothing', async () => {
    await files(DRIZZLE_APP);
    const before = await snapshot(dir);
    const cli = captureIO({ cwd: dir, tty: true });
    const answers: [string, string][] = [['Map your users table', '\u001b[C\r']];
    answer(cli, answers);
    expect(await run(['init', '--no-install'], cli.io)).toBe(1);
    expect(answers).toEqual([]);
    expect(cli.err).toContain('found no user function');
    expect(await snapshot(dir)).toEqual(before);
  });
});
