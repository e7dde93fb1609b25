import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScimEngine } from '@scim/core';
import { type Simulator, startSimulator } from '@scim/simulator';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../src/doctor/run-doctor.js';
import type { CheckResult } from '../src/doctor/types.js';
import { run } from '../src/program.js';
import { freshDatabase, pgEngine } from './fixtures/database.js';
import { type Mounting, startApp } from './fixtures/express-app.js';
import { writeConfig } from './fixtures/write-config.js';
import { captureIO, doctorCheckIds } from './support.js';

const MIGRATED = 'scim_cli_doctor';
const BARE = 'scim_cli_doctor_bare';

let sim: Simulator;
let organizationId: string;
let directoryId: string;
let env: Record<string, string>;
let databaseUrl: string;
let bareUrl: string;
let app: { engine: ScimEngine; pool: pg.Pool };
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 16 });
  const seeded = sim.state.seed({ users: 5, groups: 2 });
  organizationId = seeded.organization.id;
  directoryId = seeded.directory.id;
  env = { ...sim.env() } as Record<string, string>;
  databaseUrl = await freshDatabase(MIGRATED, { migrated: true });
  bareUrl = await freshDatabase(BARE, { migrated: false });
  app = pgEngine(databaseUrl, env.SCALEKIT_WEBHOOK_SECRET);
  closers.push(() => app.pool.end());
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await sim?.close();
});

/** The fixture app with its webhook mounted one way or another, on the migrated database. */
async function appUrl(mounting: Mounting, engine: ScimEngine = app.engine): Promise<string> {
  const started = await startApp(engine, mounting);
  closers.push(started.close);
  return started.url;
}

async function doctor(args: string[], ioEnv: Record<string, string | undefined> = env, cwd?: string) {
  const cli = captureIO({ env: ioEnv, ...(cwd === undefined ? {} : { cwd }) });
  const code = await run(['doctor', '--json', ...args], cli.io);
  const report = JSON.parse(cli.out) as { ok: boolean; failed: number; warnings: number; checks: CheckResult[] };
  const byId = (id: string) => report.checks.find((c) => c.id === id);
  return { code, report, byId, out: cli.out, err: cli.err };
}

function config(name: string, options: Partial<Parameters<typeof writeConfig>[1]> = {}) {
  return writeConfig(name, { databaseUrl, organizations: [organizationId], ...options }).path;
}

function expectNoSecret(text: string) {
  const webhookSecret = env.SCALEKIT_WEBHOOK_SECRET ?? '';
  expect(text).not.toContain(env.SCALEKIT_CLIENT_SECRET);
  expect(text).not.toContain(webhookSecret.slice('whsec_'.length));
}

