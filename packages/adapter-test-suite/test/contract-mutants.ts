import { memoryAdapter, type ScimAdapter } from '@scim/core';
import type { ConformanceBackdoor } from '../src/index.js';
import { memoryBackdoor } from './memory-backdoor.js';
import { type Mutant, mutate, patched } from './mutant-adapter.js';

/** Mutants of the contract's rules that the suite caught before issue 14. */
export const contractMutants: Mutant[] = [
  {
    name: 'transaction() without rollback',
    make: () => {
      const base = memoryAdapter();
      const adapter: ScimAdapter = { ...base, transaction: (fn) => fn(base, { onRollback: () => undefined }) };
      return { adapter, backdoor: memoryBackdoor(base) };
    },
    breaks: [
      'failures/user_created failing at upsertUsers keeps nothing; the retry applies it',
      'failures/a deprovision policy that throws commits nothing',
      'failures/adapter.transaction: an error after writes to every table keeps none of them and is rethrown',
      'failures/a transaction conflict is retried by the engine; the failed attempt leaves no claim behind',
    ],
  },
  {
    name: 'claimEvents claims every id it is given',
    make: patched((s) => ({
      claimEvents: async (records) => {
        await s.claimEvents(records);
        return records.map((r) => r.id);
      },
    })),
    breaks: [
      'inbox/a repeated event id is a duplicate and changes nothing',
      'store/claimEvents inserts the new ids only and names them, without throwing; finishEvents sets statuses',
      'concurrency/parallel claims of overlapping batches: each id is won exactly once',
    ],
  },
  {
    name: 'claimEvents inserts only the first record of a call',
    make: patched((s) => ({
      claimEvents: (records) => s.claimEvents(records.slice(0, 1)),
    })),
    breaks: [
      'store/claimEvents inserts the new ids only and names them, without throwing; finishEvents sets statuses',
      'concurrency/parallel claims of overlapping batches: each id is won exactly once',
    ],
  },
  {
    name: 'finishEvents does nothing',
    make: patched(() => ({ finishEvents: async () => {} })),
    breaks: [
      'versions/an older event is stale: recorded as stale, nothing else changes',
      'inbox/an unknown event delivered twice is a duplicate',
    ],
  },
  {
    name: 'finishEvents sets the first status only',
    make: patched((s) => ({ finishEvents: (entries) => s.finishEvents(entries.slice(0, 1)) })),
    breaks: ['store/claimEvents inserts the new ids only and names them, without throwing; finishEvents sets statuses'],
  },
  {
    name: 'advanceEntities reports every id as written',
    make: patched((s) => ({
      advanceEntities: async (org, kind, items) => {
        await s.advanceEntities(org, kind, items);
        return items.map((item) => item.id);
      },
    })),
    breaks: [
      'store/advanceEntities writes only newer versions, or the same version from the same event',
      'store/advanceEntities with many items resolves exactly the written ids',
    ],
  },
  {
    name: 'advanceEntities ignores expected (no compare-and-set)',
    make: patched((s) => ({
      advanceEntities: (org, kind, items) =>
        s.advanceEntities(
          org,
          kind,
          items.map(({ expected: _, ...item }) => item),
        ),
    })),
    breaks: [
      'store/advanceEntities with expected: written only where the stored version is the expected one',
      'store/advanceEntities with expected: one call mixing every kind of item resolves exactly the written ids',
      'store/repeated ids: advanceEntities checks each expected version against the record as the earlier items left it',
      'concurrency/parallel compare-and-sets on one record: exactly one wins, from a record or from none',
    ],
  },
  {
    name: 'advanceEntities checks expected against the record before the call (repeated ids)',
    make: patched((s) => ({
      advanceEntities: async (org, kind, items) => {
        const before = new Map(
          (
            await s.getEntities(
              org,
              kind,
              items.map((i) => i.id),
            )
          ).map((e) => [e.id, e.version]),
        );
        const kept = items.filter((i) => i.expected === undefined || (before.get(i.id) ?? null) === i.expected);
        return s.advanceEntities(
          org,
          kind,
          kept.map(({ expected: _, ...item }) => item),
        );
      },
    })),
    breaks: [
      'store/repeated ids: advanceEntities checks each expected version against the record as the earlier items left it',
    ],
  },
  {
    name: 'versions stored as floating point',
    make: patched((s) => ({
      advanceEntities: (org, kind, items) =>
        s.advanceEntities(
          org,
          kind,
          items.map((i) => ({ ...i, version: BigInt(Math.round(Number(i.version) / 1e6) * 1e6) })),
        ),
    })),
    breaks: ['versions/versions keep every nanosecond (no millisecond or float rounding)'],
  },
  {
    name: 'upsertUsers turns absent fields into nulls',
    make: patched((s) => ({
      upsertUsers: (org, users) =>
        s.upsertUsers(
          org,
          users.map((u) => ({
            ...u,
            email: u.email ?? null,
            givenName: u.givenName ?? null,
            familyName: u.familyName ?? null,
          })),
        ),
    })),
    breaks: [
      'users/user_updated changes the given fields and leaves absent ones as they are',
      'store/upsertUsers: undefined fields leave the columns, null clears them, many users in one call',
    ],
  },
  {
    name: 'upsertUsers drops roles',
    make: patched((s) => ({
      upsertUsers: (org, users) =>
        s.upsertUsers(
          org,
          users.map((u) => ({ ...u, roles: [] })),
        ),
    })),
    breaks: [
      'groups/group roles map by id and by display name (any case), merged with directory roles',
      'users/directory roles: given replaces, absent keeps, empty clears',
    ],
  },
  {
    name: 'patchUsers does nothing',
    make: patched(() => ({ patchUsers: async () => {} })),
    breaks: [
      'deprovision/user_deleted deactivates by default: the row stays, inactive, without memberships',
      "directories/'deactivate-users' deactivates the organization's active users, and only those",
      'sync/a full sync deactivates the users the directory no longer lists and deletes its removed groups',
    ],
  },
  {
    name: 'deleteUsers does nothing',
    make: patched(() => ({ deleteUsers: async () => {} })),
    breaks: ["deprovision/'delete' removes the app's row"],
  },
  {
    name: 'replaceMemberships only adds',
    make: patched((s) => ({
      replaceMemberships: async (org, entries) => {
        const current = await s.listMemberships(org, { userIds: entries.map((e) => e.userId) });
        await s.replaceMemberships(
          org,
          entries.map((e) => ({
            userId: e.userId,
            groupIds: [
              ...new Set([...current.filter((m) => m.userId === e.userId).map((m) => m.groupId), ...e.groupIds]),
            ],
          })),
        );
      },
    })),
    breaks: [
      'memberships/a later groups array replaces the memberships exactly',
      'memberships/an absent groups field leaves memberships; an empty or null one clears them',
    ],
  },
  {
    name: 'removeGroupMemberships does nothing',
    make: patched(() => ({ removeGroupMemberships: async () => [] })),
    breaks: ['groups/group_deleted removes the group and all of its memberships, and only those'],
  },
  {
    name: 'ensureGroups overwrites known groups',
    make: patched((s) => ({
      ensureGroups: async (org, groups) => {
        await s.deleteGroups(
          org,
          groups.map((g) => g.id),
        );
        await s.ensureGroups(org, groups);
      },
    })),
    // The engine calls it only for groups without a version record of their own (stubs).
    breaks: ['store/groups: upsert merges, ensureGroups only inserts, getGroups skips missing, deleteGroups removes'],
  },
  {
    name: 'getGroups finds nothing',
    make: patched(() => ({ getGroups: async () => [] })),
    breaks: ['groups/a renamed group maps by its stored new name on the next user event'],
  },
  {
    name: 'listEntities ignores the cursor',
    make: patched((s) => ({ listEntities: (org, kind, page) => s.listEntities(org, kind, { limit: page.limit }) })),
    breaks: ['store/listEntities pages through one kind of one organization in id order'],
  },
  {
    name: 'pruneEvents prunes nothing',
    make: patched(() => ({ pruneEvents: async () => 0 })),
    breaks: ['store/pruneEvents removes the records received before the date and counts them'],
  },
  {
    name: 'upsertDirectory ignores enabled',
    make: patched((s) => ({ upsertDirectory: (org, d) => s.upsertDirectory(org, { ...d, enabled: true }) })),
    breaks: ['directories/directory_enabled and directory_disabled are recorded'],
  },
  {
    name: 'saveSyncState loses the checkpoint',
    make: patched((s) => ({ saveSyncState: (state) => s.saveSyncState({ ...state, checkpoint: null }) })),
    breaks: [
      'sync-state/saveSyncState round-trips every field, Dates to the millisecond and checkpoint text whole',
      'sync/an interrupted sync keeps what it committed and the next one resumes from its checkpoint',
    ],
  },
  {
    name: 'acquireLease ignores other owners',
    make: patched(() => ({ acquireLease: async () => true })),
    breaks: [
      'sync-state/a lease: acquired, refused to another owner, renewed by its owner',
      'sync-state/an expired lease lets another owner in',
      'concurrency/parallel lease requests: exactly one owner gets it',
    ],
  },
  {
    name: 'releaseLease frees leases of other owners',
    make: () => {
      const leases = new Map<string, { owner: string; until: number }>();
      return patched(() => ({
        acquireLease: async ({ name, owner, ttlMs, now }) => {
          const held = leases.get(name);
          if (held !== undefined && held.owner !== owner && held.until > now.getTime()) return false;
          leases.set(name, { owner, until: now.getTime() + ttlMs });
          return true;
        },
        releaseLease: async (name) => {
          leases.delete(name);
        },
      }))();
    },
    breaks: ['sync-state/release frees the lease only for its owner'],
  },
  {
    name: 'getLeases reports leases that ran out',
    make: patched((s) => ({ getLeases: (names) => s.getLeases!(names, new Date(0)) })),
    breaks: ['sync-state/getLeases leaves out a lease that ran out or was released'],
  },
  {
    name: 'getLeases answers names that were not asked for',
    make: patched((s) => ({
      getLeases: async (names, now) => {
        const wider = names.flatMap((name) => [name, name.replace(/:[^:]*$/, ':1'), name.replace(/:[^:]*$/, ':2')]);
        return s.getLeases!(wider, now);
      },
    })),
    breaks: ['sync-state/getLeases: the held leases among the names asked for, with their owner and expiry'],
  },
  {
    name: 'getLeases reports the first owner after a takeover',
    make: () => {
      const first = new Map<string, string>();
      return patched((s) => ({
        acquireLease: async (request) => {
          if (!first.has(request.name)) first.set(request.name, request.owner);
          return s.acquireLease(request);
        },
        getLeases: async (names, now) =>
          (await s.getLeases!(names, now)).map((lease) => ({ ...lease, owner: first.get(lease.name) ?? lease.owner })),
      }))();
    },
    breaks: ['sync-state/getLeases: the held leases among the names asked for, with their owner and expiry'],
  },
  {
    name: 'every organization shares one key space',
    make: () => {
      const base = memoryAdapter();
      const one = 'org_everyone';
      const adapter = mutate(base, (s) => ({
        upsertUsers: (_org, users) => s.upsertUsers(one, users),
        patchUsers: (_org, patches) => s.patchUsers(one, patches),
        deleteUsers: (_org, ids) => s.deleteUsers(one, ids),
        getEntities: (_org, kind, ids) => s.getEntities(one, kind, ids),
        advanceEntities: (_org, kind, items) => s.advanceEntities(one, kind, items),
      }));
      const real = memoryBackdoor(base);
      const backdoor: ConformanceBackdoor = {
        ...real,
        readUser: async (_org, id) => {
          const user = await real.readUser(one, id);
          return user === null ? null : { ...user, organizationId: _org };
        },
        readEntity: (_org, kind, id) => real.readEntity(one, kind, id),
      };
      return { adapter, backdoor };
    },
    breaks: [
      'tenancy/the same user id and email in two organizations are two users',
      'tenancy/versions are kept per organization',
      'sync/a full sync of one organization leaves other organizations alone',
    ],
  },
];
