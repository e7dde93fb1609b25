import { stripVTControlCharacters } from 'node:util';
import { type Simulator, startSimulator } from '@scim/simulator';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { openDatabase } from './fixture/app.js';
import * as schema from './fixture/schema.js';
import { appFolder, scalekitOf, writeConfig } from './fixture/workspace.js';
import { captureIO, row } from './support.js';

let sim: Simulator;
let org: string;
let directoryId: string;
let folder: Awaited<ReturnType<typeof appFolder>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 16 });
  org = sim.state.createOrganization({ name: 'Initech' }).id;
  directoryId = sim.state.createDirectory(org, { provider: 'OKTA' }).id;
  sim.state.seed({ users: 40, groups: 4, organizationId: org, directoryId });
  folder = await appFolder();
  await writeConfig(folder.dir, {
    file: folder.file,
    scalekit: scalekitOf(sim.env()),
    organizations: [org],
    defaultDepartment: 'Unassigned',
    // Small pages: the progress has several to show.
    sync: { pageSize: 10 },
  });
});

afterAll(async () => {
  await sim?.close();
  await folder?.remove();
});

/** Reads the app's own table, as the app would. */
function members() {
  const { client, db } = openDatabase(folder.file);
  try {
    const all = db.select().from(schema.members).all();
    return { all, active: all.filter((m) => m.active).length };
  } finally {
    client.close();
  }
}

async function scim(args: string[], options: { tty?: boolean } = {}) {
  const cli = captureIO({ cwd: folder.dir, ...options });
  const code = await run(args, cli.io);
  return { code, out: stripVTControlCharacters(cli.out), err: stripVTControlCharacters(cli.err), raw: cli };
}

