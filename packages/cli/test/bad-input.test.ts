import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { appFolder, scalekitOf, writeConfig } from './fixture/workspace.js';
import { captureIO } from './support.js';

let sim: Simulator;
let org: string;
let folder: Awaited<ReturnType<typeof appFolder>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3 });
  const seeded = sim.state.seed({ users: 3 });
  org = seeded.organization.id;
  folder = await appFolder();
});
afterAll(async () => {
  await sim?.close();
  await folder?.remove();
});

async function scim(args: string[]) {
  const cli = captureIO({ cwd: folder.dir });
  const code = await run(args, cli.io);
  return { code, out: cli.out, err: cli.err };
}

describe('bad input', () => {
  it('stops at an unknown flag or a bad value before the app is touched', async () => {
    await writeConfig(folder.dir, { file: folder.file, scalekit: scalekitOf(sim.env()), defaultDepartment: 'x' });
    for (const args of [
      ['sync', '--org', org, '--bogus'],
      ['sync', '--org', 'acme'],
      ['sync', '--full', '--incremental', '--org', org],
      ['status', '--org', org, '--limit', '3'],
    ]) {
      const { code, err } = await scim(args);
      expect(code, args.join(' ')).toBe(1);
      expect(err).toMatch(/^error: /);
    }
    // The app's database was never opened, so never created.
    expect(existsSync(folder.file)).toBe(false);
  });

  it('asks which organization when the config does not say', async () => {
    const { code, err } = await scim(['sync']);
    expect(code).toBe(1);
    expect(err).toContain('say which organization: --org <id>, or --all');
    const all = await scim(['sync', '--all']);
    expect(all.code).toBe(1);
    expect(all.err).toContain('--all needs the organizations your app serves');
    expect(existsSync(folder.file)).toBe(false);
  });

  it('reports an organization Scalekit does not know, with its cause', async () => {
    const { code, err } = await scim(['sync', '--org', 'org_404']);
    expect(code).toBe(1);
    expect(err).toContain('the sync of org_404 failed');
    expect(err).toContain('caused by: [not_found] organization not found');
  });

  it('reports a config module that throws, with its cause', async () => {
    await writeFile(join(folder.dir, 'broken.config.mjs'), `throw new Error('DATABASE_URL is not set');\n`);
    const { code, err } = await scim(['status', '--config', 'broken.config.mjs']);
    expect(code).toBe(1);
    expect(err).toContain('broken.config.mjs could not be loaded');
    expect(err).toContain('caused by: DATABASE_URL is not set');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('reports a database that is down, with the driver error', async () => {
    // The app's engine over PostgreSQL at a port nobody listens on.
    await writeFile(
      join(folder.dir, 'down.config.ts'),
      `import { drizzleAdapter } from '@scim/adapter-drizzle';
import { createScimEngine, silentLogger } from '@scim/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/app', connectionTimeoutMillis: 5000 });
export default {
  engine: () => createScimEngine({ adapter: drizzleAdapter(drizzle({ client: pool })), users: { create: async () => 1, update: async () => {}, deactivate: async () => {} }, logger: silentLogger }),
  close: () => pool.end(),
};
`,
    );
    for (const args of [['status'], ['events', '--status', 'rejected'], ['replay', '--rejected']]) {
      const { code, err } = await scim([...args, '--config', 'down.config.ts']);
      expect(code, args.join(' ')).toBe(1);
      expect(err).toContain('the database could not be reached [STORAGE_FAILURE]');
      expect(err).toMatch(/caused by: connect ECONNREFUSED 127\.0\.0\.1:1/);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });
});
