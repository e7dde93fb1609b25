import type { InboxRecord } from '@scim/core';
import type { EntityAdvance } from '@scim/core/adapter';
import { expect } from 'vitest';
import { defineSuite } from '../define-suite.js';
import { expectEntity, expectNoUser, expectUser, groupsOf, membersOf } from '../expect-state.js';
import { randomToken } from '../ids.js';
import { storeEventTests } from './store-events.js';
import { storeExpectedTests } from './store-expected.js';
import { storeKeyTests } from './store-keys.js';
import { storeLinkTests } from './store-links.js';
import { storeRepeatedIdTests } from './store-repeated-ids.js';

const V = 1_750_000_000_000_000_000n;

function advance(
  id: string,
  version: bigint,
  eventId: string | null,
  extra: Partial<EntityAdvance> = {},
): EntityAdvance {
  return { id, version, deleted: false, active: true, fingerprint: null, directoryRoles: null, eventId, ...extra };
}

function inboxRecord(organizationId: string, overrides: Partial<InboxRecord> = {}): InboxRecord {
  return {
    id: `evt_${randomToken(24)}`,
    organizationId,
    type: 'organization.directory.user_created',
    occurredAt: '2025-06-02T08:00:00.123456789Z',
    receivedAt: new Date('2025-06-02T08:00:01.234Z'),
    status: 'pending',
    reason: null,
    payload: null,
    ...overrides,
  };
}

