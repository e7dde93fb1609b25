/**
 * The Directory API as the unmodified `@scalekit-sdk/node` client sees it.
 */
import { fromJson, toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ScalekitServerException } from '@scalekit-sdk/node';
import {
  DirectoryService,
  ListDirectoryUsersResponseSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedResult, Simulator } from '../src/index.js';
import { clientOf, listAllUsers, simulator, sleep } from './helpers.js';

let sim: Simulator;
let seeded: SeedResult;

beforeAll(async () => {
  sim = await simulator();
  seeded = sim.state.seed({ users: 1000, groups: 20 });
});
afterAll(() => sim.close());

const ids = () => ({ org: seeded.organization.id, dir: seeded.directory.id });

async function grpcStatusOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScalekitServerException);
  return (error as ScalekitServerException).grpcStatus;
}

describe('directories', () => {
  it('lists and gets directories, and finds the primary one', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    const { directories } = await client.directory.listDirectories(org);
    expect(directories.map((d) => d.id)).toEqual([dir]);
    const directory = directories[0]!;
    expect(directory).toMatchObject({ organizationId: org, enabled: true, totalUsers: 1000, totalGroups: 20 });
    expect(directory.directoryType).toBe(1); // SCIM
    expect(directory.directoryProvider).toBe(1); // OKTA
    expect((await client.directory.getDirectory(org, dir)).directory?.id).toBe(dir);
    expect((await client.directory.getPrimaryDirectoryByOrganizationId(org)).id).toBe(dir);
  });

  it('answers NotFound for an unknown organization or directory, InvalidArgument for a malformed id', async () => {
    const client = clientOf(sim);
    const { org } = ids();
    expect(await grpcStatusOf(client.directory.listDirectories('org_1'))).toBe(Code.NotFound);
    expect(await grpcStatusOf(client.directory.getDirectory(org, 'dir_1'))).toBe(Code.NotFound);
    expect(await grpcStatusOf(client.directory.listDirectories('acme'))).toBe(Code.InvalidArgument);
    expect(await grpcStatusOf(client.directory.listDirectories(`org_${'9'.repeat(29)}`))).toBe(Code.InvalidArgument);
    expect(await grpcStatusOf(client.directory.getDirectory(org, 'x_1'))).toBe(Code.InvalidArgument);
  });

  it('enables and disables a directory, with the events Scalekit sends', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    const types: string[] = [];
    const off = sim.state.onEvent((e) => types.push(e.type));
    expect(await client.directory.disableDirectory(org, dir)).toMatchObject({ enabled: false });
    expect(sim.state.directory(dir)?.enabled).toBe(false);
    // A disabled directory keeps its users listed, and takes no changes.
    expect((await client.directory.listDirectoryUsers(org, dir, { pageSize: 1 })).totalSize).toBe(1000);
    expect(() => sim.state.createUser(dir, { email: 'late@example.com' })).toThrow(/disabled/);
    expect(await client.directory.disableDirectory(org, dir)).toMatchObject({ enabled: false });
    expect(await client.directory.enableDirectory(org, dir)).toMatchObject({ enabled: true });
    off();
    expect(types).toEqual(['organization.directory_disabled', 'organization.directory_enabled']);
  });
});

