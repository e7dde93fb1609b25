import { hostname } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { ScalekitClient } from '@scalekit-sdk/node';
import { drizzleAdapter } from '@scim/adapter-drizzle';
import { createScimEngine, type DirectoryApiClient, type SyncReport, silentLogger } from '@scim/core';
import { type Simulator, startSimulator } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { openDatabase, userService } from './fixture/app.js';
import { appFolder, scalekitOf, writeConfig } from './fixture/workspace.js';
import { captureIO } from './support.js';

let sim: Simulator;
let org: string;
let directoryId: string;
let folder: Awaited<ReturnType<typeof appFolder>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 29 });
  org = sim.state.createOrganization({ name: 'Hooli' }).id;
  directoryId = sim.state.createDirectory(org, { provider: 'OKTA' }).id;
  sim.state.seed({ users: 5, groups: 1, organizationId: org, directoryId });
  folder = await appFolder();
  const options = {
    file: folder.file,
    scalekit: scalekitOf(sim.env()),
    organizations: [org],
    defaultDepartment: 'Unassigned',
  };
  await writeConfig(folder.dir, options);
  await writeConfig(folder.dir, { ...options, leaseReads: false }, 'legacy.config.ts');
});

afterAll(async () => {
  await sim?.close();
  await folder?.remove();
});

async function scim(args: string[]) {
  const cli = captureIO({ cwd: folder.dir });
  const code = await run(args, cli.io);
  return { code, out: stripVTControlCharacters(cli.out), err: stripVTControlCharacters(cli.err) };
}

interface JsonStatus {
  organizations: {
    leaseHolders: boolean;
    directories: { directoryId: string; lease: string; holder: { owner: string; expiresAt: string } | null }[];
  }[];
}

/**
 * Another instance of the app (this process, its own engine and database connection) running a sync
 * that waits for the Directory API's first page of users until `release()`: while it waits, it holds
 * the lease and no transaction (SQLite's writer lock would keep the CLI out).
 */
function blockedSync() {
  const { client, db } = openDatabase(folder.file);
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const env = scalekitOf(sim.env());
  const scalekit = new ScalekitClient(env.environmentUrl, env.clientId, env.clientSecret);
  const directory: DirectoryApiClient['directory'] = {
    listDirectories: (organizationId) => scalekit.directory.listDirectories(organizationId),
    listDirectoryGroups: (organizationId, id, options) =>
      scalekit.directory.listDirectoryGroups(organizationId, id, options),
    listDirectoryUsers: async (organizationId, id, options) => {
      entered();
      await gate;
      return scalekit.directory.listDirectoryUsers(organizationId, id, options);
    },
  };
  const engine = createScimEngine({
    adapter: drizzleAdapter(db),
    users: userService(db, 'Unassigned'),
    scalekit: { directory },
    webhookSecret: env.webhookSecret,
    logger: silentLogger,
    // Long enough that no renewal falls inside the test: the expiry shown is the acquisition's.
    sync: { leaseTtlMs: 600_000 },
  });
  const started = Date.now();
  const report: Promise<SyncReport> = engine.sync({ organizationId: org }).finally(() => client.close());
  return { inside, release, report, started };
}

describe('scim status: who holds a lease', () => {
  it('names the instance running a sync and until when it holds the lease, in the table and in JSON', async () => {
    const sync = blockedSync();
    try {
      await sync.inside;
      const owner = new RegExp(`^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${process.pid}:[0-9a-f]{8}$`);

      const json = await scim(['status', '--org', org, '--json']);
      expect(json.err).toBe('');
      expect(json.code).toBe(0);
      const [status] = (JSON.parse(json.out) as JsonStatus).organizations;
      expect(status!.leaseHolders).toBe(true);
      const directory = status!.directories.find((d) => d.directoryId === directoryId)!;
      expect(directory.lease).toBe('running');
      expect(directory.holder?.owner).toMatch(owner);
      const expiresAt = Date.parse(directory.holder!.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(sync.started + 600_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);

      const table = await scim(['status', '--org', org]);
      expect(table.code).toBe(0);
      const until = new Date(expiresAt).toISOString().slice(0, 19).replace('T', ' ');
      expect(table.out).toContain(`held by ${directory.holder!.owner} until ${until} UTC: full sync running`);
      expect(table.out).not.toContain('not which instance holds it');

      // An adapter without getLeases: the lease is inferred from the sync state, and the note says why.
      const legacy = await scim(['status', '--org', org, '--config', 'legacy.config.ts']);
      expect(legacy.code).toBe(0);
      expect(legacy.out).toContain('held: full sync running');
      expect(legacy.out).not.toContain(directory.holder!.owner);
      expect(legacy.out).toContain('not which instance holds it (it has no getLeases)');
      const legacyJson = JSON.parse(
        (await scim(['status', '--org', org, '--json', '--config', 'legacy.config.ts'])).out,
      );
      expect((legacyJson as JsonStatus).organizations[0]!.leaseHolders).toBe(false);
      expect((legacyJson as JsonStatus).organizations[0]!.directories[0]!.holder).toBeNull();
    } finally {
      sync.release();
    }
    expect((await sync.report).users.created).toBe(5);

    // Released at the end of the sync: free, no holder.
    const json = await scim(['status', '--org', org, '--json']);
    const directory = (JSON.parse(json.out) as JsonStatus).organizations[0]!.directories[0]!;
    expect(directory).toMatchObject({ lease: 'free', holder: null });
    const table = await scim(['status', '--org', org]);
    expect(table.out).not.toContain('held by');
    expect(table.out).not.toContain('not which instance holds it');
  });
});
