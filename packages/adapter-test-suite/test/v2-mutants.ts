import { type MemoryAdapter, type MemoryTransaction, memoryAdapter, type UserWrite } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';
import type { ConformanceBackdoor, TestAppTable } from '../src/index.js';
import { memoryAppTable } from './memory-app-table.js';
import { memoryBackdoor } from './memory-backdoor.js';
import { type Mutant, mutate, patched, patchedBoth, serviceSetup } from './mutant-adapter.js';

/** Mistakes of contract v2: identity links, the inbox listing, rejected records, account linking, the app's transaction. */

const EVERYONE = 'org_links_of_everyone';

/** Links keyed by the directory user alone, and a backdoor that reads them where they went. */
function linksWithoutOrganization(base: MemoryAdapter): { adapter: MemoryAdapter; backdoor: ConformanceBackdoor } {
  const adapter = mutate(base, (s) => ({
    getLinks: (_org, ids) => s.getLinks(EVERYONE, ids),
    getLinksToAppUsers: (_org, ids) => s.getLinksToAppUsers(EVERYONE, ids),
    saveLinks: (_org, links) => s.saveLinks(EVERYONE, links),
    deleteLinks: (_org, ids) => s.deleteLinks(EVERYONE, ids),
  })) as MemoryAdapter;
  const real = memoryBackdoor(base);
  return { adapter, backdoor: { ...real, readLink: (_org, id) => real.readLink(EVERYONE, id) } };
}

/** A linkUsersByEmail that takes the row with the email wherever it is: linked, of any organization. */
function takesLinkedRows(base: MemoryAdapter) {
  return (s: ScimStore): Partial<ScimStore> => ({
    linkUsersByEmail: async (org, links) => {
      const taken: string[] = [];
      for (const { directoryUserId, email } of links) {
        const victim = base.inspect
          .users()
          .find(
            (u) =>
              u.email?.toLowerCase() === email.toLowerCase() && !(u.organizationId === org && u.id === directoryUserId),
          );
        if (victim === undefined) continue;
        await s.deleteUsers(victim.organizationId, [victim.id]);
        const row: UserWrite = { ...victim, id: directoryUserId, organizationId: org };
        await s.upsertUsers(org, [row]);
        taken.push(directoryUserId);
      }
      const rest = links.filter((l) => !taken.includes(l.directoryUserId));
      return [...taken, ...(await s.linkUsersByEmail(org, rest))];
    },
  });
}

/** A linkUsersByEmail that compares emails with their case (the memory adapter names its rows app_user_<n>). */
function caseSensitiveLinking(base: MemoryAdapter) {
  const unlinkedEmails = () => {
    const emails = new Set<string>();
    for (let n = 1; n <= 500; n++) {
      const row = base.inspect.appRow(`app_user_${n}`);
      if (row !== null && row.organizationId === null && row.user.email) emails.add(row.user.email);
    }
    return emails;
  };
  return (s: ScimStore): Partial<ScimStore> => ({
    linkUsersByEmail: (org, links) => {
      const exact = unlinkedEmails();
      return s.linkUsersByEmail(
        org,
        links.filter((l) => exact.has(l.email)),
      );
    },
  });
}

/** Table-mode mutants that need the adapter itself (its inspector). */
function withBase(make: (base: MemoryAdapter) => (s: ScimStore) => Partial<ScimStore>): Mutant['make'] {
  return () => {
    const base = memoryAdapter();
    return { adapter: mutate(base, make(base)), backdoor: memoryBackdoor(base) };
  };
}

/** An app table whose database errors reach the engine as they are: an adapter that translates none of them. */
function untranslatedAppTable(): TestAppTable<MemoryTransaction | undefined> {
  const table = memoryAppTable();
  return {
    ...table,
    insert: (tx, row) => {
      try {
        return table.insert(tx, row);
      } catch (error) {
        throw new Error((error as Error).message);
      }
    },
  };
}

