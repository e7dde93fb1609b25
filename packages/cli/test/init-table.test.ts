import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { copyFixture, REPO, type RunningApp, removeApp, sh, snapshot, startApp } from './init-apps.js';
import { captureIO } from './support.js';

/** Installs, sets up and checks the app; minutes on a busy 2-core machine, most of it the package manager. */
const LONG = 15 * 60_000;

async function init(dir: string, ...flags: string[]) {
  const cli = captureIO({ cwd: dir, env: { ...process.env, CI: '1' } });
  const code = await run(['init', ...flags, '--packages-from', REPO], cli.io);
  return { code, out: cli.out, err: cli.err };
}

interface AppUser {
  email: string;
  name: string | null;
  jobTitle: string | null;
  active: boolean;
  scimOrganizationId: string | null;
  scimUserId: string | null;
}

/** An app with a users table and no user functions: init falls back to the adapter's table mapping. */
describe('scim init on express-prisma-tables (no user functions)', () => {
  let dir: string;
  let app: RunningApp | undefined;
  const env = () => ({ DATABASE_URL: `file:${join(dir, 'dev.db')}` });

  beforeAll(async () => {
    dir = await copyFixture('express-prisma-tables');
    await sh(dir, 'pnpm', ['install', '--frozen-lockfile', '--prefer-offline']);
    await sh(dir, 'pnpm', ['generate'], env());
    await sh(dir, 'pnpm', ['db:migrate'], env());
  }, LONG);

  afterAll(async () => {
    await app?.stop();
    if (dir !== undefined) await removeApp(dir);
  }, LONG);

  it('--dry-run warns, shows the mapping and the key columns, and writes nothing', async () => {
    const before = await snapshot(dir);
    const dry = await init(dir, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/warning: no user functions found; mapping the users table User/);
    expect(dry.out).toContain('+++ b/src/scim.ts');
    expect(dry.out).toContain("+      model: 'User',");
    expect(dry.out).toContain('+  scimUserId         String?');
    expect(dry.out).toMatch(/\+\+\+ b\/prisma\/migrations\/\d{14}_scim_user_keys\/migration.sql/);
    expect(dry.out).toContain('Dry run: nothing was written.');
    expect(await snapshot(dir)).toEqual(before);
  });

  it(
    '--yes writes the table mapping and says what it mapped',
    async () => {
      const first = await init(dir, '--yes');
      expect(first.code, first.err).toBe(0);
      expect(first.out).toContain('warning: no user functions found');
      expect(first.out).toContain('users table      User (prisma/schema.prisma), mapped directly');
      expect(first.out).toContain(
        'table mapping of User: email <- email, name <- displayName, jobTitle <- title, active <- active',
      );
      expect(first.out).toContain(
        'directory attributes left unmapped (no column of that name): givenName, familyName, department',
      );
      for (const path of ['src/scim.ts', 'scim.config.ts', 'src/app.ts', 'prisma/schema.prisma']) {
        expect(first.out).toContain(`wrote ${path}`);
      }
      const module = await readFile(join(dir, 'src/scim.ts'), 'utf8');
      expect(module).toContain("organizationId: 'scimOrganizationId'");
      expect(module).toContain('email: emailOf(user),');
      expect(module).toContain('jobTitle: user.title ?? null,');
    },
    LONG,
  );

  it(
    'migrates, and the written module typechecks against the generated client',
    async () => {
      await sh(dir, 'pnpm', ['db:migrate'], env());
      await sh(dir, 'pnpm', ['generate'], env());
      await sh(dir, 'pnpm', ['exec', 'tsc', '--noEmit']);
    },
    LONG,
  );

  it(
    "applies signed webhooks into the app's own users table",
    async () => {
      const sim = await startSimulator({ timeScale: 0.001 });
      try {
        app = await startApp(dir, { ...env(), ...sim.env(), PORT: '0' });
        sim.webhooks.subscribe(`${app.url}/webhooks/scalekit`);
        const organization = sim.state.createOrganization();
        const directory = sim.state.createDirectory(organization.id);
        const grace = sim.state.createUser(directory.id, {
          email: 'grace@acme.test',
          givenName: 'Grace',
          familyName: 'Hopper',
          title: 'Commander',
        });
        const alan = sim.state.createUser(directory.id, { email: 'alan@acme.test', givenName: 'Alan' });
        await sim.webhooks.idle({ timeoutMs: 5 * 60_000 });
        sim.state.updateUser(grace.id, { title: 'Rear Admiral' });
        sim.state.deactivateUser(alan.id);
        await sim.webhooks.idle({ timeoutMs: 5 * 60_000 });

        const attempts = sim.webhooks.log();
        expect(attempts.filter((attempt) => attempt.eventType.includes('.user_')).length).toBeGreaterThanOrEqual(4);
        for (const attempt of attempts) {
          expect(
            attempt.status,
            `${attempt.eventType} ${attempt.responseBody}\n${app.output()}`,
          ).toBeGreaterThanOrEqual(200);
          expect(attempt.status, `${attempt.eventType} ${attempt.responseBody}\n${app.output()}`).toBeLessThan(300);
        }

        const response = await fetch(`${app.url}/users`);
        const users = (await response.json()) as AppUser[];
        expect(users).toHaveLength(2);
        expect(users.find((user) => user.email === 'grace@acme.test')).toMatchObject({
          name: 'Grace Hopper',
          jobTitle: 'Rear Admiral',
          active: true,
          scimOrganizationId: organization.id,
          scimUserId: grace.id,
        });
        expect(users.find((user) => user.email === 'alan@acme.test')).toMatchObject({
          name: 'Alan',
          active: false,
          scimUserId: alan.id,
        });
      } finally {
        await app?.stop();
        app = undefined;
        await sim.close();
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
