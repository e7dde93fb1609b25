import type { EntityAdvance } from '@scim/core/adapter';
import siftModule from 'sift';
import { describe, expect, test } from 'vitest';
import {
  claimUpdate,
  conditionalAdvance,
  directoryUpsert,
  eventPage,
  expectedAdvance,
  finishUpdates,
  groupInserts,
  groupUpserts,
  isNewer,
  leaseAcquire,
  leaseAvailable,
  membershipReplacement,
  newerCondition,
  plannedAdvances,
  syncStateUpsert,
} from './bookkeeping-operations.js';

const V = 1_750_000_000_000_000_000n;
const NOW = new Date('2025-06-02T08:00:00.000Z');

function advance(id: string, version: bigint, eventId: string | null): EntityAdvance {
  return { id, version, deleted: false, active: true, fingerprint: null, directoryRoles: ['a'], eventId };
}

// sift is CommonJS: its module object is also the matcher, and carries it again as `default`.
const sift = siftModule.default;

/** Whether a stored record matches a filter, evaluated with a MongoDB query matcher (sift). */
function matches(filter: Record<string, unknown>, stored: Record<string, unknown>): boolean {
  return sift(filter)(stored);
}

describe('the version condition', () => {
  const stored = { organizationId: 'org_1', kind: 'user', id: 'diruser_1', version: V + 10n, eventId: 'evt_a' };
  const cases: [string, EntityAdvance, boolean][] = [
    ['a newer version', advance('diruser_1', V + 11n, 'evt_b'), true],
    ['an older version', advance('diruser_1', V + 9n, 'evt_b'), false],
    ['the same version from another event', advance('diruser_1', V + 10n, 'evt_c'), false],
    ['the same version from the same event (a retry)', advance('diruser_1', V + 10n, 'evt_a'), true],
    ['the same version from a sync (null event id)', advance('diruser_1', V + 10n, null), false],
    ['a newer version from a sync', advance('diruser_1', V + 11n, null), true],
  ];

  for (const [name, item, expected] of cases) {
    test(`${name}: ${expected ? 'written' : 'refused'}, in the database filter and in the in-memory rule alike`, () => {
      const { filter } = conditionalAdvance('org_1', 'user', item, NOW).updateOne;
      expect(matches(filter, stored)).toBe(expected);
      expect(isNewer({ version: stored.version, eventId: stored.eventId }, item)).toBe(expected);
    });
  }

  test('a null stored event id never matches a null item event id', () => {
    const synced = { organizationId: 'org_1', kind: 'user', id: 'diruser_1', version: V, eventId: null };
    expect(
      matches(conditionalAdvance('org_1', 'user', advance('diruser_1', V, null), NOW).updateOne.filter, synced),
    ).toBe(false);
    expect(newerCondition(advance('diruser_1', V, null))).toEqual({ $or: [{ version: { $lt: V } }] });
  });

  test('the filter is scoped by organization and kind, and the upsert writes the whole record', () => {
    const operation = conditionalAdvance('org_1', 'group', advance('dirgroup_1', V, 'evt_a'), NOW);
    expect(operation.updateOne.upsert).toBe(true);
    expect(operation.updateOne.filter).toMatchObject({ organizationId: 'org_1', kind: 'group', id: 'dirgroup_1' });
    expect(
      matches(operation.updateOne.filter, { organizationId: 'org_2', kind: 'group', id: 'dirgroup_1', version: 0n }),
    ).toBe(false);
    expect(operation.updateOne.update).toEqual({
      $set: {
        version: V,
        deleted: false,
        active: true,
        fingerprint: null,
        directoryRoles: ['a'],
        eventId: 'evt_a',
        updatedAt: NOW,
      },
    });
    expect(typeof operation.updateOne.update.$set?.version).toBe('bigint');
  });
});

