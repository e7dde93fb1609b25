import { createHash } from 'node:crypto';
import { createScimServer, engineScimStore } from '@scim/scim-server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { freshDatabase, pgEngine } from './fixtures/database.js';
import { writeConfig } from './fixtures/write-config.js';
import { captureIO } from './support.js';

const ORG = 'org_tokens_acme';
const OTHER = 'org_tokens_globex';
const EMPTY = 'org_tokens_initech';
let databaseUrl: string;
let configPath: string;
let app: ReturnType<typeof pgEngine>;
let raw: pg.Pool;

beforeAll(async () => {
  databaseUrl = await freshDatabase('scim_cli_tokens', { migrated: true });
  configPath = writeConfig('tokens', { databaseUrl, organizations: [ORG, OTHER, EMPTY] }).path;
  app = pgEngine(databaseUrl);
  raw = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});

afterAll(async () => {
  await app?.pool.end();
  await raw?.end();
});

async function scim(args: string[]) {
  const cli = captureIO();
  const code = await run(['tokens', ...args, '--config', configPath], cli.io);
  return { code, out: cli.out, err: cli.err };
}

/** What the app's SCIM server answers a request with this bearer token. */
async function authenticates(token: string): Promise<boolean> {
  const server = createScimServer({ store: engineScimStore(app.engine) });
  const answer = await server.handle({ method: 'GET', path: '/Users', headers: { authorization: `Bearer ${token}` } });
  return answer.status === 200;
}

async function storedRows(): Promise<Record<string, unknown>[]> {
  return (await raw.query('SELECT * FROM scim_tokens ORDER BY created_at')).rows;
}

function tokenOf(out: string): string {
  const match = /scim_[A-Za-z0-9_-]{20,}/.exec(out);
  expect(match).not.toBeNull();
  return match![0];
}

describe('scim tokens', () => {
  let first: string;

  it('creates a token, shows it once, and stores only its hash', async () => {
    const created = await scim(['create', '--org', ORG, '--label', 'Okta production']);
    expect(created.code).toBe(0);
    first = tokenOf(created.out);
    expect(created.out).toContain('shown this once');
    expect(await authenticates(first)).toBe(true);

    const rows = await storedRows();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(first);
    expect(rows[0]?.hash).toBe(createHash('sha256').update(first).digest('hex'));

    const listed = await scim(['list', '--org', ORG]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^ID\s+LABEL\s+CREATED\s+STATE/);
    expect(listed.out).toContain('Okta production');
    expect(listed.out).toContain(String(rows[0]?.hash).slice(0, 12));
    expect(listed.out).not.toContain(first);
    expect(listed.out).not.toContain(String(rows[0]?.hash));
  });

  it('rotates: a new token, and the old one keeps working for the overlap only', async () => {
    const rotated = await scim(['rotate', '--org', ORG, '--overlap', '2h', '--json']);
    expect(rotated.code).toBe(0);
    const answer = JSON.parse(rotated.out) as { token: string; id: string; organizationId: string; state: string };
    expect(answer).toMatchObject({ organizationId: ORG, state: 'active' });
    expect(answer.token).not.toBe(first);
    expect(await authenticates(answer.token)).toBe(true);
    expect(await authenticates(first)).toBe(true);

    const listed = JSON.parse((await scim(['list', '--org', ORG, '--json'])).out) as {
      id: string;
      expiresAt: string | null;
      state: string;
    }[];
    expect(listed).toHaveLength(2);
    const old = listed.find((t) => t.id !== answer.id)!;
    const hoursLeft = (new Date(old.expiresAt!).getTime() - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(1.9);
    expect(hoursLeft).toBeLessThanOrEqual(2);
    expect(JSON.stringify(listed)).not.toContain('scim_');
  });

  it('rotates with no overlap: the old token stops at once', async () => {
    const old = tokenOf((await scim(['create', '--org', OTHER])).out);
    const rotated = tokenOf((await scim(['rotate', '--org', OTHER, '--overlap', '0m'])).out);
    expect(await authenticates(old)).toBe(false);
    expect(await authenticates(rotated)).toBe(true);
  });

  it('revokes a token by its id at once; the others keep working', async () => {
    const listed = JSON.parse((await scim(['list', '--org', ORG, '--json'])).out) as {
      id: string;
      createdAt: string;
    }[];
    const oldest = [...listed].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0]!;
    const revoked = await scim(['revoke', '--org', ORG, oldest.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked token ${oldest.id}`);
    expect(await authenticates(first)).toBe(false);
    const after = JSON.parse((await scim(['list', '--org', ORG, '--json'])).out) as { id: string; state: string }[];
    expect(after.find((t) => t.id === oldest.id)?.state).toBe('expired');
    expect(after.filter((t) => t.state === 'active')).toHaveLength(1);
  });

  it('keeps organizations apart: a token of one is not listed or revocable in another', async () => {
    const mine = JSON.parse((await scim(['list', '--org', ORG, '--json'])).out) as { id: string }[];
    const other = JSON.parse((await scim(['list', '--org', OTHER, '--json'])).out) as { id: string }[];
    expect(other.some((t) => mine.some((m) => m.id === t.id))).toBe(false);
    expect((await scim(['list', '--org', EMPTY])).out).toContain(`No SCIM token for ${EMPTY}`);
    const refused = await scim(['revoke', '--org', OTHER, mine[0]!.id]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`no token ${mine[0]!.id} in ${OTHER}`);
  });

  it('refuses bad input with a clear message, exit code 1 and nothing written', async () => {
    const before = await storedRows();
    const cases: [string[], string][] = [
      [['create', '--org', 'org_nobody'], 'org_nobody is not an organization of this app'],
      [['create'], "required option '--org <id>' not specified"],
      [['rotate', '--org', ORG, '--overlap', 'soon'], '--overlap soon is not a duration'],
      [['create', '--org', ORG, '--expires-in', '-1d'], '--expires-in -1d is not a duration'],
      [['revoke', '--org', ORG, 'not-an-id'], 'not-an-id is not a token id'],
      [['revoke', '--org', ORG, 'ffffffffffff'], `no token ffffffffffff in ${ORG}`],
      [['list', '--org', ORG, '--bogus'], "unknown option '--bogus'"],
    ];
    for (const [args, message] of cases) {
      const result = await scim(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err, args.join(' ')).toContain(message);
      expect(result.out).not.toMatch(/scim_[A-Za-z0-9_-]{20,}/);
    }
    expect(await storedRows()).toEqual(before);
  });

  it('says so when the database is down', async () => {
    const down = writeConfig('tokens-down', { databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing' }).path;
    const cli = captureIO();
    expect(await run(['tokens', 'list', '--org', ORG, '--config', down], cli.io)).toBe(1);
    expect(cli.err).toContain('ECONNREFUSED');
  });
});
