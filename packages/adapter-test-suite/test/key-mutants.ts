import type { EntityKind, EntityState } from '@scim/core';
import type { ListPage, ScimStore } from '@scim/core/adapter';
import { type Mutant, patched } from './mutant-adapter.js';

/**
 * Mistakes that passed the suite until issue 14 (a custom adapter written from the docs made them):
 * kinds, order, repeated ids, and stores that only a sync exercises. The last one of the issue, an
 * adapter that translates no driver error, needs a real database: the Drizzle and Prisma packages
 * check that `conflicts` catches it on PostgreSQL and MariaDB.
 */

function lastOfEach<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

function firstOfEach<T>(items: readonly T[], key: (item: T) => string): T[] {
  return lastOfEach([...items].reverse(), key).reverse();
}

/**
 * A listing without ORDER BY whose plan changes with size: small tables come back in id order (an
 * index scan), larger ones in the order the records were first written (a sequential scan).
 */
function unorderedListing(s: ScimStore): Partial<ScimStore> {
  const written = new Map<string, string[]>();
  return {
    advanceEntities: async (org, kind, items) => {
      const ids = await s.advanceEntities(org, kind, items);
      const order = written.get(`${org}/${kind}`) ?? [];
      for (const id of ids) if (!order.includes(id)) order.push(id);
      written.set(`${org}/${kind}`, order);
      return ids;
    },
    listEntities: async (org: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> => {
      const order = written.get(`${org}/${kind}`) ?? [];
      if (order.length <= 100) return s.listEntities(org, kind, page);
      const after = page.after;
      const ids = order.filter((id) => after === undefined || id > after).slice(0, page.limit);
      return s.getEntities(org, kind, ids);
    },
  };
}

export const keyMutants: Mutant[] = [
  {
    name: 'getEntities ignores the kind',
    make: patched((s) => ({
      getEntities: async (org, _kind, ids) => [
        ...(await s.getEntities(org, 'user', ids)),
        ...(await s.getEntities(org, 'group', ids)),
        ...(await s.getEntities(org, 'directory', ids)),
      ],
    })),
    breaks: [
      'store/getEntities reads one kind: a user, a group and a directory with the same id stay apart',
      'groups/a group with the id of a newer user (and directory) is applied on its own version',
    ],
  },
  {
    name: 'listEntities without ORDER BY',
    make: patched(unorderedListing),
    breaks: ['store/listEntities pages hundreds of records inserted out of id order, in id order'],
  },
  {
    name: 'advanceEntities names a repeated id once per write',
    make: patched((s) => ({
      advanceEntities: async (org, kind, items) => {
        const written: string[] = [];
        for (const item of items) written.push(...(await s.advanceEntities(org, kind, [item])));
        return written;
      },
    })),
    breaks: ['store/repeated ids: advanceEntities applies the items in order and names a written id once'],
  },
  {
    name: 'advanceEntities keeps only the last item of a repeated id',
    make: patched((s) => ({
      advanceEntities: (org, kind, items) =>
        s.advanceEntities(
          org,
          kind,
          lastOfEach(items, (i) => i.id),
        ),
    })),
    breaks: ['store/repeated ids: advanceEntities applies the items in order and names a written id once'],
  },
  {
    name: 'upsertUsers keeps only the last item of a repeated id',
    make: patched((s) => ({
      upsertUsers: (org, users) =>
        s.upsertUsers(
          org,
          lastOfEach(users, (u) => u.id),
        ),
    })),
    breaks: [
      'store/repeated ids: upsertUsers and patchUsers apply in order, field by field; deleteUsers takes an id once',
    ],
  },
  {
    name: 'getEntities names a repeated id as often as it is given',
    make: patched((s) => ({
      getEntities: async (org, kind, ids) => {
        const found: EntityState[] = [];
        for (const id of ids) found.push(...(await s.getEntities(org, kind, [id])));
        return found;
      },
    })),
    breaks: ['store/repeated ids: getEntities, getGroups and listMemberships name each record once'],
  },
  {
    name: 'finishEvents keeps the first status of a repeated id',
    make: patched((s) => ({ finishEvents: (entries) => s.finishEvents(firstOfEach(entries, (e) => e.id)) })),
    breaks: ['store/repeated ids: finishEvents sets the last status given for an id'],
  },
  {
    name: 'replaceMemberships keeps the first entry of a user',
    make: patched((s) => ({
      replaceMemberships: (org, entries) =>
        s.replaceMemberships(
          org,
          firstOfEach(entries, (e) => e.userId),
        ),
    })),
    breaks: ["store/repeated ids: replaceMemberships leaves each user with its last entry's groups"],
  },
  {
    name: 'ensureGroups keeps the last of a repeated id',
    make: patched((s) => ({
      ensureGroups: (org, groups) =>
        s.ensureGroups(
          org,
          lastOfEach(groups, (g) => g.id),
        ),
    })),
    breaks: [
      'store/repeated ids: upsertGroups applies in order, ensureGroups keeps the first, deletions take an id once',
    ],
  },
  {
    name: 'removeGroupMemberships names a membership once per repeat of its group',
    make: patched((s) => ({
      removeGroupMemberships: async (org, groupIds) => {
        const removed = [];
        for (const id of groupIds) removed.push(...(await s.listMemberships(org, { groupIds: [id] })));
        await s.removeGroupMemberships(org, groupIds);
        return removed;
      },
    })),
    breaks: [
      'store/repeated ids: upsertGroups applies in order, ensureGroups keeps the first, deletions take an id once',
    ],
  },
  {
    name: 'saveSyncState drops the watermark',
    make: patched((s) => ({ saveSyncState: (state) => s.saveSyncState({ ...state, watermark: null }) })),
    breaks: [
      'sync/an incremental sync lists only what changed since the last sync, and applies it',
      'sync/a full sync writes every listed user and group, their memberships and version records',
    ],
  },
  {
    name: 'getSyncState finds nothing',
    make: patched(() => ({ getSyncState: async () => null })),
    breaks: [
      'sync/an incremental sync lists only what changed since the last sync, and applies it',
      'sync/an interrupted sync keeps what it committed and the next one resumes from its checkpoint',
    ],
  },
  {
    name: 'deleteGroups does nothing',
    make: patched(() => ({ deleteGroups: async () => {} })),
    breaks: ['sync/a full sync deactivates the users the directory no longer lists and deletes its removed groups'],
  },
];
