import { timestampToNanos } from '@scim/core/adapter';
import { describe, expect, it } from 'vitest';
import { memoryDirectory } from './memory-directory.js';
import { scalekitEvents } from './scalekit-events.js';

const ORG = 'org_memorydirectory';

function fixture(users: number, groups = 0) {
  const directory = memoryDirectory({ organizationId: ORG });
  const events = scalekitEvents({ organizationId: ORG });
  for (let i = 0; i < groups; i++) directory.putGroup({ id: `dirgroup_${i}`, displayName: `Group ${i}` });
  for (let i = 0; i < users; i++) directory.putUser(events.user(`diruser_${String(i).padStart(3, '0')}`));
  const { listDirectoryUsers, listDirectoryGroups } = directory.client.directory;
  return { directory, events, listDirectoryUsers, listDirectoryGroups };
}

async function codeOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => 'resolved',
    (error: { code?: unknown }) => error.code,
  );
}

describe('memoryDirectory', () => {
  it('pages users with opaque tokens, in the order they were added', async () => {
    const { directory, listDirectoryUsers } = fixture(25);
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await listDirectoryUsers(ORG, directory.directoryId, { pageSize: 10, pageToken });
      expect(page.totalSize).toBe(25);
      ids.push(...page.users.map((u) => u.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `diruser_${String(i).padStart(3, '0')}`));
    expect(directory.calls.map((c) => c.page)).toEqual([1, 2, 3]);
  });

  it("keeps Scalekit's page size limits: 100 users, 30 groups; 10 when none is asked", async () => {
    const { directory, listDirectoryUsers, listDirectoryGroups } = fixture(120, 40);
    expect((await listDirectoryUsers(ORG, directory.directoryId, { pageSize: 100 })).users).toHaveLength(100);
    expect(await codeOf(listDirectoryUsers(ORG, directory.directoryId, { pageSize: 101 }))).toBe(3);
    expect((await listDirectoryGroups(ORG, directory.directoryId, { pageSize: 30 })).groups).toHaveLength(30);
    expect(await codeOf(listDirectoryGroups(ORG, directory.directoryId, { pageSize: 31 }))).toBe(3);
    expect((await listDirectoryUsers(ORG, directory.directoryId)).users).toHaveLength(10);
  });

  it('stamps each change with its clock and lists only what changed after updatedAfter', async () => {
    const { directory, events, listDirectoryUsers } = fixture(3);
    const before = directory.now();
    directory.advance(60_000_000_000n);
    const cut = new Date(Number((before + 30_000_000_000n) / 1_000_000n)).toISOString();
    directory.putUser(events.user('diruser_001', { email: 'changed@example.com' }));

    const page = await listDirectoryUsers(ORG, directory.directoryId, { updatedAfter: cut });

    expect(page.users.map((u) => [u.id, u.email])).toEqual([['diruser_001', 'changed@example.com']]);
    expect(page.totalSize).toBe(1);
    expect(timestampToNanos(page.users[0]!.updatedAt!)).toBe(before + 60_000_000_000n);
  });

  it("lists a user's groups with their names, without removed groups, and its detail when asked", async () => {
    const { directory, events, listDirectoryUsers } = fixture(0, 2);
    directory.putUser(
      events.user('diruser_1', { given_name: 'Ada', groups: [{ id: 'dirgroup_0' }, { id: 'dirgroup_1' }] }),
    );
    directory.removeGroup('dirgroup_1');

    const [user] = (await listDirectoryUsers(ORG, directory.directoryId, { includeDetail: true })).users;

    expect(user).toMatchObject({
      id: 'diruser_1',
      givenName: 'Ada',
      groups: [{ id: 'dirgroup_0', displayName: 'Group 0' }],
    });
    expect(user?.userDetail).toMatchObject({ id: 'diruser_1', given_name: 'Ada', active: true });
    expect((await listDirectoryUsers(ORG, directory.directoryId)).users[0]?.userDetail).toBeUndefined();
    expect(() => directory.putUser(events.user('diruser_2', { groups: [{ id: 'dirgroup_9' }] }))).toThrow(/dirgroup_9/);
  });

  it('refuses other organizations, other directories and tokens it did not issue', async () => {
    const { directory, listDirectoryUsers } = fixture(1);
    expect(await codeOf(listDirectoryUsers('org_other', directory.directoryId))).toBe(5);
    expect(await codeOf(listDirectoryUsers(ORG, 'dir_other'))).toBe(5);
    expect(await codeOf(listDirectoryUsers(ORG, directory.directoryId, { pageToken: 'bogus' }))).toBe(3);
    expect((await directory.client.directory.listDirectories(ORG)).directories).toEqual([
      { id: directory.directoryId, organizationId: ORG, enabled: true },
    ]);
  });

  it('fails the calls it is told to until healed', async () => {
    const { directory, listDirectoryUsers } = fixture(15);
    const boom = new Error('boom');
    directory.failWhen((call) => call.method === 'listDirectoryUsers' && call.page === 2, boom);
    const first = await listDirectoryUsers(ORG, directory.directoryId, { pageSize: 10 });
    const next = { pageSize: 10, pageToken: first.nextPageToken };

    await expect(listDirectoryUsers(ORG, directory.directoryId, next)).rejects.toBe(boom);
    directory.heal();

    expect((await listDirectoryUsers(ORG, directory.directoryId, next)).users).toHaveLength(5);
  });
});
