import type { InboxRecord } from '@scim/core';
import type { EntityAdvance } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceTest } from '../define-suite.js';
import { expectEntity, expectInbox, expectNoUser, expectUser, groupsOf, membersOf } from '../expect-state.js';
import { randomToken } from '../ids.js';

const V = 1_750_000_000_000_000_000n;

function advance(
  id: string,
  version: bigint,
  eventId: string | null,
  extra: Partial<EntityAdvance> = {},
): EntityAdvance {
  return { id, version, deleted: false, active: true, fingerprint: null, directoryRoles: null, eventId, ...extra };
}

function sorted(ids: readonly string[]): string[] {
  return [...ids].sort();
}

/**
 * The contract's rule for an id given more than once in one call: the items apply as if one after
 * the other, in the order given; an answer names an id once; a deletion or a read takes it once.
 */
export const storeRepeatedIdTests = {
  'repeated ids: advanceEntities applies the items in order and names a written id once': async (ctx) => {
    const org = ctx.organizationId;
    const s = ctx.adapter;
    await s.advanceEntities(org, 'user', [advance('diruser_stored', V + 5n, 'evt_s', { fingerprint: 'stored' })]);

    const written = await s.advanceEntities(org, 'user', [
      advance('diruser_up', V + 1n, 'evt_1'),
      advance('diruser_up', V + 3n, 'evt_3', { deleted: true, active: false }),
      advance('diruser_up', V + 2n, 'evt_2'),
      advance('diruser_same', V + 4n, null, { fingerprint: 'first' }),
      advance('diruser_same', V + 4n, null, { fingerprint: 'second' }),
      advance('diruser_stored', V + 5n, 'evt_other', { fingerprint: 'other' }),
      advance('diruser_stored', V + 5n, 'evt_s', { fingerprint: 'retried' }),
      advance('diruser_old', V, 'evt_o'),
    ]);

    expect(sorted(written)).toEqual(['diruser_old', 'diruser_same', 'diruser_stored', 'diruser_up']);
    // The newest of the three; the older third item found a newer record and was not written.
    await expectEntity(ctx, 'user', 'diruser_up', { version: V + 3n, eventId: 'evt_3', deleted: true });
    // An equal version without an event id never rewrites a record, not even the one just written.
    expect((await ctx.backdoor.readEntity(org, 'user', 'diruser_same'))?.fingerprint).toBe('first');
    // The stored record's own event, retried after another event's item at the same version.
    expect((await ctx.backdoor.readEntity(org, 'user', 'diruser_stored'))?.fingerprint).toBe('retried');

    expect(
      await s.advanceEntities(org, 'user', [
        advance('diruser_old', V - 1n, 'evt_x'),
        advance('diruser_old', V, 'evt_y'),
      ]),
    ).toEqual([]);
    await expectEntity(ctx, 'user', 'diruser_old', { version: V, eventId: 'evt_o' });
  },

  'repeated ids: upsertUsers and patchUsers apply in order, field by field; deleteUsers takes an id once': async (
    ctx,
  ) => {
    const org = ctx.organizationId;
    const base = { organizationId: org, active: true, version: V };
    await ctx.adapter.upsertUsers(org, [
      {
        ...base,
        id: 'diruser_1',
        email: 'first@example.com',
        givenName: 'First',
        familyName: 'Family',
        roles: ['a'],
      },
      { ...base, id: 'diruser_2', email: 'two@example.com' },
      { ...base, id: 'diruser_3', email: 'three-a@example.com' },
      { ...base, id: 'diruser_1', email: 'second@example.com', familyName: null, active: false, version: V + 1n },
      { ...base, id: 'diruser_3', email: 'three-b@example.com' },
    ]);
    await expectUser(ctx, 'diruser_1', {
      email: 'second@example.com',
      givenName: 'First',
      familyName: null,
      active: false,
      roles: ['a'],
    });
    await expectUser(ctx, 'diruser_3', { email: 'three-b@example.com' });

    await ctx.adapter.patchUsers(org, [
      { id: 'diruser_2', active: false, roles: ['x'] },
      { id: 'diruser_1', active: true },
      { id: 'diruser_2', roles: ['y', 'z'] },
      { id: 'diruser_1', active: false },
      { id: 'diruser_2', active: true },
      { id: 'diruser_1', active: true },
    ]);
    await expectUser(ctx, 'diruser_2', { email: 'two@example.com', active: true, roles: ['y', 'z'] });
    await expectUser(ctx, 'diruser_1', { active: true, roles: ['a'] });

    await ctx.adapter.deleteUsers(org, ['diruser_1', 'diruser_missing', 'diruser_1']);
    await expectNoUser(ctx, 'diruser_1');
    await expectUser(ctx, 'diruser_2', { active: true });
  },

  'repeated ids: finishEvents sets the last status given for an id': async (ctx) => {
    const record = (): InboxRecord => ({
      id: `evt_${randomToken(24)}`,
      organizationId: ctx.organizationId,
      type: 'organization.directory.user_created',
      occurredAt: '2025-06-02T08:00:00.123456789Z',
      receivedAt: new Date('2025-06-02T08:00:01.234Z'),
      status: 'pending',
      reason: null,
      payload: null,
    });
    const one = record();
    const two = record();
    await ctx.adapter.claimEvents([one, two]);

    await ctx.adapter.finishEvents([
      { id: one.id, status: 'applied' },
      { id: two.id, status: 'stale' },
      { id: one.id, status: 'stale' },
      { id: two.id, status: 'applied' },
    ]);

    await expectInbox(ctx, one.id, 'stale');
    await expectInbox(ctx, two.id, 'applied');
  },

  'repeated ids: getEntities, getGroups and listMemberships name each record once': async (ctx) => {
    const org = ctx.organizationId;
    await ctx.adapter.advanceEntities(org, 'user', [advance('diruser_1', V, null), advance('diruser_2', V, null)]);
    await ctx.adapter.ensureGroups(org, [{ id: 'dirgroup_1' }, { id: 'dirgroup_2' }]);
    await ctx.adapter.replaceMemberships(org, [
      { userId: 'diruser_1', groupIds: ['dirgroup_1', 'dirgroup_2'] },
      { userId: 'diruser_2', groupIds: ['dirgroup_1'] },
    ]);

    const entities = await ctx.adapter.getEntities(org, 'user', ['diruser_1', 'diruser_2', 'diruser_1', 'diruser_1']);
    expect(sorted(entities.map((e) => e.id))).toEqual(['diruser_1', 'diruser_2']);
    const groups = await ctx.adapter.getGroups(org, ['dirgroup_2', 'dirgroup_1', 'dirgroup_2']);
    expect(sorted(groups.map((g) => g.id))).toEqual(['dirgroup_1', 'dirgroup_2']);
    const byUser = await ctx.adapter.listMemberships(org, { userIds: ['diruser_1', 'diruser_1', 'diruser_2'] });
    expect(sorted(byUser.map((m) => `${m.userId}/${m.groupId}`))).toEqual([
      'diruser_1/dirgroup_1',
      'diruser_1/dirgroup_2',
      'diruser_2/dirgroup_1',
    ]);
    const byGroup = await ctx.adapter.listMemberships(org, { groupIds: ['dirgroup_1', 'dirgroup_1'] });
    expect(sorted(byGroup.map((m) => m.userId))).toEqual(['diruser_1', 'diruser_2']);
  },

  'repeated ids: upsertGroups applies in order, ensureGroups keeps the first, deletions take an id once': async (
    ctx,
  ) => {
    const org = ctx.organizationId;
    await ctx.adapter.upsertGroups(org, [
      { id: 'dirgroup_1', organizationId: org, directoryId: 'dir_1', displayName: 'One', externalId: 'x1', version: V },
      { id: 'dirgroup_1', organizationId: org, displayName: 'Uno', externalId: null, version: V + 1n },
    ]);
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).toMatchObject({
      directoryId: 'dir_1',
      displayName: 'Uno',
      externalId: null,
    });
    await ctx.adapter.ensureGroups(org, [
      { id: 'dirgroup_2', displayName: 'First' },
      { id: 'dirgroup_2', displayName: 'Second' },
    ]);
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_2')).toMatchObject({ displayName: 'First' });
    await ctx.adapter.replaceMemberships(org, [
      { userId: 'diruser_1', groupIds: ['dirgroup_1', 'dirgroup_2'] },
      { userId: 'diruser_2', groupIds: ['dirgroup_1'] },
    ]);

    const removed = await ctx.adapter.removeGroupMemberships(org, ['dirgroup_1', 'dirgroup_1']);

    expect(sorted(removed.map((m) => `${m.userId}/${m.groupId}`))).toEqual([
      'diruser_1/dirgroup_1',
      'diruser_2/dirgroup_1',
    ]);
    expect(await membersOf(ctx, 'dirgroup_1')).toEqual([]);
    await ctx.adapter.deleteGroups(org, ['dirgroup_2', 'dirgroup_2']);
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_2')).toBeNull();
    expect(await ctx.backdoor.readGroup(org, 'dirgroup_1')).not.toBeNull();
  },

  "repeated ids: replaceMemberships leaves each user with its last entry's groups": async (ctx) => {
    const org = ctx.organizationId;
    await ctx.adapter.ensureGroups(org, [{ id: 'dirgroup_1' }, { id: 'dirgroup_2' }, { id: 'dirgroup_3' }]);
    await ctx.adapter.replaceMemberships(org, [{ userId: 'diruser_2', groupIds: ['dirgroup_1'] }]);

    await ctx.adapter.replaceMemberships(org, [
      { userId: 'diruser_1', groupIds: ['dirgroup_1', 'dirgroup_2'] },
      { userId: 'diruser_2', groupIds: ['dirgroup_2'] },
      { userId: 'diruser_1', groupIds: ['dirgroup_3'] },
      { userId: 'diruser_2', groupIds: ['dirgroup_1', 'dirgroup_3'] },
      { userId: 'diruser_3', groupIds: ['dirgroup_1'] },
      { userId: 'diruser_3', groupIds: [] },
    ]);

    expect(await groupsOf(ctx, 'diruser_1')).toEqual(['dirgroup_3']);
    expect(await groupsOf(ctx, 'diruser_2')).toEqual(['dirgroup_1', 'dirgroup_3']);
    expect(await groupsOf(ctx, 'diruser_3')).toEqual([]);
  },
} satisfies Record<string, ConformanceTest>;