describe('plannedAdvances (inside a transaction)', () => {
  test('decides from the stored records and takes items in order', () => {
    const stored = new Map([
      ['diruser_old', { version: V + 5n, eventId: 'evt_1' }],
      ['diruser_same', { version: V + 5n, eventId: 'evt_1' }],
    ]);
    const { written, operations } = plannedAdvances(
      'org_1',
      'user',
      stored,
      [
        advance('diruser_new', V + 1n, 'evt_2'),
        advance('diruser_old', V + 4n, 'evt_2'),
        advance('diruser_same', V + 6n, 'evt_2'),
        advance('diruser_new', V, 'evt_3'),
      ],
      NOW,
    );
    expect(written).toEqual(['diruser_new', 'diruser_same']);
    expect(operations.map((o) => o.updateOne.filter)).toEqual([
      { organizationId: 'org_1', kind: 'user', id: 'diruser_new' },
      { organizationId: 'org_1', kind: 'user', id: 'diruser_same' },
    ]);
  });
});

describe('compare-and-set (expected)', () => {
  const stored = { organizationId: 'org_1', kind: 'user', id: 'diruser_1', version: V + 10n, eventId: 'evt_a' };
  const item = (version: bigint, eventId: string | null, expected: bigint | null) => ({
    ...advance('diruser_1', version, eventId),
    expected,
  });

  test('a version expected: an update (never an upsert) of the record at that version, under the version rule', () => {
    const cases: [EntityAdvance & { expected: bigint | null }, boolean][] = [
      [item(V + 11n, 'evt_b', V + 10n), true],
      [item(V + 11n, 'evt_b', V + 9n), false],
      [item(V + 9n, 'evt_b', V + 10n), false],
      [item(V + 10n, 'evt_c', V + 10n), false],
      [item(V + 10n, 'evt_a', V + 10n), true],
    ];
    for (const [advanced, written] of cases) {
      const { filter, upsert } = expectedAdvance('org_1', 'user', advanced, NOW);
      expect(upsert).toBe(false);
      expect(matches(filter, stored), `${advanced.version} expecting ${advanced.expected}`).toBe(written);
      expect(matches(filter, { ...stored, id: 'diruser_2' })).toBe(false);
    }
  });

  test('no record expected: an insert-only upsert that leaves an existing record alone', () => {
    const { filter, update, upsert } = expectedAdvance('org_1', 'user', item(V + 11n, 'evt_b', null), NOW);
    expect(upsert).toBe(true);
    expect(filter).toEqual({ organizationId: 'org_1', kind: 'user', id: 'diruser_1' });
    expect(Object.keys(update)).toEqual(['$setOnInsert']);
    expect(update.$setOnInsert).toMatchObject({ version: V + 11n, eventId: 'evt_b', directoryRoles: ['a'] });
  });

  test('in a transaction: compared with the record read, as the earlier items of the call left it', () => {
    const { written } = plannedAdvances(
      'org_1',
      'user',
      new Map([['diruser_1', { version: V + 10n, eventId: 'evt_a' }]]),
      [
        item(V + 11n, 'evt_b', V + 9n),
        item(V + 11n, 'evt_b', V + 10n),
        item(V + 12n, 'evt_c', V + 10n),
        { ...advance('diruser_2', V + 1n, 'evt_d'), expected: null },
        { ...advance('diruser_2', V + 2n, 'evt_e'), expected: null },
        { ...advance('diruser_3', V + 1n, 'evt_f'), expected: V },
      ],
      NOW,
    );
    expect(written).toEqual(['diruser_1', 'diruser_2']);
  });
});

