import { memoryAdapter, type ScimAdapter } from '@scim/core';
import type { ResourceFilter, ResourceIndex, ResourcePut, ResourceStore } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { defineSuite } from '../define-suite.js';
import { randomOrganizationId } from '../ids.js';

type Store = Required<Pick<ScimAdapter, keyof ResourceStore>> & ScimAdapter;

const org = () => randomOrganizationId();
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

function userIndex(userName: string, more: Partial<ResourceIndex> = {}): ResourceIndex {
  return { userName, externalId: null, displayName: null, emails: [], active: true, ...more };
}

function create(id: string, index: ResourceIndex, version = 1n, type: 'User' | 'Group' = 'User'): ResourcePut {
  const time = at(Number(version));
  return {
    resourceType: type,
    id,
    expectedVersion: null,
    version,
    resource: {
      attributes: { userName: index.userName, nested: { a: [1, 'two'] } },
      index,
      created: time,
      lastModified: time,
    },
  };
}

function update(put: ResourcePut, expected: bigint, version: bigint, index: ResourceIndex): ResourcePut {
  const time = at(Number(version % 1_000_000n));
  return {
    ...put,
    expectedVersion: expected,
    version,
    resource: { attributes: { userName: index.userName }, index, created: put.resource!.created, lastModified: time },
  };
}

/** The adapter as a `ResourceStore`; the test is skipped when it keeps no SCIM resources. */
function resourceStore(ctx: ConformanceContext): Store {
  if (ctx.adapter.capabilities.scimResources !== true) {
    ctx.skip('the adapter keeps no SCIM server records (capabilities.scimResources is not true)');
  }
  return ctx.adapter as Store;
}

/**
 * The SCIM server's records (`ResourceStore`, when `capabilities.scimResources`), checked against the
 * memory adapter (the reference): compare-and-set, userName uniqueness, the filters the database runs,
 * paging, member deltas, tokens, and concurrent writers (the peer when one is given).
 */
