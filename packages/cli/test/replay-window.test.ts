import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripVTControlCharacters } from 'node:util';
import { type Simulator, startSimulator } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { type FixtureOptions, openDatabase, openFixture } from './fixture/app.js';
import * as schema from './fixture/schema.js';
import { appFolder, scalekitOf, writeConfig } from './fixture/workspace.js';
import { captureIO, row } from './support.js';

let sim: Simulator;
let org: string;
let directoryId: string;
let folder: Awaited<ReturnType<typeof appFolder>>;
let app: ReturnType<typeof openFixture>;
let server: Server;

/**
 * The app receives the simulator's webhooks and has synced once. A delivery the simulator drops is
 * given up at once (a retry schedule of one attempt): the change it carried is missing from the app
 * until something refills it.
 */
beforeAll(async () => {
  sim = await startSimulator({ seed: 23, timeScale: 0.001, retrySchedule: [0] });
  org = sim.state.createOrganization({ name: 'Hooli' }).id;
  directoryId = sim.state.createDirectory(org, { provider: 'OKTA' }).id;
  sim.state.seed({ users: 15, groups: 3, organizationId: org, directoryId });
  folder = await appFolder();
  const options: FixtureOptions = {
    file: folder.file,
    scalekit: scalekitOf(sim.env()),
    organizations: [org],
    defaultDepartment: 'Unassigned',
    sync: { pageSize: 10 },
  };
  app = openFixture(options);
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = await app.engine.handleWebhook({ headers: request.headers, rawBody: Buffer.concat(chunks) });
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  sim.webhooks.subscribe(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/scalekit`);
  await writeConfig(folder.dir, options);
});

afterAll(async () => {
  server?.close();
  await sim?.close();
  app?.close();
  await folder?.remove();
});

async function scim(args: string[]) {
  const cli = captureIO({ cwd: folder.dir });
  const code = await run(args, cli.io);
  return { code, out: stripVTControlCharacters(cli.out), err: stripVTControlCharacters(cli.err) };
}

/** The app's own table, as `email department` lines. */
function members(): string[] {
  const { client, db } = openDatabase(folder.file);
  try {
    return db
      .select()
      .from(schema.members)
      .all()
      .map((m) => `${m.email} ${m.department}`)
      .sort();
  } finally {
    client.close();
  }
}

async function watermark(): Promise<Date> {
  const [state] = await app.engine.syncStatus(org);
  expect(state?.watermark).toBeInstanceOf(Date);
  return state!.watermark!;
}

/** Changes made while every delivery is lost: they reach the simulator's directory, not the app. */
async function missed(change: () => void): Promise<void> {
  const givenUp = sim.webhooks.stats().givenUp;
  sim.webhooks.setFaults({ dropFirstAttemptRate: 1 });
  change();
  await sim.webhooks.idle({ timeoutMs: 240_000 });
  sim.webhooks.resetFaults();
  expect(sim.webhooks.stats().givenUp).toBeGreaterThan(givenUp);
}

describe('scim replay --since', () => {
  it('refills the changes whose webhooks were lost, through the app engine, without moving the watermark back', async () => {
    const first = await scim(['sync', '--org', org]);
    expect(first.code).toBe(0);
    const synced = await watermark();
    expect(members()).toHaveLength(15);

    // Webhooks reach the app while nothing is lost.
    sim.state.createUser(directoryId, { email: 'heard@hooli.test', givenName: 'Heard', department: 'Sales' });
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    expect(members()).toContain('heard@hooli.test Sales');

    const mover = sim.state.users(directoryId)[0]!;
    await missed(() => {
      sim.state.createUser(directoryId, { email: 'missed@hooli.test', givenName: 'Missed', department: 'Support' });
      sim.state.updateUser(mover.id, { department: 'Platform' });
    });
    const before = members();
    expect(before).not.toContain('missed@hooli.test Support');
    expect(before).not.toContain(`${mover.email} Platform`);

    const dry = await scim(['replay', '--since', '1h', '--org', org, '--dry-run']);
    expect(dry.err).not.toContain('failed');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(new RegExp(`${org} · ${directoryId} · incremental sync of what changed since \\S+Z`));
    expect(dry.out).toContain('dry run: nothing was written');
    expect(dry.out).toContain('Plan (2 changes):');
    expect(dry.out).toMatch(/\+ create +user +\S+ +missed@hooli\.test/);
    expect(dry.out).toMatch(new RegExp(`~ update +user +${mover.id}`));
    expect(members()).toEqual(before);
    expect(await watermark()).toEqual(synced);

    const refill = await scim(['replay', '--since', '1h', '--org', org]);
    expect(refill.err).not.toContain('failed');
    expect(refill.code).toBe(0);
    expect(refill.out).toContain('incremental sync of what changed since');
    // Progress as `scim sync` shows it, then its table.
    expect(refill.err).toMatch(new RegExp(`\\[${org}\\] done: `));
    expect(row(refill.out, 'created')[0]).toBe(1);
    expect(row(refill.out, 'updated')[0]).toBe(1);
    expect(row(refill.out, 'deactivated')[0]).toBe(0);
    expect(row(refill.out, 'listed')[0]).toBe(17);
    const after = members();
    expect(after).toContain('missed@hooli.test Support');
    expect(after).toContain(`${mover.email} Platform`);
    expect(after).toHaveLength(17);
    // The window (an hour back) starts before the watermark: the refill advances it, as an incremental sync would.
    expect((await watermark()).getTime()).toBeGreaterThan(synced.getTime());
  });

  it('leaves the watermark as it was for a window that starts after it (an ISO date)', async () => {
    const synced = await watermark();
    const since = new Date(Date.now() - 1).toISOString();
    await missed(() => {
      sim.state.createUser(directoryId, { email: 'late@hooli.test', givenName: 'Late', department: 'Legal' });
    });

    const { code, out } = await scim(['replay', '--since', since, '--org', org]);
    expect(code).toBe(0);
    expect(out).toContain(`incremental sync of what changed since ${since}`);
    expect(row(out, 'created')[0]).toBe(1);
    expect(row(out, 'listed')[0]).toBe(1);
    expect(members()).toContain('late@hooli.test Legal');
    expect(await watermark()).toEqual(synced);

    // --all: every organization of the config; --json: the reports, with their window.
    const all = await scim(['replay', '--since', '2h', '--all', '--json']);
    expect(all.code).toBe(0);
    const [report] = JSON.parse(all.out) as { organizationId: string; mode: string; updatedAfter: string }[];
    expect(report).toMatchObject({ organizationId: org, mode: 'incremental' });
    expect(Date.now() - Date.parse(report!.updatedAfter)).toBeGreaterThanOrEqual(2 * 3_600_000);
  });

  it('refuses bad input with exit code 1, and writes nothing', async () => {
    const state = await app.engine.syncStatus(org);
    await missed(() => {
      sim.state.createUser(directoryId, { email: 'pending@hooli.test', givenName: 'Pending' });
    });
    const before = members();
    const cases: [string[], string][] = [
      [
        ['replay', '--since', 'yesterday', '--org', org],
        'expected an ISO date (2026-05-01, 2026-05-01T08:00Z) or a duration',
      ],
      [['replay', '--since', '2', '--org', org], 'or a duration back from now (90m, 2h, 3d, 1w)'],
      [['replay', '--since', '0h', '--org', org], 'give a duration above 0'],
      [['replay', '--since', '2999-01-01', '--org', org], '2999-01-01T00:00:00.000Z is in the future'],
      [['replay', '--since', '2026-02-30', '--org', org], 'is not a real date'],
      [['replay', '--since', '1h', '--rejected'], "option '--since <time>' cannot be used with option '--rejected'"],
      [['replay', '--rejected', '--since', '1h'], "cannot be used with option '--rejected'"],
      [['replay', '--since', '1h', 'evt_1'], 'give event ids or --since, not both'],
      [['replay', '--since', '1h', '--org', org, '--all'], "option '--org <id>' cannot be used with option '--all'"],
      [['replay', '--rejected', '--dry-run'], '--dry-run goes with --since'],
      [['replay', '--rejected', '--all'], '--all goes with --since'],
      [['replay', '--since', '1h', '--org', 'org_nobody'], 'unknown organization org_nobody'],
      [['replay', '--since'], "option '--since <time>' argument missing"],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await scim(args);
      expect(code, args.join(' ')).toBe(1);
      expect(err, args.join(' ')).toContain(message);
    }
    expect(members()).toEqual(before);
    expect(await app.engine.syncStatus(org)).toEqual(state);
  });
});