describe('listDirectoryUsers', () => {
  it('pages through 1,000 users 30 at a time, each exactly once, in id order', async () => {
    const { org, dir } = ids();
    const { users, pages } = await listAllUsers(clientOf(sim), org, dir);
    expect(pages).toBe(34);
    const listed = users.map((u) => u.id);
    expect(new Set(listed).size).toBe(1000);
    expect(listed).toEqual(seeded.userIds);
    expect(listed).toEqual([...listed].sort());
  });

  it('answers the DirectoryUser shape, with updatedAt at the event clock (nanoseconds)', async () => {
    const { org, dir } = ids();
    const page = await clientOf(sim).directory.listDirectoryUsers(org, dir, { pageSize: 5 });
    expect(page.totalSize).toBe(1000);
    for (const user of page.users) {
      const state = sim.state.user(user.id)!;
      expect(user).toMatchObject({
        email: state.email,
        preferredUsername: state.username,
        givenName: state.givenName,
        familyName: state.familyName,
        emails: state.emails,
      });
      expect(user.groups.map((g) => g.id)).toEqual(state.groupIds);
      expect(user.userDetail).toBeUndefined();
      expect(user.updatedAt!.seconds * 1_000_000_000n + BigInt(user.updatedAt!.nanos)).toBe(state.version);
      expect(Object.keys(user)).not.toContain('active');
    }
  });

  it('moves back with prevPageToken', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    const first = await client.directory.listDirectoryUsers(org, dir, { pageSize: 30 });
    expect(first.prevPageToken).toBe('');
    const second = await client.directory.listDirectoryUsers(org, dir, {
      pageSize: 30,
      pageToken: first.nextPageToken,
    });
    const back = await client.directory.listDirectoryUsers(org, dir, { pageSize: 30, pageToken: second.prevPageToken });
    expect(back.users.map((u) => u.id)).toEqual(first.users.map((u) => u.id));
  });

  it('stays stable while the directory changes between pages (keyset paging)', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    const before = new Set(sim.state.users(dir).map((u) => u.id));
    const seen: string[] = [];
    let pageToken = '';
    let round = 0;
    const added: string[] = [];
    const removed: string[] = [];
    do {
      const page = await client.directory.listDirectoryUsers(org, dir, { pageSize: 30, pageToken });
      seen.push(...page.users.map((u) => u.id));
      pageToken = page.nextPageToken;
      // Between pages: a new user (largest id) arrives and an unseen one is deactivated.
      added.push(sim.state.createUser(dir, { email: `joiner${round}@example.com` }).id);
      const unseen = sim.state
        .users(dir)
        .find((u) => before.has(u.id) && !seen.includes(u.id) && !removed.includes(u.id));
      if (unseen !== undefined && round % 3 === 0) {
        sim.state.deactivateUser(unseen.id);
        removed.push(unseen.id);
      }
      round++;
    } while (pageToken !== '');
    expect(new Set(seen).size).toBe(seen.length);
    // Every user that was there throughout was listed once; the ones that left before their page were not.
    for (const id of before) expect(seen.includes(id)).toBe(!removed.includes(id));
    // Users created after the cursor passed are listed; the very last one came after the listing ended.
    expect(added.slice(0, -1).every((id) => seen.includes(id))).toBe(true);
    for (const id of removed) sim.state.reactivateUser(id);
    for (const id of added) sim.state.deleteUser(id);
  });

  it('seeds a backdated directory, whose users an updatedAfter listing leaves out', async () => {
    const client = clientOf(sim);
    const lastWeek = new Date(Date.now() - 7 * 24 * 3600 * 1000);
    const old = sim.state.seed({ users: 40, groups: 2, updatedAt: lastWeek });
    const org = old.organization.id;
    const dir = old.directory.id;
    const all = await listAllUsers(client, org, dir);
    expect(all.users).toHaveLength(40);
    for (const user of all.users) {
      const at = timestampDate(user.updatedAt!).getTime();
      expect(at).toBeGreaterThanOrEqual(lastWeek.getTime());
      expect(at).toBeLessThan(lastWeek.getTime() + 1000);
    }
    const since = new Date(Date.now() - 3600 * 1000).toISOString();
    expect((await listAllUsers(client, org, dir, { updatedAfter: since })).users).toHaveLength(0);
    sim.state.updateUser(old.userIds[3]!, { title: 'Changed today' });
    const changed = await listAllUsers(client, org, dir, { updatedAfter: since });
    expect(changed.users.map((u) => u.id)).toEqual([old.userIds[3]]);
    expect(() => sim.state.seed({ users: 1, updatedAt: new Date(Date.now() + 60_000) })).toThrow(/past/);
  });

  it('filters by updatedAfter (the SDK sends a millisecond timestamp)', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    await sleep(5);
    const since = new Date();
    await sleep(5);
    const changed = seeded.userIds.slice(100, 105);
    for (const id of changed) sim.state.updateUser(id, { title: 'Chief Tester' });
    const { users } = await listAllUsers(client, org, dir, { updatedAfter: since.toISOString() });
    expect(users.map((u) => u.id)).toEqual(changed);
    const page = await client.directory.listDirectoryUsers(org, dir, {
      updatedAfter: since.toISOString(),
      pageSize: 2,
    });
    expect(page.totalSize).toBe(5);
    expect(timestampDate(page.users[0]!.updatedAt!).getTime()).toBeGreaterThan(since.getTime());
  });

  it('filters by directoryGroupId, with totalSize counting the group', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    for (const group of sim.state.groups(dir).slice(0, 4)) {
      const { users } = await listAllUsers(client, org, dir, { directoryGroupId: group.id });
      expect(users.map((u) => u.id)).toEqual(sim.state.members(group.id));
      expect(users.every((u) => u.groups.some((g) => g.id === group.id))).toBe(true);
      const page = await client.directory.listDirectoryUsers(org, dir, { directoryGroupId: group.id, pageSize: 1 });
      expect(page.totalSize).toBe(group.totalUsers);
    }
    const none = await client.directory.listDirectoryUsers(org, dir, { directoryGroupId: 'dirgroup_404' });
    expect(none.users).toEqual([]);
    expect(await grpcStatusOf(client.directory.listDirectoryUsers(org, dir, { directoryGroupId: 'grp_1' }))).toBe(
      Code.InvalidArgument,
    );
  });

  it('adds userDetail with includeDetail: the full snake_case profile', async () => {
    const { org, dir } = ids();
    const page = await clientOf(sim).directory.listDirectoryUsers(org, dir, { pageSize: 3, includeDetail: true });
    for (const user of page.users) {
      const state = sim.state.user(user.id)!;
      expect(user.userDetail).toMatchObject({
        id: state.id,
        organization_id: org,
        dp_id: state.externalId,
        email: state.email,
        given_name: state.givenName,
        active: true,
        title: state.title,
        department: state.department,
        employee_id: state.employeeId,
        groups: state.groupIds.map((id) => ({ id, name: sim.state.group(id)!.displayName })),
      });
    }
  });

  it('enforces the page size limit and rejects foreign page tokens', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    // Scalekit's limits, as the SDK's doc comments give them: 100 users, 30 groups a page.
    expect(await grpcStatusOf(client.directory.listDirectoryUsers(org, dir, { pageSize: 101 }))).toBe(
      Code.InvalidArgument,
    );
    expect((await client.directory.listDirectoryUsers(org, dir, { pageSize: 100 })).users).toHaveLength(100);
    expect(await grpcStatusOf(client.directory.listDirectoryGroups(org, dir, { pageSize: 31 }))).toBe(
      Code.InvalidArgument,
    );
    expect((await client.directory.listDirectoryGroups(org, dir, { pageSize: 30 })).groups).toHaveLength(20);
    expect((await client.directory.listDirectoryUsers(org, dir, {})).users).toHaveLength(10);
    const groups = await client.directory.listDirectoryGroups(org, dir, { pageSize: 5 });
    expect(await grpcStatusOf(client.directory.listDirectoryUsers(org, dir, { pageToken: groups.nextPageToken }))).toBe(
      Code.InvalidArgument,
    );
    expect(await grpcStatusOf(client.directory.listDirectoryUsers(org, dir, { pageToken: 'nonsense!' }))).toBe(
      Code.InvalidArgument,
    );
  });

  it('answers alike on the fast path and through the Connect handler (HTTP/1.1, Connect protocol)', async () => {
    const { org, dir } = ids();
    const token = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
      }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const connect = createClient(
      DirectoryService,
      createConnectTransport({
        baseUrl: sim.url,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            req.header.set('authorization', `Bearer ${token.access_token}`);
            return next(req);
          },
        ],
      }),
    );
    const sdk = clientOf(sim);
    const group = sim.state.groups(dir)[2]!.id;
    for (const options of [{ pageSize: 30 }, { pageSize: 7, includeDetail: true, directoryGroupId: group }]) {
      const viaSdk = await sdk.directory.listDirectoryUsers(org, dir, options);
      const viaConnect = await connect.listDirectoryUsers({ organizationId: org, directoryId: dir, ...options });
      const json = (m: typeof viaSdk) => toJson(ListDirectoryUsersResponseSchema, m);
      expect(json(viaConnect)).toEqual(json(viaSdk));
      expect(fromJson(ListDirectoryUsersResponseSchema, json(viaSdk)).users).toHaveLength(viaSdk.users.length);
    }
  });
});