describe('scim sync', () => {
  it('runs a full sync through the app engine, with progress lines and a table of what changed', async () => {
    const { code, out, err } = await scim(['sync', '--org', org]);
    expect(err).not.toContain('failed');
    expect(code).toBe(0);
    expect(out).toContain(`${org} · ${directoryId} · full sync`);
    expect(row(out, 'created')).toEqual([40, 4]);
    expect(row(out, 'listed')).toEqual([40, 4]);
    // Plain progress lines (not a terminal): each phase, then the end.
    expect(err).toMatch(new RegExp(`\\[${org}\\] groups: `));
    expect(err).toMatch(new RegExp(`\\[${org}\\] users: \\d+ pages, 4 groups, \\d+/40 users listed`));
    expect(err).toMatch(new RegExp(`\\[${org}\\] done: \\d+ pages, 4 groups, 40/40 users listed, 40 written`));
    expect(members().all).toHaveLength(40);
  });

  it('shows a dry run as a per-user plan, and writes nothing', async () => {
    const [first, second, third] = sim.state.users(directoryId);
    const joiner = sim.state.createUser(directoryId, { email: 'new.joiner@initech.test', givenName: 'New' });
    sim.state.updateUser(first!.id, { department: 'Platform Engineering' });
    sim.state.deactivateUser(second!.id);
    sim.state.deleteUser(third!.id);

    const dry = await scim(['sync', '--org', org, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: nothing was written');
    expect(row(dry.out, 'to create')[0]).toBe(1);
    expect(row(dry.out, 'to update')[0]).toBe(1);
    expect(row(dry.out, 'to deactivate')[0]).toBe(2);
    expect(dry.out).toContain('Plan (4 changes):');
    expect(dry.out).toMatch(new RegExp(`\\+ create +user +${joiner.id} +new\\.joiner@initech\\.test`));
    expect(dry.out).toMatch(new RegExp(`~ update +user +${first!.id}`));
    expect(dry.out).toMatch(new RegExp(`- deactivate +user +${second!.id}`));
    expect(dry.out).toMatch(new RegExp(`- deactivate +user +${third!.id}`));
    expect(members().all).toHaveLength(40);
    expect(members().active).toBe(40);

    const real = await scim(['sync', '--org', org]);
    expect(real.code).toBe(0);
    expect(row(real.out, 'created')[0]).toBe(1);
    expect(row(real.out, 'updated')[0]).toBe(1);
    expect(row(real.out, 'deactivated')[0]).toBe(2);
    expect(real.out).not.toContain('Plan (');
    const after = members();
    expect(after.all).toHaveLength(41);
    expect(after.active).toBe(39);
    expect(after.all.find((m) => m.email === 'new.joiner@initech.test')?.department).toBe('Unassigned');
  });

  it('explains a guard stop and how to force it, and deprovisions nobody until forced', async () => {
    const leavers = sim.state.users(directoryId).slice(0, 12);
    for (const user of leavers) sim.state.deactivateUser(user.id);

    const stopped = await scim(['sync', '--org', org]);
    expect(stopped.code).toBe(1);
    expect(stopped.err).toContain(`the sync of ${org} stopped before deprovisioning anyone [SYNC_GUARD]`);
    expect(stopped.err).toContain('no longer lists 12 of the 39 active users');
    expect(stopped.err).toContain(`scim sync --org ${org} --force`);
    expect(members().active).toBe(39);

    const forced = await scim(['sync', '--org', org, '--force']);
    expect(forced.code).toBe(0);
    expect(row(forced.out, 'deactivated')[0]).toBe(12);
    expect(members().active).toBe(27);
  });

  it('draws a live bar on a terminal, and a boxed table', async () => {
    const { code, out, err, raw } = await scim(['sync', '--org', org, '--incremental'], { tty: true });
    expect(code).toBe(0);
    // cli-progress hid the cursor, redrew the line in place, and gave the cursor back.
    expect(raw.err).toContain('\x1B[?25l');
    expect(raw.err).toContain('\x1B[?25h');
    expect(err).toContain(`[${org}]`);
    expect(err).toMatch(/users listed/);
    expect(out).toContain('incremental sync');
    expect(out).toContain('┌');
    expect(out).toMatch(/│ unchanged/);
  });

  it('answers the status of the organization: last sync, watermark, users mirrored', async () => {
    const { code, out } = await scim(['status', '--org', org]);
    expect(code).toBe(0);
    expect(out).toContain(`Organization ${org}`);
    expect(out).toContain(directoryId);
    expect(out).toMatch(/succeeded/);
    expect(out).toContain('users: 27 mirrored (27 active), 14 deprovisioned; groups: 4');
    expect(out).toContain('rejected events: 0');

    // Without --org: every organization the config lists or the store has synced.
    const all = await scim(['status']);
    expect(all.code).toBe(0);
    expect(all.out).toContain(`Organization ${org}`);

    const json = await scim(['status', '--org', org, '--json']);
    const status = JSON.parse(json.out) as {
      organizations: {
        users: { mirrored: number; deprovisioned: number };
        directories: { sync: string; watermark: string; lease: string }[];
      }[];
    };
    expect(status.organizations[0]!.users).toEqual({ mirrored: 27, active: 27, deprovisioned: 14 });
    expect(status.organizations[0]!.directories[0]).toMatchObject({ sync: 'succeeded', lease: 'free' });
    expect(Date.parse(status.organizations[0]!.directories[0]!.watermark)).toBeGreaterThan(Date.now() - 600_000);
  });

  it('refuses an organization the app does not serve, and writes nothing', async () => {
    const before = members().all.length;
    for (const command of ['sync', 'status']) {
      const { code, err } = await scim([command, '--org', 'org_nobody']);
      expect(code).toBe(1);
      expect(err).toContain('unknown organization org_nobody');
      expect(err).toContain(`lists ${org}`);
    }
    const both = await scim(['sync', '--org', org, '--all']);
    expect(both.code).toBe(1);
    expect(both.err).toContain("option '--org <id>' cannot be used with option '--all'");
    expect(members().all.length).toBe(before);
  });

  it('prints the reports as JSON for scripts, the plan included', async () => {
    const joiner = sim.state.createUser(directoryId, {
      email: 'json@initech.test',
      givenName: 'Jay',
      department: 'Ops',
    });
    const { code, out } = await scim(['sync', '--org', org, '--dry-run', '--json']);
    expect(code).toBe(0);
    const [report] = JSON.parse(out) as { dryRun: boolean; users: { created: number }; plan: unknown[] }[];
    expect(report!.dryRun).toBe(true);
    expect(report!.users.created).toBe(1);
    expect(report!.plan).toContainEqual({ kind: 'user', id: joiner.id, action: 'create', email: 'json@initech.test' });
  });

  it('syncs every organization of the config with --all', async () => {
    const { code, out } = await scim(['sync', '--all', '--incremental']);
    expect(code).toBe(0);
    expect(out).toContain(`${org} · ${directoryId} · incremental sync`);
    const db = openDatabase(folder.file);
    try {
      const [counted] = db.db
        .select({ n: count() })
        .from(schema.members)
        .where(eq(schema.members.organizationId, org))
        .all();
      expect(counted!.n).toBe(42);
    } finally {
      db.client.close();
    }
  });
});