describe('inbox, groups, directories, memberships, leases', () => {
  test('the claim only inserts', () => {
    const record = {
      id: 'evt_1',
      organizationId: 'org_1',
      type: 'organization.directory.user_created',
      occurredAt: '2025-06-02T08:00:00.123456789Z',
      receivedAt: NOW,
      status: 'pending' as const,
      reason: null,
      payload: null,
    };
    expect(claimUpdate(record)).toEqual({
      filter: { _id: 'evt_1' },
      update: {
        $setOnInsert: {
          organizationId: 'org_1',
          type: 'organization.directory.user_created',
          occurredAt: '2025-06-02T08:00:00.123456789Z',
          receivedAt: NOW,
          status: 'pending',
          reason: null,
          payload: null,
        },
      },
    });
  });

  test('groups: given fields are set, missing ones start null and are kept on update', () => {
    expect(groupUpserts('org_1', [{ id: 'g1', organizationId: 'org_1', displayName: 'Uno', version: V }])).toEqual([
      {
        updateOne: {
          filter: { organizationId: 'org_1', id: 'g1' },
          update: { $set: { displayName: 'Uno' }, $setOnInsert: { directoryId: null, externalId: null } },
          upsert: true,
        },
      },
    ]);
    const [all] = groupUpserts('org_1', [
      { id: 'g1', organizationId: 'org_1', directoryId: null, displayName: 'A', externalId: 'x', version: V },
    ]);
    expect(all!.updateOne.update).toEqual({ $set: { directoryId: null, displayName: 'A', externalId: 'x' } });
  });

  test('stub groups only insert, once per id, the first ref winning', () => {
    const operations = groupInserts('org_1', [
      { id: 'g2', displayName: 'Two' },
      { id: 'g2', displayName: 'Deux' },
      { id: 'g3' },
    ]);
    expect(operations.map((o) => o.updateOne.update)).toEqual([
      { $setOnInsert: { directoryId: null, displayName: 'Two', externalId: null } },
      { $setOnInsert: { directoryId: null, displayName: null, externalId: null } },
    ]);
    expect(operations.every((o) => o.updateOne.upsert === true && o.updateOne.update.$set === undefined)).toBe(true);
  });

  test('directories: enabled is always set, the rest only when given', () => {
    expect(directoryUpsert('org_1', { id: 'dir_1', organizationId: 'org_1', enabled: false, version: V })).toEqual({
      updateOne: {
        filter: { organizationId: 'org_1', id: 'dir_1' },
        update: { $set: { enabled: false }, $setOnInsert: { provider: null, directoryType: null, status: null } },
        upsert: true,
      },
    });
  });

  test('memberships: deletes first, duplicates collapsed, a user named twice keeps its last entry', () => {
    const operations = membershipReplacement('org_1', [
      { userId: 'u1', groupIds: ['g1', 'g2'] },
      { userId: 'u2', groupIds: ['g2', 'g2'] },
      { userId: 'u1', groupIds: ['g3'] },
    ]);
    expect(operations.map((o) => ('deleteMany' in o ? 'delete' : 'upsert'))).toEqual([
      'delete',
      'delete',
      'upsert',
      'upsert',
    ]);
    expect(operations[0]).toEqual({
      deleteMany: { filter: { organizationId: 'org_1', userId: 'u1', groupId: { $nin: ['g3'] } } },
    });
    expect(operations[1]).toEqual({
      deleteMany: { filter: { organizationId: 'org_1', userId: 'u2', groupId: { $nin: ['g2'] } } },
    });
    const kept = { organizationId: 'org_1', userId: 'u1', groupId: 'g3' };
    const dropped = { organizationId: 'org_1', userId: 'u1', groupId: 'g1' };
    const deleteFilter = (operations[0] as { deleteMany: { filter: Record<string, unknown> } }).deleteMany.filter;
    expect(matches(deleteFilter, kept)).toBe(false);
    expect(matches(deleteFilter, dropped)).toBe(true);
    expect(membershipReplacement('org_1', [{ userId: 'u1', groupIds: [] }])).toEqual([
      { deleteMany: { filter: { organizationId: 'org_1', userId: 'u1', groupId: { $nin: [] } } } },
    ]);
  });

  test('leases: free, expired or own leases are available; a live lease of another owner is not', () => {
    const request = { name: 'sync:org_1', owner: 'me', ttlMs: 60_000, now: NOW };
    const later = new Date(NOW.getTime() + 1);
    expect(leaseAvailable(null, request)).toBe(true);
    expect(leaseAvailable({ owner: 'me', expiresAt: later }, request)).toBe(true);
    expect(leaseAvailable({ owner: 'other', expiresAt: NOW }, request)).toBe(true);
    expect(leaseAvailable({ owner: 'other', expiresAt: later }, request)).toBe(false);

    const { filter, update } = leaseAcquire(request).updateOne;
    expect(matches(filter, { _id: 'sync:org_1', owner: 'me', expiresAt: later })).toBe(true);
    expect(matches(filter, { _id: 'sync:org_1', owner: 'other', expiresAt: NOW })).toBe(true);
    expect(matches(filter, { _id: 'sync:org_1', owner: 'other', expiresAt: later })).toBe(false);
    expect(update).toEqual({ $set: { owner: 'me', expiresAt: new Date(NOW.getTime() + 60_000) } });
  });

  test('sync state: every field but the key is set, nulls included', () => {
    const state = {
      organizationId: 'org_1',
      directoryId: 'dir_1',
      status: 'running' as const,
      watermark: null,
      checkpoint: '{"after":"x"}',
      lastStartedAt: NOW,
      lastFinishedAt: null,
      lastError: null,
      updatedAt: NOW,
    };
    expect(syncStateUpsert(state)).toEqual({
      updateOne: {
        filter: { organizationId: 'org_1', directoryId: 'dir_1' },
        update: {
          $set: {
            status: 'running',
            watermark: null,
            checkpoint: '{"after":"x"}',
            lastStartedAt: NOW,
            lastFinishedAt: null,
            lastError: null,
            updatedAt: NOW,
          },
        },
        upsert: true,
      },
    });
  });
});

