import type { ScimError } from '@scim/core';
import { dateToNanos } from '@scim/core/adapter';
import { expect } from 'vitest';
import { defineUserSuite } from '../define-suite.js';
import { expectEntity, expectNoUser, expectUser, groupsOf, membersOf } from '../expect-state.js';
import { counts, expectListedUser, syncFixture } from '../sync-fixture.js';

const NO_USERS = {
  listed: 0,
  created: 0,
  updated: 0,
  reactivated: 0,
  deactivated: 0,
  deleted: 0,
  unchanged: 0,
  skipped: 0,
  rejected: 0,
};
const NO_GROUPS = { listed: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 };

/** Groups `dirgroup_0..n-1`, put into the directory. */
function putGroups(fixture: ReturnType<typeof syncFixture>, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `dirgroup_${i}`;
    fixture.directory.putGroup({ id, displayName: `Group ${i}` });
    return id;
  });
}

export const syncSuite = defineUserSuite('sync', {
  'a full sync writes every listed user and group, their memberships and version records': async (ctx) => {
    const fixture = syncFixture(ctx);
    const groups = putGroups(fixture, 6);
    const groupsOfUser = (i: number) => [groups[i % 6]!, groups[(i + 2) % 6]!];
    const users = fixture.putUsers('diruser', 25, groupsOfUser);

    const report = await fixture.sync();

    expect(report).toMatchObject({ mode: 'full', dryRun: false, resumed: false, pages: { users: 3, groups: 2 } });
    expect(counts(report)).toEqual({
      users: { ...NO_USERS, listed: 25, created: 25 },
      groups: { ...NO_GROUPS, listed: 6, created: 6 },
    });
    expect(report.memberships).toBe(25);
    for (const [i, id] of users.entries()) await expectListedUser(ctx, id, groupsOfUser(i));
    if (ctx.app !== null) {
      expect(ctx.app.callsOf('create')).toHaveLength(25);
      for (const call of ctx.app.calls) expect(call).toMatchObject({ source: 'sync', eventId: undefined });
    }
    for (const [i, id] of groups.entries()) {
      expect(await ctx.backdoor.readGroup(ctx.organizationId, id)).toMatchObject({
        organizationId: ctx.organizationId,
        id,
        directoryId: fixture.directory.directoryId,
        displayName: `Group ${i}`,
      });
      await expectEntity(ctx, 'group', id, { deleted: false, eventId: null });
    }
    expect(await ctx.backdoor.readSyncState(ctx.organizationId, fixture.directory.directoryId)).toMatchObject({
      organizationId: ctx.organizationId,
      directoryId: fixture.directory.directoryId,
      status: 'succeeded',
      watermark: report.startedAt,
      checkpoint: null,
      lastError: null,
    });
  },

  'the version record of a synced user is its updatedAt in the directory, to the nanosecond': async (ctx) => {
    const fixture = syncFixture(ctx);
    fixture.directory.advance(123_457n);
    const stamped = fixture.directory.now();
    fixture.putUsers('diruser', 1);

    await fixture.sync();

    await expectListedUser(ctx, 'diruser_000', [], stamped);
  },

  'a second full sync of an unchanged directory writes nothing': async (ctx) => {
    const fixture = syncFixture(ctx);
    const groups = putGroups(fixture, 3);
    const users = fixture.putUsers('diruser', 12, (i) => [groups[i % 3]!]);
    await fixture.sync();
    const before = await Promise.all(users.map((id) => ctx.backdoor.readEntity(ctx.organizationId, 'user', id)));

    const report = await fixture.sync();

    expect(counts(report)).toEqual({
      users: { ...NO_USERS, listed: 12, unchanged: 12 },
      groups: { ...NO_GROUPS, listed: 3, unchanged: 3 },
    });
    const after = await Promise.all(users.map((id) => ctx.backdoor.readEntity(ctx.organizationId, 'user', id)));
    expect(after.map((s) => [s?.version, s?.eventId])).toEqual(before.map((s) => [s?.version, s?.eventId]));
    if (ctx.app !== null) expect(ctx.app.calls.filter((c) => c.method !== 'create')).toEqual([]);
  },

  'an incremental sync lists only what changed since the last sync, and applies it': async (ctx) => {
    const fixture = syncFixture(ctx);
    const { directory, events } = { directory: fixture.directory, events: ctx.events };
    const groups = putGroups(fixture, 3);
    const users = fixture.putUsers('diruser', 15, (i) => [groups[i % 3]!]);
    const first = await fixture.sync();
    fixture.later();
    directory.putUser(events.user('diruser_001', { email: 'moved@example.com', groups: [{ id: groups[2]! }] }));
    directory.putUser(events.user('diruser_002', { given_name: 'Renamed', groups: [] }));
    directory.putGroup({ id: 'dirgroup_new', displayName: 'New' });
    directory.putUser(events.user('diruser_new', { groups: [{ id: 'dirgroup_new' }, { id: groups[0]! }] }));
    // Gone from the directory: only a full sync deprovisions.
    directory.removeUser('diruser_003');

    const report = await fixture.sync({ mode: 'incremental' });

    expect(report.mode).toBe('incremental');
    expect(counts(report)).toEqual({
      users: { ...NO_USERS, listed: 3, created: 1, updated: 2 },
      groups: { ...NO_GROUPS, listed: 1, created: 1 },
    });
    const listing = directory.calls.filter((c) => c.method === 'listDirectoryUsers').at(-1);
    const since = Date.parse(listing?.updatedAfter ?? '');
    expect(since).toBeLessThanOrEqual(first.startedAt.getTime());
    await expectUser(ctx, 'diruser_001', { email: 'moved@example.com', active: true });
    expect(await groupsOf(ctx, 'diruser_001')).toEqual([groups[2]!]);
    await expectUser(ctx, 'diruser_002', { givenName: 'Renamed', active: true });
    expect(await groupsOf(ctx, 'diruser_002')).toEqual([]);
    await expectListedUser(ctx, 'diruser_new', ['dirgroup_new', groups[0]!]);
    await expectUser(ctx, 'diruser_003', { active: true });
    expect(await groupsOf(ctx, 'diruser_003')).toEqual([groups[0]!]);
    for (const id of users.slice(4)) await expectUser(ctx, id, { active: true });
    expect(await ctx.backdoor.readSyncState(ctx.organizationId, directory.directoryId)).toMatchObject({
      status: 'succeeded',
      watermark: report.startedAt,
      checkpoint: null,
    });
  },

  'a full sync deactivates the users the directory no longer lists and deletes its removed groups': async (ctx) => {
    const fixture = syncFixture(ctx);
    const groups = putGroups(fixture, 2);
    const users = fixture.putUsers('diruser', 10, () => groups);
    await fixture.sync();
    fixture.directory.removeUser(users[3]!);
    fixture.directory.removeUser(users[7]!);
    fixture.directory.removeGroup(groups[1]!);

    const report = await fixture.sync();

    expect(counts(report)).toEqual({
      users: { ...NO_USERS, listed: 8, unchanged: 8, deactivated: 2 },
      groups: { ...NO_GROUPS, listed: 1, unchanged: 1, deleted: 1 },
    });
    const startedAt = dateToNanos(report.startedAt);
    for (const id of [users[3]!, users[7]!]) {
      await expectUser(ctx, id, { active: false });
      expect(await groupsOf(ctx, id)).toEqual([]);
      await expectEntity(ctx, 'user', id, { version: startedAt, deleted: true, active: false, eventId: null });
    }
    expect(await ctx.backdoor.readGroup(ctx.organizationId, groups[1]!)).toBeNull();
    await expectEntity(ctx, 'group', groups[1]!, { version: startedAt, deleted: true });
    expect(await membersOf(ctx, groups[1]!)).toEqual([]);
    const kept = users.filter((_, i) => i !== 3 && i !== 7);
    expect(await membersOf(ctx, groups[0]!)).toEqual(kept);
    for (const id of kept) await expectUser(ctx, id, { active: true });
  },

  "with deprovision: 'delete', users the directory no longer lists are deleted": async (ctx) => {
    const fixture = syncFixture(ctx);
    const groups = putGroups(fixture, 1);
    const users = fixture.putUsers('diruser', 6, () => groups);
    const engine = fixture.engine({ deprovision: 'delete' });
    await fixture.sync({}, engine);
    fixture.directory.removeUser(users[0]!);

    const report = await fixture.sync({}, engine);

    expect(report.users).toMatchObject({ listed: 5, deleted: 1, deactivated: 0 });
    await expectNoUser(ctx, users[0]!);
    await expectEntity(ctx, 'user', users[0]!, { deleted: true });
    expect(await membersOf(ctx, groups[0]!)).toEqual(users.slice(1));
  },

  'the guard stops a full sync that would deprovision too many users; force goes through': async (ctx) => {
    const fixture = syncFixture(ctx);
    const users = fixture.putUsers('diruser', 24);
    await fixture.sync();
    for (const id of users.slice(0, 12)) fixture.directory.removeUser(id);

    const refused = await fixture.sync().then(
      () => null,
      (error: unknown) => error,
    );

    expect((refused as ScimError | null)?.code).toBe('SYNC_GUARD');
    for (const id of users) {
      await expectUser(ctx, id, { active: true });
      await expectEntity(ctx, 'user', id, { deleted: false, active: true });
    }
    const state = await ctx.backdoor.readSyncState(ctx.organizationId, fixture.directory.directoryId);
    expect(state).toMatchObject({ status: 'failed', checkpoint: null });
    expect(state?.lastError).toEqual(expect.stringContaining('SYNC_GUARD'));

    const forced = await fixture.sync({ force: true });

    expect(forced.users).toMatchObject({ listed: 12, deactivated: 12 });
    for (const id of users.slice(0, 12)) await expectUser(ctx, id, { active: false });
    for (const id of users.slice(12)) await expectUser(ctx, id, { active: true });
  },

  'an interrupted sync keeps what it committed and the next one resumes from its checkpoint': async (ctx) => {
    const fixture = syncFixture(ctx);
    const { directory } = fixture;
    const groups = putGroups(fixture, 2);
    const users = fixture.putUsers('diruser', 50, (i) => [groups[i % 2]!]);
    directory.failWhen((call) => call.method === 'listDirectoryUsers' && call.page === 4);
    const engine = fixture.engine({ sync: { batchSize: 10, concurrency: 1 } });

    const failure = await fixture.sync({}, engine).then(
      () => null,
      (error: unknown) => error,
    );

    expect((failure as ScimError | null)?.code).toBe('DIRECTORY_API_FAILURE');
    const state = await ctx.backdoor.readSyncState(ctx.organizationId, directory.directoryId);
    expect(state?.checkpoint, 'an interrupted sync keeps its checkpoint').not.toBeNull();
    expect(state?.lastError).not.toBeNull();
    const kept: string[] = [];
    for (const id of users) if ((await ctx.backdoor.readUser(ctx.organizationId, id)) !== null) kept.push(id);
    expect(kept.length, 'the pages listed before the failure are committed').toBeGreaterThan(0);
    expect(kept).toEqual(users.slice(0, kept.length));
    directory.heal();

    const resumed = await fixture.sync({}, engine);

    expect(resumed).toMatchObject({ resumed: true, mode: 'full' });
    expect(resumed.users).toMatchObject({ listed: 50, created: 50 - kept.length, deactivated: 0 });
    for (const [i, id] of users.entries()) await expectListedUser(ctx, id, [groups[i % 2]!]);
    expect(await ctx.backdoor.readSyncState(ctx.organizationId, directory.directoryId)).toMatchObject({
      status: 'succeeded',
      checkpoint: null,
      lastError: null,
    });
  },

  'a sync does not undo a newer webhook change, and an older webhook does not undo the sync': async (ctx) => {
    const fixture = syncFixture(ctx);
    const { events } = ctx;
    fixture.putUsers('diruser', 2);
    const hour = 3_600_000_000_000n;
    const listedAt = fixture.directory.now();
    await ctx.apply(events.userCreated(events.user('diruser_000'), { at: listedAt - hour }));
    const newer = events.userUpdated({ id: 'diruser_000', email: 'webhook@example.com' }, { at: listedAt + hour });
    expect((await ctx.apply(newer)).outcome).toBe('applied');

    const report = await fixture.sync();

    expect(report.users).toMatchObject({ listed: 2, created: 1, skipped: 1 });
    await expectUser(ctx, 'diruser_000', { email: 'webhook@example.com' });
    await expectEntity(ctx, 'user', 'diruser_000', { eventId: newer.id });
    const older = events.userUpdated({ id: 'diruser_001', email: 'older@example.com' }, { at: listedAt - hour });
    expect((await ctx.apply(older)).outcome).toBe('stale');
    await expectListedUser(ctx, 'diruser_001', []);
  },

  'a full sync of one organization leaves other organizations alone': async (ctx) => {
    const fixture = syncFixture(ctx);
    const other = ctx.organization();
    for (const id of ['diruser_000', 'diruser_other']) {
      await ctx.apply(other.userCreated(other.user(id, { groups: [{ id: 'dirgroup_0', name: 'Other' }] })));
    }
    putGroups(fixture, 1);
    fixture.putUsers('diruser', 2, () => ['dirgroup_0']);
    await fixture.sync();
    fixture.directory.removeUser('diruser_000');
    fixture.directory.removeGroup('dirgroup_0');

    await fixture.sync();

    await expectUser(ctx, 'diruser_000', { active: false });
    for (const id of ['diruser_000', 'diruser_other']) {
      await expectUser(ctx, id, { active: true }, other.organizationId);
      expect(await groupsOf(ctx, id, other.organizationId)).toEqual(['dirgroup_0']);
    }
    expect(await ctx.backdoor.readGroup(other.organizationId, 'dirgroup_0')).toMatchObject({ displayName: 'Other' });
  },
});
