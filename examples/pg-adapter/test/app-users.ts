import type { TestAppRow, TestAppTable, TestAppUser } from '@scim/adapter-test-suite';
import type { Pool, PoolClient } from 'pg';

/** The app's own users table, as an app has it: no column of the SDK's. */
export async function createAppUsers(pool: Pool): Promise<void> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS app_users (id serial PRIMARY KEY, email text, display_name text, given_name text, ' +
      'family_name text, active boolean NOT NULL, roles text[] NOT NULL)',
  );
}

const COLUMNS = {
  email: 'email',
  displayName: 'display_name',
  givenName: 'given_name',
  familyName: 'family_name',
  active: 'active',
  roles: 'roles',
} as const satisfies Record<keyof TestAppUser, string>;

/** The app's writes go through the transaction's `PoolClient` (`ctx.tx`), so they commit with the SDK's. */
export function appUsers(pool: Pool): TestAppTable<PoolClient> {
  return {
    async insert(tx, row) {
      const { rows } = await tx.query(
        'INSERT INTO app_users (email, display_name, given_name, family_name, active, roles) ' +
          'VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [row.email, row.displayName, row.givenName, row.familyName, row.active, row.roles],
      );
      return rows[0].id as number;
    },
    async update(tx, id, row) {
      const given = (Object.keys(COLUMNS) as (keyof TestAppUser)[]).filter((key) => row[key] !== undefined);
      if (given.length === 0) return;
      const set = given.map((key, i) => `${COLUMNS[key]} = $${i + 2}`).join(', ');
      await tx.query(`UPDATE app_users SET ${set} WHERE id = $1`, [Number(id), ...given.map((key) => row[key])]);
    },
    async delete(tx, id) {
      await tx.query('DELETE FROM app_users WHERE id = $1', [Number(id)]);
    },
    async read(id): Promise<TestAppRow | null> {
      const { rows } = await pool.query('SELECT * FROM app_users WHERE id = $1', [Number(id)]);
      const row = rows[0];
      if (row === undefined) return null;
      return {
        id: String(row.id),
        email: row.email,
        displayName: row.display_name,
        givenName: row.given_name,
        familyName: row.family_name,
        active: row.active,
        roles: row.roles,
      };
    },
    async findByEmail(tx, email) {
      const { rows } = await tx.query('SELECT id FROM app_users WHERE lower(email) = lower($1)', [email]);
      return rows.map((row) => String(row.id));
    },
  };
}