export const storeSuite = defineSuite('store', {
  'capabilities are declared': async (ctx) => {
    const { capabilities, name } = ctx.adapter;
    expect(typeof name).toBe('string');
    expect(name.length).toBeGreaterThan(0);
    expect(typeof capabilities.transactions).toBe('boolean');
    expect(typeof capabilities.batchWrites).toBe('boolean');
    expect(Number.isInteger(capabilities.maxBatchSize)).toBe(true);
    expect(capabilities.maxBatchSize).toBeGreaterThanOrEqual(1);
    // The table-mode setup is given a mapping of the app's users table.
    expect(capabilities.userTable).toBe(true);
    expect(typeof capabilities.linkByEmail).toBe('boolean');
  },

  'claimEvents inserts the new ids only and names them, without throwing; finishEvents sets statuses': async (ctx) => {
    const record = inboxRecord(ctx.organizationId, { payload: '{"raw":true}' });
    const second = inboxRecord(ctx.organizationId);
    const third = inboxRecord(ctx.organizationId);

    expect(await ctx.adapter.claimEvents([record])).toEqual([record.id]);
    // One call: an id already there, a new one given twice, another new one.
    const claimed = await ctx.adapter.claimEvents([
      { ...record, type: 'other', status: 'applied' },
      second,
      { ...second, type: 'other' },
      third,
    ]);
    expect([...claimed].sort()).toEqual([second.id, third.id].sort());
    expect(await ctx.adapter.claimEvents([])).toEqual([]);
    expect(await ctx.backdoor.readInbox(record.id)).toMatchObject(record);
    expect(await ctx.backdoor.readInbox(second.id)).toMatchObject(second);
    expect(await ctx.adapter.getEvent(record.id)).toMatchObject(record);
    expect(await ctx.adapter.getEvent(third.id)).toMatchObject(third);

    await ctx.adapter.finishEvents([
      { id: record.id, status: 'stale' },
      { id: third.id, status: 'applied' },
      { id: `evt_${randomToken(24)}`, status: 'applied' },
    ]);
    await ctx.adapter.finishEvents([]);
    expect(await ctx.backdoor.readInbox(record.id)).toMatchObject({ ...record, status: 'stale' });
    expect(await ctx.backdoor.readInbox(second.id)).toMatchObject({ ...second, status: 'pending' });
    expect(await ctx.backdoor.readInbox(third.id)).toMatchObject({ ...third, status: 'applied' });
    expect(await ctx.adapter.getEvent(`evt_${randomToken(24)}`)).toBeNull();
  },

  'pruneEvents removes the records received before the date and counts them': async (ctx) => {
    // Far in the past, so that no other test's records are touched.
    const cut = new Date(Date.UTC(1985, 0, 1) + Math.floor(Math.random() * 86_400_000 * 365));
    await ctx.adapter.pruneEvents(cut);
    const old1 = inboxRecord(ctx.organizationId, { receivedAt: new Date(cut.getTime() - 2_000) });
    const old2 = inboxRecord(ctx.organizationId, { receivedAt: new Date(cut.getTime() - 1) });
    const kept = inboxRecord(ctx.organizationId, { receivedAt: new Date(cut.getTime() + 1_000) });
    await ctx.adapter.claimEvents([old1, old2, kept]);

    expect(await ctx.adapter.pruneEvents(cut)).toBe(2);

    expect(await ctx.backdoor.readInbox(old1.id)).toBeNull();
    expect(await ctx.backdoor.readInbox(old2.id)).toBeNull();
    expect(await ctx.backdoor.readInbox(kept.id)).toMatchObject({ id: kept.id });
    await ctx.adapter.pruneEvents(new Date(cut.getTime() + 2_000));
    expect(await ctx.backdoor.readInbox(kept.id)).toBeNull();
  },

  'advanceEntities writes only newer versions, or the same version from the same event': async (ctx) => {
    const org = ctx.organizationId;
    const s = ctx.adapter;
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 10n, 'evt_a')])).toEqual(['diruser_1']);
    await expectEntity(ctx, 'user', 'diruser_1', { version: V + 10n, eventId: 'evt_a', deleted: false, active: true });

    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 9n, 'evt_b')])).toEqual([]);
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 10n, 'evt_c')])).toEqual([]);
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 10n, null)])).toEqual([]);
    await expectEntity(ctx, 'user', 'diruser_1', { version: V + 10n, eventId: 'evt_a' });

    // The retry of an interrupted event: same version, same event id.
    expect(
      await s.advanceEntities(org, 'user', [advance('diruser_1', V + 10n, 'evt_a', { deleted: true, active: false })]),
    ).toEqual(['diruser_1']);
    await expectEntity(ctx, 'user', 'diruser_1', { version: V + 10n, deleted: true, active: false });

    expect(
      await s.advanceEntities(org, 'user', [
        advance('diruser_1', V + 11n, null, { fingerprint: 'fp-1', directoryRoles: ['viewer', 'billing'] }),
      ]),
    ).toEqual(['diruser_1']);
    await expectEntity(ctx, 'user', 'diruser_1', { version: V + 11n, eventId: null, deleted: false });
    const stored = await ctx.backdoor.readEntity(org, 'user', 'diruser_1');
    expect(stored?.fingerprint).toBe('fp-1');
    expect(stored?.directoryRoles).toEqual(['viewer', 'billing']);
    // A null event id never matches: a sync cannot re-write its own version.
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 11n, null)])).toEqual([]);
  },

  'advanceEntities with many items resolves exactly the written ids': async (ctx) => {
    const org = ctx.organizationId;
    await ctx.adapter.advanceEntities(org, 'user', [
      advance('diruser_old', V + 5n, 'evt_1'),
      advance('diruser_same', V + 5n, 'evt_1'),
    ]);

    const written = await ctx.adapter.advanceEntities(org, 'user', [
      advance('diruser_new', V + 1n, 'evt_2'),
      advance('diruser_old', V + 4n, 'evt_2'),
      advance('diruser_same', V + 6n, 'evt_2'),
    ]);

    expect([...written].sort()).toEqual(['diruser_new', 'diruser_same']);
    await expectEntity(ctx, 'user', 'diruser_old', { version: V + 5n });
    await expectEntity(ctx, 'user', 'diruser_same', { version: V + 6n });
    await expectEntity(ctx, 'user', 'diruser_new', { version: V + 1n });
  },

  'version records are kept per organization and kind': async (ctx) => {
    const org = ctx.organizationId;
    const other = ctx.organization().organizationId;
    await ctx.adapter.advanceEntities(org, 'user', [advance('same_id', V + 5n, 'evt_1')]);

    expect(await ctx.adapter.advanceEntities(org, 'group', [advance('same_id', V + 1n, 'evt_2')])).toEqual(['same_id']);
    expect(await ctx.adapter.advanceEntities(other, 'user', [advance('same_id', V + 1n, 'evt_3')])).toEqual([
      'same_id',
    ]);

    await expectEntity(ctx, 'user', 'same_id', { version: V + 5n });
    await expectEntity(ctx, 'group', 'same_id', { version: V + 1n });
    await expectEntity(ctx, 'user', 'same_id', { version: V + 1n }, other);
  },

  'getEntities returns the records that exist and skips missing ids': async (ctx) => {
    const org = ctx.organizationId;
    expect(await ctx.adapter.getEntities(org, 'user', ['diruser_missing'])).toEqual([]);
    expect(await ctx.adapter.getEntities(org, 'user', [])).toEqual([]);
    await ctx.adapter.advanceEntities(org, 'user', [
      advance('diruser_1', V, 'evt_1'),
      advance('diruser_2', V, 'evt_1'),
    ]);

    const found = await ctx.adapter.getEntities(org, 'user', ['diruser_2', 'diruser_missing', 'diruser_1']);

    expect(found.map((e) => e.id).sort()).toEqual(['diruser_1', 'diruser_2']);
    for (const entity of found) {
      expect(entity).toMatchObject({ organizationId: org, kind: 'user', version: V, eventId: 'evt_1' });
      expect(typeof entity.version).toBe('bigint');
      expect(entity.updatedAt).toBeInstanceOf(Date);
    }
  },

  'listEntities pages through one kind of one organization in id order': async (ctx) => {
    const org = ctx.organizationId;
    const ids = ['diruser_05', 'diruser_01', 'diruser_07', 'diruser_03', 'diruser_02', 'diruser_06', 'diruser_04'];
    for (const id of ids) await ctx.adapter.advanceEntities(org, 'user', [advance(id, V, 'evt_1')]);
    await ctx.adapter.advanceEntities(org, 'group', [advance('diruser_035', V, 'evt_1')]);
    await ctx.adapter.advanceEntities(ctx.organization().organizationId, 'user', [advance('diruser_025', V, 'evt_1')]);

    const pages: string[][] = [];
    let after: string | undefined;
    for (let i = 0; i < 6; i++) {
      const page = await ctx.adapter.listEntities(
        org,
        'user',
        after === undefined ? { limit: 3 } : { after, limit: 3 },
      );
      pages.push(page.map((e) => e.id));
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
    }

    expect(pages).toEqual([
      ['diruser_01', 'diruser_02', 'diruser_03'],
      ['diruser_04', 'diruser_05', 'diruser_06'],
      ['diruser_07'],
      [],
    ]);
  },

  'upsertUsers: undefined fields leave the columns, null clears them, many users in one call': async (ctx) => {
    const org = ctx.organizationId;
    const base = { organizationId: org, active: true, version: V };
    await ctx.adapter.upsertUsers(org, [
      {
        ...base,
        id: 'diruser_1',
        email: 'one@example.com',
        givenName: 'One',
        familyName: 'First',
        displayName: 'One First',
        username: 'one',
        roles: ['a', 'b'],
      },
    ]);
    await expectUser(ctx, 'diruser_1', {
      email: 'one@example.com',
      givenName: 'One',
      familyName: 'First',
      displayName: 'One First',
      username: 'one',
      active: true,
      roles: ['a', 'b'],
    });

    await ctx.adapter.upsertUsers(org, [{ ...base, id: 'diruser_1', givenName: null, active: false, version: V + 1n }]);
    await expectUser(ctx, 'diruser_1', {
      email: 'one@example.com',
      givenName: null,
      familyName: 'First',
      username: 'one',
      active: false,
      roles: ['a', 'b'],
    });

    const many = Array.from({ length: 25 }, (_, i) => ({ ...base, id: `diruser_m${i}`, email: `m${i}@example.com` }));
    await ctx.adapter.upsertUsers(org, many);
    for (const user of many) await expectUser(ctx, user.id, { email: user.email, active: true });
  },

  'patchUsers and deleteUsers change existing users and ignore missing ids': async (ctx) => {
    const org = ctx.organizationId;
    const base = { organizationId: org, active: true, version: V };
    await ctx.adapter.upsertUsers(org, [
      { ...base, id: 'diruser_1', email: 'one@example.com', roles: ['a'] },
      { ...base, id: 'diruser_2', email: 'two@example.com', roles: ['a'] },
    ]);

    await ctx.adapter.patchUsers(org, [
      { id: 'diruser_missing', active: false },
      { id: 'diruser_1', active: false },
      { id: 'diruser_2', roles: ['x', 'y'] },
    ]);
    await expectUser(ctx, 'diruser_1', { email: 'one@example.com', active: false, roles: ['a'] });
    await expectUser(ctx, 'diruser_2', { active: true, roles: ['x', 'y'] });
    await expectNoUser(ctx, 'diruser_missing');

    await ctx.adapter.deleteUsers(org, ['diruser_missing', 'diruser_1']);
    await expectNoUser(ctx, 'diruser_1');
    await expectUser(ctx, 'diruser_2', { active: true });
    await ctx.adapter.deleteUsers(org, []);
    await ctx.adapter.patchUsers(org, []);
  },

  'groups: upsert merges, ensureGroups only inserts, getGroups skips missing, deleteGroups removes': async (ctx) => {
    const org = ctx.organizationId;
    await ctx.adapter.upsertGroups(org, [
      { id: 'dirgroup_1', organizationId: org, directoryId: 'dir_1', displayName: 'One', externalId: 'x1', version: V },
    ]);
    await ctx.adapter.upsertGroups(org, [
      { id: 'dirgroup_1', organizationId: org, displayName: 'Uno', version: V + 1n },
    ]);
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).toMatchObject({
      organizationId: org,
      id: 'dirgroup_1',
      directoryId: 'dir_1',
      displayName: 'Uno',
      externalId: 'x1',
    });

    await ctx.adapter.ensureGroups(org, [
      { id: 'dirgroup_1', displayName: 'Not this' },
      { id: 'dirgroup_2', displayName: 'Two' },
      { id: 'dirgroup_2', displayName: 'Two' },
      { id: 'dirgroup_3' },
    ]);
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).toMatchObject({ displayName: 'Uno' });
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_2')).toMatchObject({ displayName: 'Two', directoryId: null });
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_3')).toMatchObject({ displayName: null });

    const found = await ctx.adapter.getGroups(org, ['dirgroup_missing', 'dirgroup_2', 'dirgroup_1']);
    expect(found.map((g) => g.id).sort()).toEqual(['dirgroup_1', 'dirgroup_2']);
    expect(await ctx.adapter.getGroups(org, ['dirgroup_missing'])).toEqual([]);

    await ctx.adapter.deleteGroups(org, ['dirgroup_1', 'dirgroup_missing']);
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).toBeNull();
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_2')).not.toBeNull();
  },

  'memberships: replace, remove by group, list by user or group': async (ctx) => {
    const org = ctx.organizationId;
    await ctx.adapter.ensureGroups(org, [{ id: 'dirgroup_1' }, { id: 'dirgroup_2' }, { id: 'dirgroup_3' }]);
    await ctx.adapter.replaceMemberships(org, [
      { userId: 'diruser_1', groupIds: ['dirgroup_1', 'dirgroup_2'] },
      { userId: 'diruser_2', groupIds: ['dirgroup_2'] },
    ]);
    await ctx.adapter.replaceMemberships(org, [{ userId: 'diruser_1', groupIds: ['dirgroup_2', 'dirgroup_3'] }]);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_2', 'dirgroup_3']);
    expect(await groupsOf(ctx, 'diruser_2')).toEqual(['dirgroup_2']);

    const byUser = await ctx.adapter.listMemberships(org, { userIds: ['diruser_1', 'diruser_missing'] });
    expect(byUser.map((m) => `${m.organizationId}/${m.userId}/${m.groupId}`).sort()).toEqual([
      `${org}/diruser_1/dirgroup_2`,
      `${org}/diruser_1/dirgroup_3`,
    ]);
    const byGroup = await ctx.adapter.listMemberships(org, { groupIds: ['dirgroup_2'] });
    expect(byGroup.map((m) => m.userId).sort()).toEqual(['diruser_1', 'diruser_2']);

    const removed = await ctx.adapter.removeGroupMemberships(org, ['dirgroup_2', 'dirgroup_missing']);
    expect(removed.map((m) => `${m.userId}/${m.groupId}`).sort()).toEqual([
      'diruser_1/dirgroup_2',
      'diruser_2/dirgroup_2',
    ]);
    expect(await membersOf(ctx, 'dirgroup_2')).toEqual([]);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_3']);

    await ctx.adapter.replaceMemberships(org, [{ userId: 'diruser_1', groupIds: ['dirgroup_1', 'dirgroup_1'] }]);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_1']);
    await ctx.adapter.replaceMemberships(org, [{ userId: 'diruser_1', groupIds: [] }]);
    expect(await groupsOf(ctx, 'diruser_1')).toEqual([]);
  },

  'directories: upsert and read back; a missing one is null': async (ctx) => {
    const org = ctx.organizationId;
    expect(await ctx.adapter.getDirectory(org, 'dir_missing')).toBeNull();
    await ctx.adapter.upsertDirectory(org, {
      id: 'dir_1',
      organizationId: org,
      enabled: true,
      provider: 'OKTA',
      directoryType: 'SCIM',
      status: 'COMPLETED',
      version: V,
    });
    await ctx.adapter.upsertDirectory(org, { id: 'dir_1', organizationId: org, enabled: false, version: V + 1n });

    const expected = {
      organizationId: org,
      id: 'dir_1',
      enabled: false,
      provider: 'OKTA',
      directoryType: 'SCIM',
      status: 'COMPLETED',
    };
    expect(await ctx.backdoor.readDirectory(org, 'dir_1')).toMatchObject(expected);
    expect(await ctx.adapter.getDirectory(org, 'dir_1')).toMatchObject(expected);
  },

  ...storeKeyTests,
  ...storeRepeatedIdTests,
  ...storeExpectedTests,
  ...storeLinkTests,
  ...storeEventTests,
});