export const v2Mutants: Mutant[] = [
  {
    name: 'identity links ignore the organization',
    make: () => linksWithoutOrganization(memoryAdapter()),
    service: serviceSetup((base) => linksWithoutOrganization(base)),
    breaks: [
      'store/links are kept per organization: the same directory user id, and one app user linked from two',
      'store/getLinksToAppUsers names the links to these app users in this organization, each once',
      'service:tenancy/the same user id and email in two organizations are two users',
      'service:linking/one person in two organizations is one app user with two links',
    ],
  },
  {
    name: 'saveLinks keeps the first link of a repeated id',
    ...patchedBoth((s) => ({
      saveLinks: (org, links) =>
        s.saveLinks(
          org,
          links.filter((l, i) => links.findIndex((m) => m.directoryUserId === l.directoryUserId) === i),
        ),
    })),
    breaks: [
      'store/links: saved, read back once each, replaced (a repeated id: its last link), deleted; missing ids are no error',
    ],
  },
  {
    name: 'deleteLinks does nothing',
    ...patchedBoth(() => ({ deleteLinks: async () => undefined })),
    breaks: [
      'store/links: saved, read back once each, replaced (a repeated id: its last link), deleted; missing ids are no error',
      "service:deprovision/'delete' calls remove and drops the link; the user re-created later is a new app user",
    ],
  },
  {
    name: 'getLinks answers nothing',
    ...patchedBoth(() => ({ getLinks: async () => [] })),
    breaks: [
      'store/links: saved, read back once each, replaced (a repeated id: its last link), deleted; missing ids are no error',
      'service:users/user_updated calls update with the linked app user and the fields given, the others undefined',
      "service:deprovision/user_deleted calls the app's deactivate with the linked app user and keeps the link",
    ],
  },
  {
    name: 'getLinksToAppUsers answers nothing',
    ...patchedBoth(() => ({ getLinksToAppUsers: async () => [] })),
    breaks: [
      'store/getLinksToAppUsers names the links to these app users in this organization, each once',
      'service:linking/an answer already linked to another directory user of this organization is refused and recorded as rejected',
    ],
  },
  {
    name: 'listEvents lists oldest first',
    ...patchedBoth((s) => ({
      listEvents: async (query) => (await s.listEvents({ ...query, limit: 100_000 })).reverse().slice(0, query.limit),
    })),
    breaks: [
      'store/listEvents: newest first (receivedAt, then id), filtered by organization and status, paged by a cursor',
      "store/listEvents without an organization lists every organization's records, newest first",
      'rejections/rejected events are listed by engine.events({ status: "rejected" }), newest first, with their reasons',
    ],
  },
  {
    name: 'listEvents ignores the status',
    ...patchedBoth((s) => ({ listEvents: ({ status: _status, ...query }) => s.listEvents(query) })),
    breaks: [
      'store/listEvents: newest first (receivedAt, then id), filtered by organization and status, paged by a cursor',
      'service:rejections/rejected events are listed by engine.events({ status: "rejected" }), newest first, with their reasons',
    ],
  },
  {
    name: "listEvents' cursor includes the record it names",
    make: patched((s) => ({
      listEvents: async (query) => {
        const named = query.before === undefined ? null : await s.getEvent(query.before.id);
        const rest = await s.listEvents(query);
        return (named === null ? rest : [named, ...rest]).slice(0, query.limit);
      },
    })),
    breaks: [
      'store/listEvents: newest first (receivedAt, then id), filtered by organization and status, paged by a cursor',
    ],
  },
  {
    name: 'claimEvents drops the reason of a rejected record',
    ...patchedBoth((s) => ({ claimEvents: (records) => s.claimEvents(records.map((r) => ({ ...r, reason: null }))) })),
    breaks: [
      'store/a rejected record keeps its reason and payload; finishEvents writes them when given and keeps them when not',
      'rejections/a change refused for good is recorded as rejected with its reason and payload, writes nothing else, and is answered 200',
      'service:rejections/a change refused for good is recorded as rejected with its reason and payload, writes nothing else, and is answered 200',
    ],
  },
  {
    name: 'finishEvents ignores reason and payload',
    ...patchedBoth((s) => ({
      finishEvents: (entries) => s.finishEvents(entries.map(({ id, status }) => ({ id, status }))),
    })),
    breaks: [
      'store/a rejected record keeps its reason and payload; finishEvents writes them when given and keeps them when not',
      'rejections/replay applies a rejected event once the app is fixed, runs its hooks, and then is not replayable again',
      'service:rejections/a replay refused again keeps the event rejected, with the new reason and its payload',
    ],
  },
  {
    name: 'listSyncStates in no order',
    make: patched((s) => ({ listSyncStates: async (org) => (await s.listSyncStates(org)).reverse() })),
    breaks: [
      "store/listSyncStates: one organization's in directory order, or every organization's in (organization, directory) order",
    ],
  },
  {
    name: 'linkUsersByEmail takes a row already linked, of any organization',
    make: withBase(takesLinkedRows),
    breaks: [
      "linking/THE ATTACK: a directory of organization B sends a user with the email of organization A's admin; nothing of A's users changes",
      'linking/a row adopted by one directory user is not taken by another of the same organization',
    ],
  },
  {
    name: 'linkUsersByEmail compares emails with their case',
    make: withBase(caseSensitiveLinking),
    breaks: [
      'linking/linkByEmail allowed: a new directory user adopts the unlinked row with its email (any case), which then follows the directory',
      'linking/a sync adopts the unlinked rows of the users it creates, where the app allows it',
    ],
  },
  {
    name: 'linkUsersByEmail links nothing',
    make: patched(() => ({ linkUsersByEmail: async () => [] })),
    breaks: [
      'linking/linkByEmail allowed: a new directory user adopts the unlinked row with its email (any case), which then follows the directory',
      'linking/a sync adopts the unlinked rows of the users it creates, where the app allows it',
    ],
  },
  {
    name: "the transaction's handle does not roll the app's writes back",
    make: patched(() => ({})),
    service: serviceSetup((base) => ({
      adapter: {
        ...base,
        transaction: (fn) => base.transaction((store) => fn(store, { onRollback: () => undefined })),
      },
    })),
    breaks: [
      "service:failures/user_created failing in the app's create after its insert keeps nothing, the app's row included; the retry applies it",
      "service:failures/adapter.transaction: the app's writes through the handle are seen inside it and roll back with the SDK's",
      'service:failures/a transaction conflict is retried by the engine; the failed attempt leaves no claim behind',
    ],
  },
  {
    name: 'the transaction passes the app no handle',
    make: patched(() => ({})),
    service: serviceSetup((base) => ({
      adapter: {
        ...base,
        transaction: (fn) => base.transaction((store) => fn(store, undefined as never)),
      },
    })),
    breaks: [
      "service:users/user_created calls the app's create once, in the transaction, and links the directory user to the id it resolved",
      "service:failures/user_updated failing in the app's update after its write keeps the old row; the retry applies it",
    ],
  },
  {
    name: "the app's database errors reach the engine untranslated",
    make: patched(() => ({})),
    service: serviceSetup(() => ({ app: untranslatedAppTable() })),
    breaks: [
      "service:rejections/a NOT NULL violation in the app's own insert, through its ORM, is a CONSTRAINT_VIOLATION: recorded as rejected, replayed once fixed",
    ],
  },
  {
    name: 'an adapter without a mapping claims a users table',
    make: patched(() => ({})),
    service: serviceSetup((base) => ({
      adapter: { ...base, capabilities: { ...base.capabilities, userTable: true } },
    })),
    breaks: [
      'service:users/an adapter without a table mapping says so and refuses the table methods with CONFIGURATION_ERROR',
    ],
  },
];
