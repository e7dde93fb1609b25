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
import { captureIO } from './support.js';

let sim: Simulator;
let org: string;
let folder: Awaited<ReturnType<typeof appFolder>>;
let app: ReturnType<typeof openFixture>;
let server: Server;
let options: FixtureOptions;
const noDepartment: string[] = [];

/**
 * The app running with its bug (a directory user without a department is written as null into a NOT
 * NULL column): the webhooks it receives for such users are refused by its database and recorded as
 * rejected, with the reason.
 */
beforeAll(async () => {
  sim = await startSimulator({ seed: 61, timeScale: 0.001 });
  org = sim.state.createOrganization({ name: 'Globex' }).id;
  folder = await appFolder();
  options = {
    file: folder.file,
    scalekit: scalekitOf(sim.env()),
    organizations: [org],
    defaultDepartment: null,
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

  const directory = sim.state.createDirectory(org, { provider: 'MICROSOFT_AD' });
  sim.state.createUser(directory.id, { email: 'ada@globex.test', givenName: 'Ada', department: 'Research' });
  for (const name of ['grace', 'linus']) {
    noDepartment.push(sim.state.createUser(directory.id, { email: `${name}@globex.test`, givenName: name }).id);
  }
  await sim.webhooks.idle({ timeoutMs: 240_000 });
  await writeConfig(folder.dir, options);
});

afterAll(async () => {
  server?.close();
  await sim?.close();
  app?.close();
  await folder?.remove();
});

async function scim(args: string[], options: { tty?: boolean } = {}) {
  const cli = captureIO({ cwd: folder.dir, ...options });
  const code = await run(args, cli.io);
  return { code, out: stripVTControlCharacters(cli.out), err: stripVTControlCharacters(cli.err) };
}

function memberEmails(): string[] {
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

describe('scim events and scim replay', () => {
  it('lists the rejected events with the reason the database gave', async () => {
    const { code, out } = await scim(['events', '--org', org, '--status', 'rejected']);
    expect(code).toBe(0);
    expect(out).toContain('2 rejected events, newest first.');
    expect(
      out.match(/user_created +org_\S+ +rejected +.*NOT NULL constraint failed: members\.department/g),
    ).toHaveLength(2);
    expect(out).toContain('scim replay');

    const all = await scim(['events', '--org', org, '--json']);
    const records = JSON.parse(all.out) as { type: string; status: string; payload?: unknown }[];
    expect(records.filter((r) => r.status === 'rejected')).toHaveLength(2);
    expect(records.some((r) => r.type === 'organization.directory.user_created' && r.status === 'applied')).toBe(true);
    // Payloads (people's attributes) are not printed.
    expect(records.every((r) => !('payload' in r))).toBe(true);

    // On a terminal the long reasons wrap inside a boxed table instead of making a 300-column line.
    const boxed = await scim(['events', '--org', org, '--status', 'rejected'], { tty: true });
    expect(boxed.out).toContain('┌');
    expect(Math.max(...out.split('\n').map((line) => line.length))).toBeGreaterThan(300);
    expect(Math.max(...boxed.out.split('\n').map((line) => line.length))).toBeLessThan(200);
    expect(boxed.out.replace(/[│\s]/g, '')).toContain('CONSTRAINT_VIOLATION');

    const limited = await scim(['events', '--org', org, '--limit', '1', '--json']);
    expect(JSON.parse(limited.out)).toHaveLength(1);
  });

  it('shows them in the status', async () => {
    const { code, out } = await scim(['status', '--org', org]);
    expect(code).toBe(0);
    expect(out).toMatch(/events in the last 24 h: \d+ applied, 2 rejected/);
    expect(out).toContain('rejected events: 2');
  });

  it('replays them after the mapping is fixed, through the normal rules', async () => {
    // Still broken: each stays rejected, with its reason, and the command exits 1.
    const broken = await scim(['replay', '--rejected', '--org', org]);
    expect(broken.code).toBe(1);
    expect(broken.out.match(/user_created +rejected +.*NOT NULL constraint failed: members\.department/g)).toHaveLength(
      2,
    );
    expect(broken.err).toContain('2 of 2 events are still rejected');

    await writeConfig(folder.dir, { ...options, defaultDepartment: 'Unassigned' });
    const fixed = await scim(['replay', '--rejected', '--org', org]);
    expect(fixed.code).toBe(0);
    expect(fixed.out.match(/user_created +applied/g)).toHaveLength(2);
    expect(fixed.out).toContain('2 of 2 replayed.');
    expect(memberEmails()).toEqual([
      'ada@globex.test Research',
      'grace@globex.test Unassigned',
      'linus@globex.test Unassigned',
    ]);

    const none = await scim(['events', '--org', org, '--status', 'rejected']);
    expect(none.out).toContain(`No rejected events for ${org}.`);
    const again = await scim(['replay', '--rejected']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to replay');
  });

  it('says why an event id cannot be replayed', async () => {
    const applied = (await app.engine.events({ organizationId: org, status: 'applied', limit: 1 }))[0]!;
    const { code, out, err } = await scim(['replay', applied.id, 'evt_does_not_exist']);
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(`${applied.id} +error +.*only rejected events can be replayed \\[NOT_REPLAYABLE\\]`),
    );
    expect(out).toMatch(/evt_does_not_exist +error +No event evt_does_not_exist in the inbox \[NOT_FOUND\]/);
    expect(err).toContain('2 of 2 events are still rejected or could not be replayed');
  });

  it('refuses bad flags before loading anything', async () => {
    const cases: [string[], string][] = [
      [['events', '--limit', 'abc'], `option '--limit <n>' argument 'abc' is invalid. expected a whole number`],
      [['events', '--limit', '0'], 'expected a number from 1 to 10000, got 0'],
      [['events', '--status', 'lost'], 'Allowed choices are pending, applied, stale, ignored, unknown_type, rejected'],
      [['replay'], 'say which events'],
      [['replay', 'evt_1', '--rejected'], 'give event ids or --rejected, not both'],
      [['events', '--since', 'yesterday'], "unknown option '--since'"],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await scim(args);
      expect(code, args.join(' ')).toBe(1);
      expect(err).toContain(message);
    }
  });
});
