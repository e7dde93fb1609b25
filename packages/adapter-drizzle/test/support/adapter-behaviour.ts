import { randomUUID } from 'node:crypto';
import type { ScimAdapter, UserWrite } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { translateSqlError as translateError } from '@scim/sql';
import { type SQL, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import type { RawReader } from './backdoor.js';

export interface BehaviourContext {
  reader: RawReader;
  /** Runs a statement outside the adapter, with the driver's own error on failure. */
  exec(query: SQL): Promise<unknown>;
  /** An adapter whose database counts the statements it sends. */
  counted: { adapter: ScimAdapter; statements(): number };
}

const user = (id: string, fields: Partial<UserWrite> = {}): UserWrite => ({
  id,
  organizationId: 'unused',
  email: `${id}@example.com`,
  givenName: 'Given',
  familyName: 'Family',
  active: true,
  version: 1n,
  ...fields,
});

/** What the conformance suite cannot see: the app's own columns, round trips, driver errors. */
export function adapterBehaviour(name: string, ctx: () => BehaviourContext) {
  describe(`${name}: the app's table, batches and errors`, () => {
    const rowOf = async (org: string, id: string) =>
      (
        await ctx().reader.rows(
          sql`select * from app_users where scim_organization_id = ${org} and scim_user_id = ${id}`,
        )
      )[0];

    test('upserts, patches and deletes never touch the columns the mapping does not name', async () => {
      const { adapter } = ctx().counted;
      const org = `org_${randomUUID()}`;
      const other = `org_${randomUUID()}`;
      await adapter.upsertUsers(org, [user('u1', { roles: ['admin'] })]);
      await adapter.upsertUsers(other, [user('u1')]);
      await ctx().exec(
        sql`update app_users set plan = 'pro' where scim_organization_id = ${org} and scim_user_id = 'u1'`,
      );
      const created = (await rowOf(org, 'u1'))?.created_at;

      await adapter.upsertUsers(org, [
        user('u1', { email: 'new@example.com', givenName: undefined, familyName: null, version: 2n }),
      ]);
      let row = await rowOf(org, 'u1');
      expect(row).toMatchObject({ plan: 'pro', email: 'new@example.com', given_name: 'Given', family_name: null });
      expect(row?.created_at).toEqual(created);

      await adapter.patchUsers(org, [
        { id: 'u1', active: false },
        { id: 'missing', active: false },
      ]);
      row = await rowOf(org, 'u1');
      expect(row).toMatchObject({ plan: 'pro', email: 'new@example.com', given_name: 'Given' });
      expect(row?.created_at).toEqual(created);

      await adapter.deleteUsers(org, ['u1', 'missing']);
      expect(await rowOf(org, 'u1')).toBeUndefined();
      expect(await rowOf(other, 'u1')).toMatchObject({ plan: 'free', email: 'u1@example.com' });
    });

    test('a batch costs the same number of statements for 10 users as for 500', async () => {
      const { adapter, statements } = ctx().counted;
      const cost = async (count: number) => {
        const org = `org_${randomUUID()}`;
        const ids = Array.from({ length: count }, (_, i) => `u${i}`);
        await adapter.ensureGroups(org, [{ id: 'g1' }, { id: 'g2' }]);
        const before = statements();
        await adapter.transaction(async (store) => {
          await store.getEntities(org, 'user', ids);
          await store.advanceEntities(
            org,
            'user',
            ids.map((id) => ({
              id,
              version: 5n,
              deleted: false,
              active: true,
              fingerprint: 'f',
              directoryRoles: null,
              eventId: null,
            })),
          );
          await store.upsertUsers(
            org,
            ids.map((id) => user(id)),
          );
          await store.replaceMemberships(
            org,
            ids.map((userId) => ({ userId, groupIds: ['g1', 'g2'] })),
          );
          await store.patchUsers(
            org,
            ids.map((id) => ({ id, active: false })),
          );
        });
        return statements() - before;
      };
      const small = await cost(10);
      expect(await cost(500)).toBe(small);
      expect(small).toBeLessThanOrEqual(10);
    });

    test('driver errors: duplicates become UNIQUE_VIOLATION with the cause kept, others pass through', async () => {
      const org = `org_${randomUUID()}`;
      const insert = sql`insert into scim_groups (organization_id, id) values (${org}, 'g1')`;
      await ctx().exec(insert);
      const duplicate = await ctx()
        .exec(insert)
        .then(
          () => null,
          (error: unknown) => error,
        );
      const translated = translateError(duplicate);
      expect(translated).toBeInstanceOf(AdapterError);
      expect(translated).toMatchObject({ code: 'UNIQUE_VIOLATION', cause: duplicate });

      const broken = await ctx()
        .exec(sql`select * from scim_no_such_table`)
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(broken).toBeInstanceOf(Error);
      expect(translateError(broken)).toBe(broken);
    });
  });
}