describe('pages of the inbox', () => {
  const at = (ms: number) => new Date(NOW.getTime() + ms);
  const stored = [
    { _id: 'evt_a', organizationId: 'org_1', status: 'rejected', receivedAt: at(0) },
    { _id: 'evt_b', organizationId: 'org_1', status: 'applied', receivedAt: at(0) },
    { _id: 'evt_c', organizationId: 'org_1', status: 'rejected', receivedAt: at(5) },
    { _id: 'evt_d', organizationId: 'org_2', status: 'rejected', receivedAt: at(1) },
  ];

  test('newest first, filtered by organization and status, after the cursor (same instant: smaller ids)', () => {
    const all = eventPage({ limit: 10 });
    expect(all.sort).toEqual({ receivedAt: -1, _id: -1 });
    const { filter } = eventPage({ organizationId: 'org_1', before: { receivedAt: at(0), id: 'evt_b' }, limit: 10 });
    expect(stored.filter((doc) => matches(filter, doc)).map((doc) => doc._id)).toEqual(['evt_a']);
    const rejected = eventPage({ status: 'rejected', before: { receivedAt: at(5), id: 'evt_c' }, limit: 10 });
    expect(stored.filter((doc) => matches(rejected.filter, doc)).map((doc) => doc._id)).toEqual(['evt_a', 'evt_d']);
  });
});

describe('finishing events', () => {
  test('an id ends with its last status and the last reason and payload given; ids grouped by what they set', () => {
    expect(
      finishUpdates([
        { id: 'evt_1', status: 'rejected', reason: 'first' },
        { id: 'evt_2', status: 'applied' },
        { id: 'evt_1', status: 'applied', payload: null },
        { id: 'evt_3', status: 'applied' },
        { id: 'evt_4', status: 'applied', reason: null },
      ]),
    ).toEqual([
      { ids: ['evt_1'], set: { status: 'applied', reason: 'first', payload: null } },
      { ids: ['evt_2', 'evt_3'], set: { status: 'applied' } },
      { ids: ['evt_4'], set: { status: 'applied', reason: null } },
    ]);
  });
});