export const resourcesSuite = defineSuite('resources', {
  'compare-and-set: a create of an existing id, an update or a delete from another version write nothing': async (
    ctx,
  ) => {
    const s = resourceStore(ctx);
    const o = org();
    const first = create('u1', userIndex('ann@example.com', { emails: ['ann@example.com'] }), 10n);
    expect(await s.putResource(o, first)).toBe('ok');
    expect(await s.putResource(o, create('u1', userIndex('other@example.com'), 11n))).toBe('version-conflict');
    expect(await s.putResource(o, update(first, 9n, 12n, userIndex('x@example.com')))).toBe('version-conflict');
    expect(await s.putResource(o, { ...first, expectedVersion: 11n, resource: null })).toBe('version-conflict');
    const stored = await s.getResource(o, 'User', 'u1');
    expect(stored).toEqual({
      organizationId: o,
      resourceType: 'User',
      id: 'u1',
      attributes: { userName: 'ann@example.com', nested: { a: [1, 'two'] } },
      version: 10n,
      created: at(10),
      lastModified: at(10),
    });
    expect(await s.putResource(o, update(first, 10n, 1_767_225_600_000_000_001n, userIndex('ann2@example.com')))).toBe(
      'ok',
    );
    expect((await s.getResource(o, 'User', 'u1'))?.version).toBe(1_767_225_600_000_000_001n);
    expect(await s.putResource(o, { ...first, expectedVersion: 1_767_225_600_000_000_001n, resource: null })).toBe(
      'ok',
    );
    expect(await s.getResource(o, 'User', 'u1')).toBeNull();
    expect(await s.putResource(o, { ...first, expectedVersion: null, resource: null })).toBe('ok');
    expect(
      await s.queryResources({ organizationId: o, resourceType: 'User', filter: null, offset: 0, limit: 10 }),
    ).toEqual({ total: 0, resources: [] });
  },

  'userName is unique per organization among Users: another User is refused, a Group or another organization is not':
    async (ctx) => {
      const s = resourceStore(ctx);
      const [a, b] = [org(), org()];
      expect(await s.putResource(a, create('u1', userIndex('bob@example.com')))).toBe('ok');
      expect(await s.putResource(a, create('u2', userIndex('bob@example.com')))).toBe('uniqueness');
      expect(await s.putResource(b, create('u2', userIndex('bob@example.com')))).toBe('ok');
      const group = create(
        'g1',
        { ...userIndex('x'), userName: null, displayName: 'bob@example.com', active: null },
        1n,
        'Group',
      );
      expect(await s.putResource(a, group)).toBe('ok');
      expect(await s.putResource(a, create('g2', { ...group.resource!.index }, 1n, 'Group'))).toBe('ok');
      const second = create('u3', userIndex('carl@example.com'));
      expect(await s.putResource(a, second)).toBe('ok');
      expect(await s.putResource(a, update(second, 1n, 2n, userIndex('bob@example.com')))).toBe('uniqueness');
      expect((await s.getResource(a, 'User', 'u3'))?.version).toBe(1n);
      expect(await s.existingResources(a, 'User', ['u1', 'u2', 'u3', 'u1', 'g1'])).toEqual(
        expect.arrayContaining(['u1', 'u3']),
      );
      expect((await s.existingResources(a, 'User', ['u1', 'u2', 'u3', 'u1', 'g1'])).length).toBe(2);
      // A created User's name is free again once it is renamed or deleted.
      expect(await s.putResource(a, { ...create('u1', userIndex('')), expectedVersion: 1n, resource: null })).toBe(
        'ok',
      );
      expect(await s.putResource(a, update(second, 1n, 3n, userIndex('bob@example.com')))).toBe('ok');
    },

  'filters run by the database answer what the memory adapter answers, pages in id order with the total': async (
    ctx,
  ) => {
    const s = resourceStore(ctx);
    const memory = memoryAdapter() as Store;
    const o = org();
    const names = ['ann', 'Anna', 'bob', 'b%b', 'b_b', 'b!b', 'carl', 'dora', 'éva', 'zoë', 'ann.smith'];
    let n = 0;
    for (const name of names) {
      n++;
      const index = userIndex(`${name.toLowerCase()}@example.com`, {
        externalId: n % 3 === 0 ? null : `Ext-${name}`,
        displayName: n % 4 === 0 ? null : `${name} Example`.toLowerCase(),
        emails: n % 5 === 0 ? [] : [`${name.toLowerCase()}@example.com`, `${name.toLowerCase()}@work.example`],
        active: n % 2 === 0,
      });
      for (const target of [s, memory])
        expect(await target.putResource(o, create(`u${String(n).padStart(2, '0')}`, index, BigInt(n)))).toBe('ok');
    }
    const filters: (ResourceFilter | null)[] = [
      null,
      { op: 'eq', attribute: 'userName', value: 'ann@example.com' },
      { op: 'eq', attribute: 'userName', value: 'ANN@example.com' },
      { op: 'sw', attribute: 'userName', value: 'ann' },
      { op: 'sw', attribute: 'userName', value: 'b%' },
      { op: 'sw', attribute: 'userName', value: 'b_' },
      { op: 'sw', attribute: 'userName', value: 'b!' },
      { op: 'co', attribute: 'userName', value: '%' },
      { op: 'co', attribute: 'userName', value: '.smith@' },
      { op: 'co', attribute: 'displayName', value: 'a example' },
      { op: 'sw', attribute: 'displayName', value: '' },
      { op: 'eq', attribute: 'externalId', value: 'Ext-bob' },
      { op: 'eq', attribute: 'externalId', value: 'ext-bob' },
      { op: 'sw', attribute: 'externalId', value: 'Ext-A' },
      { op: 'co', attribute: 'externalId', value: 'x' },
      { op: 'eq', attribute: 'id', value: 'u03' },
      { op: 'sw', attribute: 'id', value: 'u1' },
      { op: 'eq', attribute: 'emails.value', value: 'bob@work.example' },
      { op: 'sw', attribute: 'emails.value', value: 'ann' },
      { op: 'co', attribute: 'emails.value', value: '@work.' },
      { op: 'eq', attribute: 'active', value: true },
      { op: 'eq', attribute: 'active', value: false },
      { op: 'gt', attribute: 'meta.lastModified', value: at(5) },
      { op: 'ge', attribute: 'meta.lastModified', value: at(5) },
      { op: 'lt', attribute: 'meta.lastModified', value: at(5) },
      { op: 'le', attribute: 'meta.lastModified', value: at(5) },
      { op: 'eq', attribute: 'meta.lastModified', value: at(5) },
      {
        op: 'and',
        filters: [
          { op: 'sw', attribute: 'emails.value', value: 'b' },
          { op: 'eq', attribute: 'active', value: false },
        ],
      },
    ];
    for (const filter of filters) {
      for (const [offset, limit] of [
        [0, 100],
        [0, 3],
        [2, 3],
        [50, 10],
        [0, 0],
      ] as const) {
        const query = { organizationId: o, resourceType: 'User' as const, filter, offset, limit };
        const expected = await memory.queryResources(query);
        const got = await s.queryResources(query);
        expect({ filter, offset, limit, total: got.total, ids: got.resources.map((r) => r.id) }).toEqual({
          filter,
          offset,
          limit,
          total: expected.total,
          ids: expected.resources.map((r) => r.id),
        });
      }
    }
    // Another organization's rows never match.
    const other = await s.queryResources({
      organizationId: org(),
      resourceType: 'User',
      filter: null,
      offset: 0,
      limit: 5,
    });
    expect(other).toEqual({ total: 0, resources: [] });
  },

  "an update replaces the resource's email index": async (ctx) => {
    const s = resourceStore(ctx);
    const o = org();
    const first = create('u1', userIndex('a@example.com', { emails: ['a@example.com', 'a@old.example'] }));
    expect(await s.putResource(o, first)).toBe('ok');
    expect(
      await s.putResource(
        o,
        update(
          first,
          1n,
          2n,
          userIndex('a@example.com', { emails: ['a@example.com', 'a@new.example', 'a@new.example'] }),
        ),
      ),
    ).toBe('ok');
    const byEmail = async (value: string) =>
      (
        await s.queryResources({
          organizationId: o,
          resourceType: 'User',
          filter: { op: 'eq', attribute: 'emails.value', value },
          offset: 0,
          limit: 5,
        })
      ).total;
    expect([await byEmail('a@old.example'), await byEmail('a@new.example'), await byEmail('a@example.com')]).toEqual([
      0, 1, 1,
    ]);
  },

  'member deltas and pages of a group, tokens': async (ctx) => {
    const s = resourceStore(ctx);
    const o = org();
    await s.ensureGroups(o, [{ id: 'g1' }, { id: 'g2' }]);
    const members = Array.from({ length: 25 }, (_, i) => `user_${String(i).padStart(2, '0')}`);
    await s.addMemberships(
      o,
      members.map((userId) => ({ userId, groupId: 'g1' })),
    );
    await s.addMemberships(o, [
      { userId: 'user_00', groupId: 'g1' },
      { userId: 'user_00', groupId: 'g2' },
    ]);
    await s.removeMemberships(o, [
      { userId: 'user_01', groupId: 'g1' },
      { userId: 'user_99', groupId: 'g1' },
      { userId: 'user_02', groupId: 'g2' },
    ]);
    const page1 = await s.listGroupMembers(o, 'g1', { limit: 10 });
    const page2 = await s.listGroupMembers(o, 'g1', { limit: 100, after: page1.at(-1)! });
    expect([...page1, ...page2]).toEqual(members.filter((m) => m !== 'user_01'));
    expect(await s.listGroupMembers(o, 'g2', { limit: 10 })).toEqual(['user_00']);

    const token = (hash: string, createdAt: number, organizationId = o) => ({
      hash,
      organizationId,
      label: `t ${hash}`,
      createdAt: at(createdAt),
      expiresAt: null,
    });
    await s.saveToken(token('h1', 1));
    await s.saveToken(token('h2', 2));
    await s.saveToken(token('h3', 3, org()));
    await s.expireTokens(o, ['h1', 'h3'], at(10));
    expect(await s.findToken('h1')).toEqual({ ...token('h1', 1), expiresAt: at(10) });
    expect((await s.findToken('h3'))?.expiresAt).toBeNull();
    expect(await s.findToken('nope')).toBeNull();
    expect((await s.listTokens(o)).map((t) => t.hash)).toEqual(['h2', 'h1']);
  },

  'concurrent writers: one create of a userName wins, one update of a version wins': async (ctx) => {
    const adapter = resourceStore(ctx);
    const peer = (await ctx.peer()) as Store;
    const o = org();
    const creates = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? adapter : peer) as Store).map((s, i) =>
        s.putResource(o, create(`u${i}`, userIndex('same@example.com'))),
      ),
    );
    expect(creates.filter((r) => r === 'ok')).toHaveLength(1);
    expect(creates.filter((r) => r === 'uniqueness')).toHaveLength(5);
    const winner = `u${creates.indexOf('ok')}`;
    const base = create(winner, userIndex('same@example.com'));
    const updates = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? adapter : peer) as Store).map((s, i) =>
        s.putResource(o, update(base, 1n, BigInt(10 + i), userIndex(`v${i}@example.com`))),
      ),
    );
    expect(updates.filter((r) => r === 'ok')).toHaveLength(1);
    expect(updates.filter((r) => r === 'version-conflict')).toHaveLength(5);
  },

  'concurrent renames of two Users to one userName: one is written, the other refused as taken': async (ctx) => {
    const adapter = resourceStore(ctx);
    const peer = (await ctx.peer()) as Store;
    for (let attempt = 0; attempt < 5; attempt++) {
      const o = org();
      const [a, b] = [create('ua', userIndex('a@example.com')), create('ub', userIndex('b@example.com'))];
      expect([await adapter.putResource(o, a), await adapter.putResource(o, b)]).toEqual(['ok', 'ok']);
      const results = await Promise.all([
        adapter.putResource(o, update(a, 1n, 2n, userIndex('taken@example.com'))),
        peer.putResource!(o, update(b, 1n, 2n, userIndex('taken@example.com'))),
      ]);
      expect([...results].sort()).toEqual(['ok', 'uniqueness']);
      const holders = await adapter.queryResources({
        organizationId: o,
        resourceType: 'User',
        filter: { op: 'eq', attribute: 'userName', value: 'taken@example.com' },
        offset: 0,
        limit: 5,
      });
      expect(holders.total).toBe(1);
    }
  },
});