describe('scim doctor', () => {
  it('passes every check on a correct setup, and names the organization, directory and provider', async () => {
    const url = await appUrl('good');
    const path = config('good', { webhookUrl: url });
    const { code, report, byId, out } = await doctor(['--config', path]);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, failed: 0 });
    expect(report.checks.map((c) => c.id)).toEqual(doctorCheckIds(organizationId, { harmless: true }));
    expect(byId(`scalekit.organization.${organizationId}`)?.data).toMatchObject({
      organizationId,
      directories: [{ id: directoryId, provider: 'OKTA', type: 'SCIM', enabled: true, totalUsers: 5 }],
    });
    expect(byId('webhook.signed')?.detail).toContain('200 unknown_type');
    expect(byId('webhook.wrong-signature')?.detail).toContain('400');
    expectNoSecret(out);

    // The probes reached the app's database as unknown events, and nothing else: no sync state, no user.
    const probes = await app.engine.events({ organizationId: 'org_scimdoctorprobe', limit: 100 });
    expect(probes.length).toBeGreaterThan(0);
    expect(new Set(probes.map((p) => `${p.type}:${p.status}`))).toEqual(new Set(['scim.doctor.probe:unknown_type']));
    expect(await app.engine.syncStatus('org_scimdoctorprobe')).toEqual([]);
  });

  it('prints a checklist without --json, and exits 0', async () => {
    const url = await appUrl('good');
    const cli = captureIO({ env });
    const code = await run(['doctor', '--config', config('text'), '--url', url], cli.io);
    expect(code).toBe(0);
    expect(cli.out).toContain(`✔ Organization ${organizationId}: ${directoryId} (OKTA, SCIM) enabled, 5 users`);
    expect(cli.out).toContain('✔ Database: reachable through the pg adapter, bookkeeping tables migrated');
    expect(cli.out).toContain('All checks passed.');
    expectNoSecret(cli.out + cli.err);
  });

  it('fails a missing variable, says where to find it, and skips what needs it', async () => {
    const url = await appUrl('good');
    const { code, byId, out } = await doctor(['--config', config('missing'), '--url', url], {
      ...env,
      SCALEKIT_CLIENT_SECRET: undefined,
    });
    expect(code).toBe(1);
    expect(byId('env.SCALEKIT_CLIENT_SECRET')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not set'),
    });
    expect(byId('env.SCALEKIT_CLIENT_SECRET')?.fix).toContain('API credentials');
    expect(byId('scalekit.credentials')?.status).toBe('skip');
    expect(byId('webhook.signed')?.status).toBe('pass');
    expectNoSecret(out);
  });

  it("reads the variables from the app's .env when the environment has none", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scim-doctor-env-'));
    writeFileSync(
      join(cwd, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const url = await appUrl('good');
    const { code, byId } = await doctor(['--config', config('dotenv'), '--url', url], {}, cwd);
    expect(code).toBe(0);
    expect(byId('env.SCALEKIT_CLIENT_ID')?.detail).toBe('set (from .env)');
  });

  it('fails a malformed webhook secret without quoting it', async () => {
    const url = await appUrl('good');
    const bad = 'whsec_not*base64!';
    const { code, byId, out } = await doctor(['--config', config('malformed'), '--url', url], {
      ...env,
      SCALEKIT_WEBHOOK_SECRET: bad,
    });
    expect(code).toBe(1);
    expect(byId('env.SCALEKIT_WEBHOOK_SECRET')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('base64'),
    });
    expect(byId('webhook.signed')?.status).toBe('skip');
    expect(out).not.toContain(bad);

    const plain = await doctor(['--config', config('malformed'), '--url', url], {
      ...env,
      SCALEKIT_WEBHOOK_SECRET: 'abc123',
    });
    expect(plain.byId('env.SCALEKIT_WEBHOOK_SECRET')?.detail).toContain('does not start with whsec_');
  });

  it('fails a wrong client secret: Scalekit refuses the credentials', async () => {
    const url = await appUrl('good');
    const { code, byId, out } = await doctor(['--config', config('wrong-secret'), '--url', url], {
      ...env,
      SCALEKIT_CLIENT_SECRET: 'test_wrong_secret_value',
    });
    expect(code).toBe(1);
    expect(byId('scalekit.credentials')).toMatchObject({ status: 'fail', detail: expect.stringContaining('refused') });
    expect(byId('scalekit.credentials')?.fix).toContain('SCALEKIT_CLIENT_SECRET');
    expect(out).not.toContain('test_wrong_secret_value');
  });

  it('fails an organization Scalekit does not have, given with --org', async () => {
    const url = await appUrl('good');
    const { code, byId } = await doctor(['--config', config('unknown-org'), '--url', url, '--org', 'org_doesnotexist']);
    expect(code).toBe(1);
    expect(byId('scalekit.credentials')?.status).toBe('pass');
    expect(byId('scalekit.organization.org_doesnotexist')).toMatchObject({
      status: 'fail',
      detail: 'Scalekit has no such organization in this environment',
    });
  });

  it('fails a route that is not mounted at the URL (404), and says how to mount it', async () => {
    const url = await appUrl('elsewhere');
    const { code, byId } = await doctor(['--config', config('unmounted'), '--url', url]);
    expect(code).toBe(1);
    expect(byId('webhook.signed')).toMatchObject({ status: 'fail', detail: expect.stringContaining('404') });
    expect(byId('webhook.signed')?.fix).toContain('scimRouter(engine)');
    expect(byId('webhook.wrong-signature')?.status).toBe('skip');
  });

  it('fails the binding mounted behind express.json(): the raw body is gone', async () => {
    const url = await appUrl('json-first');
    const { code, byId } = await doctor(['--config', config('json-first'), '--url', url]);
    expect(code).toBe(1);
    expect(byId('webhook.signed')).toMatchObject({
      status: 'fail',
      detail: 'answered 500: a body parser consumed the raw body before the webhook route',
    });
    expect(byId('webhook.signed')?.fix).toContain('express.json()');
    expect(byId('webhook.wrong-signature')?.status).toBe('skip');
  });

  it('fails a route that verifies the re-serialised body of express.json()', async () => {
    const url = await appUrl('reserialised');
    const { code, byId } = await doctor(['--config', config('reserialised'), '--url', url]);
    expect(code).toBe(1);
    expect(byId('webhook.signed')).toMatchObject({ status: 'fail', detail: expect.stringContaining('re-serialised') });
    expect(byId('webhook.signed')?.fix).toContain('express.json()');
  });

  it('fails a route whose app has another webhook secret', async () => {
    const other = pgEngine(databaseUrl, 'whsec_' + Buffer.alloc(32, 7).toString('base64'));
    closers.push(() => other.pool.end());
    const url = await appUrl('good', other.engine);
    const { code, byId } = await doctor(['--config', config('other-secret'), '--url', url]);
    expect(code).toBe(1);
    expect(byId('webhook.signed')?.fix).toContain('another secret');
  });

  it('fails a route that accepts a wrongly signed delivery', async () => {
    const url = await appUrl('unverified');
    const { code, byId } = await doctor(['--config', config('unverified'), '--url', url]);
    expect(code).toBe(1);
    expect(byId('webhook.signed')?.status).toBe('pass');
    expect(byId('webhook.wrong-signature')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ACCEPTED'),
    });
  });

  it('warns when the app at the URL writes to another database than the config', async () => {
    const url = await appUrl('good');
    const elsewhere = await freshDatabase('scim_cli_doctor_elsewhere', { migrated: true });
    const { code, byId } = await doctor(['--config', config('elsewhere', { databaseUrl: elsewhere }), '--url', url]);
    expect(code).toBe(0);
    expect(byId('webhook.harmless')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('another database'),
    });
  });

  it('fails a database whose bookkeeping tables are not migrated', async () => {
    const url = await appUrl('good');
    const { code, byId } = await doctor(['--config', config('bare', { databaseUrl: bareUrl }), '--url', url]);
    expect(code).toBe(1);
    expect(byId('database')).toMatchObject({ status: 'fail', data: { failure: 'not-migrated' } });
    expect(byId('database')?.fix).toContain('migrat');
  });

  it('fails a database that is down', async () => {
    const url = await appUrl('good');
    const down = 'postgres://postgres@127.0.0.1:1/nothing';
    const { code, byId } = await doctor(['--config', config('down', { databaseUrl: down }), '--url', url]);
    expect(code).toBe(1);
    expect(byId('database')).toMatchObject({ status: 'fail', data: { failure: 'unreachable' } });
    expect(byId('database')?.detail).toContain('ECONNREFUSED');
  });

  it('fails a config module that throws, with its cause', async () => {
    const url = await appUrl('good');
    const { code, byId } = await doctor([
      '--config',
      config('throws', { throws: 'DATABASE_URL is not set' }),
      '--url',
      url,
    ]);
    expect(code).toBe(1);
    expect(byId('database')?.detail).toContain('DATABASE_URL is not set');
  });

  it('fails a clock past the signature tolerance: the app refuses the probe too', async () => {
    const url = await appUrl('good');
    const cli = captureIO({ env });
    const results = await runDoctor(cli.io, { config: config('clock'), url, now: () => Date.now() + 10 * 60_000 });
    const clock = results.find((r) => r.id === 'clock');
    expect(clock).toMatchObject({ status: 'fail', detail: expect.stringContaining('tolerance') });
    expect(clock?.data?.localSkewSeconds).toBeGreaterThanOrEqual(595);
    expect(results.find((r) => r.id === 'webhook.signed')?.fix).toContain('clock');
  });

  it('refuses a --url that is not a URL, with exit code 1', async () => {
    const cli = captureIO({ env });
    expect(await run(['doctor', '--url', 'not a url'], cli.io)).toBe(1);
    expect(cli.err).toContain('--url not a url is not a URL');
  });

  it('runs as the built bin: JSON on stdout, exit code 1, Scalekit and the database unreachable', async () => {
    const bin = fileURLToPath(new URL('../bin/scim.mjs', import.meta.url));
    const down = config('bin-down', { databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing' });
    const child = execFile(
      process.execPath,
      [bin, 'doctor', '--json', '--config', down, '--url', 'http://127.0.0.1:1/hook'],
      {
        env: { ...process.env, ...env, SCALEKIT_ENVIRONMENT_URL: 'http://127.0.0.1:1' },
      },
    );
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; checks: CheckResult[] };
    const byId = (id: string) => report.checks.find((c) => c.id === id);
    expect(report.ok).toBe(false);
    expect(byId('scalekit.credentials')?.detail).toContain('cannot be reached');
    expect(byId('database')).toMatchObject({ status: 'fail', data: { failure: 'unreachable' } });
    expect(byId('webhook.signed')?.detail).toContain('cannot be reached');
    expect(byId('clock')?.status).toBe('skip');
    expectNoSecret(stdout);
  });
});
