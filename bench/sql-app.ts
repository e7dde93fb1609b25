/**
 * The benchmark app's `app_users` (drizzle-schema.ts) for the adapters on @scim/sql: its table as SQL, a table
 * mapping that writes it the way @scim/adapter-drizzle does (one `json_populate_recordset` upsert per row shape,
 * one statement per patch shape), and the app's own user functions for service mode (a plain INSERT or UPDATE
 * through the transaction's client, one statement a call).
 */
import type { UserService } from '@scim/core';
import type { UserTableStore, UserWrite } from '@scim/core/adapter';
import type { SqlSession, SqlUserTable } from '@scim/sql';
import type { PoolClient } from 'pg';

export const APP_USERS_SQL =
  'CREATE TABLE app_users (id serial PRIMARY KEY, scim_organization_id text, scim_user_id text, email text, ' +
  'given_name text, family_name text, display_name text, username text, is_active boolean NOT NULL DEFAULT true, ' +
  "roles text[], plan text NOT NULL DEFAULT 'free', created_at timestamptz NOT NULL DEFAULT now(), " +
  'UNIQUE (scim_organization_id, scim_user_id))';

const FIELDS = [
  ['email', 'email'],
  ['givenName', 'given_name'],
  ['familyName', 'family_name'],
  ['displayName', 'display_name'],
  ['username', 'username'],
  ['active', 'is_active'],
  ['roles', 'roles'],
] as const;

function mappedStore(session: SqlSession): UserTableStore {
  return {
    async upsertUsers(organizationId, users) {
      const shapes = new Map<string, UserWrite[]>();
      for (const user of users) {
        const key = FIELDS.map(([field]) => (user[field] === undefined ? 0 : 1)).join('');
        shapes.set(key, [...(shapes.get(key) ?? []), user]);
      }
      for (const rows of shapes.values()) {
        const columns = FIELDS.filter(([field]) => rows[0]![field] !== undefined);
        const names = ['scim_organization_id', 'scim_user_id', ...columns.map(([, c]) => c)];
        const document = rows.map((user) => {
          const row: Record<string, unknown> = { scim_organization_id: organizationId, scim_user_id: user.id };
          for (const [field, column] of columns) row[column] = user[field];
          return row;
        });
        const update = columns.map(([, c]) => `${c} = excluded.${c}`).join(', ');
        await session.execute(
          `INSERT INTO app_users (${names.join(', ')}) SELECT ${names.join(', ')} ` +
            'FROM json_populate_recordset(null::app_users, $1::json) ON CONFLICT (scim_organization_id, scim_user_id) ' +
            (update === '' ? 'DO NOTHING' : `DO UPDATE SET ${update}`),
          [JSON.stringify(document)],
        );
      }
    },
    async patchUsers(organizationId, patches) {
      for (const patch of patches) {
        await session.execute(
          'UPDATE app_users SET is_active = coalesce($3::boolean, is_active), roles = coalesce($4::text[], roles) ' +
            'WHERE scim_organization_id = $1 AND scim_user_id = $2',
          [
            organizationId,
            patch.id,
            patch.active ?? null,
            patch.roles === undefined ? null : `{${patch.roles.map((r) => JSON.stringify(r)).join(',')}}`,
          ],
        );
      }
    },
    async deleteUsers(organizationId, ids) {
      await session.execute(
        'DELETE FROM app_users WHERE scim_organization_id = $1 AND scim_user_id = any($2::text[])',
        [organizationId, `{${ids.map((id) => JSON.stringify(id)).join(',')}}`],
      );
    },
    linkUsersByEmail: async () => [],
  };
}

/** The table mapping, plugged into `sqlAdapter` as an ORM adapter would plug its own. */
export const appUsersMapping: SqlUserTable<PoolClient> = {
  store: (session) => mappedStore(session),
  linkByEmail: false,
};

/** The app's own functions (service mode): each writes its row through the transaction's client. */
export const appUserService: UserService<PoolClient> = {
  async create(user, ctx) {
    const { rows } = await ctx.tx.query(
      'INSERT INTO app_users (email, given_name, family_name, display_name, username, is_active, roles) ' +
        'VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [user.email, user.givenName, user.familyName, user.displayName, user.username, user.active, user.roles ?? []],
    );
    return rows[0].id as number;
  },
  async update(id, user, ctx) {
    await ctx.tx.query(
      'UPDATE app_users SET email = coalesce($2, email), given_name = coalesce($3, given_name), ' +
        'family_name = coalesce($4, family_name), is_active = $5, roles = coalesce($6, roles) WHERE id = $1',
      [Number(id), user.email, user.givenName, user.familyName, user.active, user.roles ?? null],
    );
  },
  async deactivate(id, ctx) {
    await ctx.tx.query('UPDATE app_users SET is_active = false WHERE id = $1', [Number(id)]);
  },
};