describe('listDirectoryGroups', () => {
  it('pages through groups with totals, updatedAfter and groupDetail', async () => {
    const client = clientOf(sim);
    const { org, dir } = ids();
    const first = await client.directory.listDirectoryGroups(org, dir, { pageSize: 15 });
    const second = await client.directory.listDirectoryGroups(org, dir, {
      pageSize: 15,
      pageToken: first.nextPageToken,
    });
    expect(first.totalSize).toBe(20);
    expect(second.nextPageToken).toBe('');
    const groups = [...first.groups, ...second.groups];
    expect(groups.map((g) => g.id)).toEqual(seeded.groupIds);
    for (const g of groups) expect(g.totalUsers).toBe(sim.state.group(g.id)!.totalUsers);
    expect(groups.find((g) => g.displayName === 'All Employees')).toBeDefined();

    await sleep(5);
    const since = new Date();
    await sleep(5);
    const renamed = sim.state.updateGroup(seeded.groupIds[3]!, { displayName: 'Renamed Group' });
    const changed = await client.directory.listDirectoryGroups(org, dir, {
      updatedAfter: since.toISOString(),
      includeDetail: true,
    });
    expect(changed.groups.map((g) => g.id)).toEqual([renamed.id]);
    expect(changed.groups[0]!.groupDetail).toMatchObject({ id: renamed.id, display_name: 'Renamed Group' });
    // Members show the new name at once.
    const member = sim.state.members(renamed.id)[0]!;
    const { users } = await listAllUsers(client, org, dir, { directoryGroupId: renamed.id });
    expect(users.find((u) => u.id === member)!.groups.find((g) => g.id === renamed.id)!.displayName).toBe(
      'Renamed Group',
    );
  });
});
