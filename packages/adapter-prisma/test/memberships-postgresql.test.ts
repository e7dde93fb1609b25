import type { ScimStore } from '@scim/core/adapter';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prismaAdapter } from '../src/index.js';
import { type PostgresPrisma, postgresClient } from './clients.js';
import { createDatabase, unavailable } from './databases.js';
import { booleanMapping } from './mappings.js';

/**
 * PostgreSQL (@scim/sql's statements through Prisma): the memberships of a user whose version record the same transaction inserted go in with
 * a plain insert (no anti-join delete, no ON CONFLICT), and only those.
 */
const reason = await unavailable('postgresql');

if (reason !== null) test.skip(`prisma:postgresql memberships: ${reason}`, () => {});
else
  describe("prisma:postgresql: a new user's memberships", () => {
    let prisma: PostgresPrisma;
    /** Raw statements sent inside transactions, by their first words. */
    const texts: string[] = [];

    beforeAll(async () => {
      prisma = postgresClient(await createDatabase('postgresql', 'scim_prisma_memberships_test'));
    });
    afterAll(async () => {
      await prisma?.$disconnect();
    });

    /** The client with every transaction's raw queries recorded. */
    const recording = (): PostgresPrisma =>
      new Proxy(prisma, {
        get(target, key, receiver) {
          if (key !== '$transaction') return Reflect.get(target, key, receiver);
          return (fn: (tx: PostgresPrisma) => Promise<unknown>, options: unknown) =>
            target.$transaction(
              (tx) =>
                fn(
                  new Proxy(tx as PostgresPrisma, {
                    get(inner, name, innerReceiver) {
                      const value = Reflect.get(inner, name, innerReceiver);
                      if (name !== '$queryRawUnsafe' && name !== '$executeRawUnsafe') return value;
                      return (text: string, ...values: unknown[]) => {
                        texts.push(text.trim());
                        return (value as (t: string, ...v: unknown[]) => unknown).call(inner, text, ...values);
                      };
                    },
                  }),
                ),
              options as Parameters<typeof target.$transaction>[1],
            );
        },
      });

    test('are inserted without the checks; an existing user and rows the app wrote itself are replaced', async () => {
      const adapter = prismaAdapter(recording(), { users: booleanMapping });
      const org = `org_${Date.now()}`;
      await adapter.ensureGroups(org, [{ id: 'g1' }, { id: 'g2' }, { id: 'g3' }]);
      const advance = (store: ScimStore, ids: string[], version: bigint) =>
        store.advanceEntities(
          org,
          'user',
          ids.map((id) => ({
            id,
            version,
            deleted: false,
            active: true,
            fingerprint: 'f',
            directoryRoles: null,
            eventId: null,
          })),
        );
      const groupsOf = async (userId: string) =>
        (await adapter.listMemberships(org, { userIds: [userId] })).map((m) => m.groupId).sort();
      const statements = async (fn: (store: ScimStore) => Promise<void>) => {
        texts.length = 0;
        await adapter.transaction(fn);
        return {
          added: texts.filter((t) => t.startsWith('WITH clash')).length,
          replaced: texts.filter((t) => t.startsWith('WITH w AS')).length,
        };
      };

      // New users: one insert, no replace; a user named twice keeps its last groups.
      expect(
        await statements(async (store) => {
          await advance(store, ['n1', 'n2'], 1n);
          await store.replaceMemberships(org, [
            { userId: 'n1', groupIds: ['g1', 'g2', 'g1'] },
            { userId: 'n2', groupIds: ['g3'] },
            { userId: 'n1', groupIds: ['g2', 'g3'] },
          ]);
        }),
      ).toEqual({ added: 1, replaced: 0 });
      expect(await groupsOf('n1')).toEqual(['g2', 'g3']);
      expect(await groupsOf('n2')).toEqual(['g3']);

      // An existing user (its record updated, not inserted) and a new one in the same call: one replace for both.
      expect(
        await statements(async (store) => {
          await advance(store, ['n1', 'n3'], 2n);
          await store.replaceMemberships(org, [
            { userId: 'n1', groupIds: ['g1'] },
            { userId: 'n3', groupIds: ['g1', 'g2'] },
          ]);
        }),
      ).toEqual({ added: 0, replaced: 1 });
      expect(await groupsOf('n1')).toEqual(['g1']);
      expect(await groupsOf('n3')).toEqual(['g1', 'g2']);

      // Replaced twice in one transaction: the second time the first one's rows are there.
      await adapter.transaction(async (store) => {
        await advance(store, ['n4'], 1n);
        await store.replaceMemberships(org, [{ userId: 'n4', groupIds: ['g1', 'g2'] }]);
        await store.replaceMemberships(org, [{ userId: 'n4', groupIds: ['g2', 'g3'] }]);
      });
      expect(await groupsOf('n4')).toEqual(['g2', 'g3']);

      // Memberships the app wrote itself, without a version record: replaced as they would be otherwise.
      await prisma.$executeRawUnsafe(
        `INSERT INTO scim_memberships (organization_id, user_id, group_id) VALUES ($1, 'n5', 'g1'), ($1, 'n5', 'g2')`,
        org,
      );
      expect(
        await statements(async (store) => {
          await advance(store, ['n5'], 1n);
          await store.replaceMemberships(org, [{ userId: 'n5', groupIds: ['g2', 'g3'] }]);
        }),
      ).toEqual({ added: 1, replaced: 1 });
      expect(await groupsOf('n5')).toEqual(['g2', 'g3']);
    });

    test('ids with quotes, backslashes, commas, braces and NULL round-trip through the array parameters', async () => {
      const adapter = prismaAdapter(prisma, { users: booleanMapping });
      const org = `org_ids_${Date.now()}`;
      const ids = ['plain', 'a"b', 'c\\d', 'e,f', '{g}', 'NULL', 'null', '', 'sp ace', 'é漢', 'tab\there'];
      const written = await adapter.advanceEntities(
        org,
        'user',
        ids.map((id, i) => ({
          id,
          version: BigInt(i + 1),
          deleted: false,
          active: i % 3 !== 0,
          fingerprint: i % 2 === 0 ? null : `f${id}`,
          directoryRoles: null,
          eventId: null,
        })),
      );
      expect([...written].sort()).toEqual([...ids].sort());
      const states = await adapter.getEntities(org, 'user', ids);
      expect(states.map((s) => s.id).sort()).toEqual([...ids].sort());
      expect(states.find((s) => s.id === 'NULL')).toMatchObject({ fingerprint: 'fNULL', version: 6n, active: true });
      expect(states.find((s) => s.id === 'null')).toMatchObject({ fingerprint: null, version: 7n, active: false });
      // Without a quote or a backslash anywhere, the arrays travel as literals built from JSON.
      const plain = ['NULL', 'null', '', '{g}', 'e,f', 'sp ace', 'é漢'];
      expect((await adapter.getEntities(org, 'user', plain)).map((s) => s.id).sort()).toEqual([...plain].sort());
      await adapter.ensureGroups(org, [{ id: 'g"1', displayName: 'Quote "group"' }, { id: 'g,2' }]);
      await adapter.replaceMemberships(org, [
        { userId: 'a"b', groupIds: ['g"1', 'g,2'] },
        { userId: 'NULL', groupIds: ['g,2'] },
      ]);
      const memberships = await adapter.listMemberships(org, { userIds: ['a"b', 'NULL'] });
      expect(memberships.map((m) => `${m.userId}>${m.groupId}`).sort()).toEqual(['NULL>g,2', 'a"b>g"1', 'a"b>g,2']);
    });
  });
