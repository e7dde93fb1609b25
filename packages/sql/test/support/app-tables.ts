import type { TestAppRow, TestAppTable, TestAppUser } from '@scim/adapter-test-suite';
import type { SqlDialect, SqlPort, SqlSession, SqlValue } from '../../src/index.js';

export const ph = (dialect: SqlDialect, n: number) => (dialect === 'postgresql' ? `$${n}` : '?');

export const SERIAL: Record<SqlDialect, string> = {
  postgresql: 'serial PRIMARY KEY',
  mysql: 'INT AUTO_INCREMENT PRIMARY KEY',
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
};
export const TEXT: Record<SqlDialect, string> = { postgresql: 'text', mysql: 'TEXT', sqlite: 'TEXT' };
export const FLAG: Record<SqlDialect, string> = { postgresql: 'boolean', mysql: 'BOOLEAN', sqlite: 'INTEGER' };

export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A boolean as the dialect binds it (SQLite takes no booleans), null kept (a NOT NULL column must refuse it). */
export const flagValue = (dialect: SqlDialect, v: boolean | null | undefined): SqlValue =>
  v === null || v === undefined ? null : dialect === 'sqlite' ? (v ? 1 : 0) : v;

/**
 * Runs an INSERT and resolves the new row's id: RETURNING where the dialect has it, else the connection's
 * last insert id (the transaction's session is one connection).
 */
export async function insertReturningId(
  session: SqlSession,
  dialect: SqlDialect,
  sql: string,
  params: SqlValue[],
): Promise<string> {
  if (dialect !== 'mysql') return String((await session.query(`${sql} RETURNING id`, params))[0]!.id);
  await session.execute(sql, params);
  return String((await session.query('SELECT LAST_INSERT_ID() AS id', []))[0]!.id);
}

/** The app's own users table of the service-mode suites: no column of the SDK's, NOT NULL active and roles. */
export async function createAppUsers(port: SqlPort): Promise<void> {
  const d = port.dialect;
  await port.execute(
    `CREATE TABLE IF NOT EXISTS app_users (id ${SERIAL[d]}, email ${TEXT[d]}, display_name ${TEXT[d]}, ` +
      `given_name ${TEXT[d]}, family_name ${TEXT[d]}, active ${FLAG[d]} NOT NULL, roles ${TEXT[d]} NOT NULL)`,
    [],
  );
}

const COLUMNS = [
  ['email', 'email'],
  ['displayName', 'display_name'],
  ['givenName', 'given_name'],
  ['familyName', 'family_name'],
  ['active', 'active'],
  ['roles', 'roles'],
] as const;

function value(dialect: SqlDialect, key: keyof TestAppUser, row: Partial<TestAppUser>): SqlValue {
  if (key === 'active') return flagValue(dialect, row.active);
  if (key === 'roles') return row.roles === null || row.roles === undefined ? null : JSON.stringify(row.roles);
  return row[key] ?? null;
}

/** The test app's table, written through the transaction's session (the ports of these tests hand it as `tx`). */
export function appTable(port: SqlPort): TestAppTable<SqlSession> {
  const d = port.dialect;
  return {
    insert: (tx, row) =>
      insertReturningId(
        tx,
        d,
        `INSERT INTO app_users (${COLUMNS.map(([, c]) => c).join(', ')}) VALUES (${COLUMNS.map((_, i) => ph(d, i + 1)).join(', ')})`,
        COLUMNS.map(([key]) => value(d, key, row)),
      ),
    async update(tx, id, row) {
      const given = COLUMNS.filter(([key]) => key in row && row[key] !== undefined);
      if (given.length === 0) return;
      const set = given.map(([, column], i) => `${column} = ${ph(d, i + 1)}`).join(', ');
      await tx.execute(`UPDATE app_users SET ${set} WHERE id = ${ph(d, given.length + 1)}`, [
        ...given.map(([key]) => value(d, key, row)),
        Number(id),
      ]);
    },
    async delete(tx, id) {
      await tx.execute(`DELETE FROM app_users WHERE id = ${ph(d, 1)}`, [Number(id)]);
    },
    async read(id): Promise<TestAppRow | null> {
      const [row] = await port.query(`SELECT * FROM app_users WHERE id = ${ph(d, 1)}`, [Number(id)]);
      if (row === undefined) return null;
      return {
        id: String(row.id),
        email: str(row.email),
        displayName: str(row.display_name),
        givenName: str(row.given_name),
        familyName: str(row.family_name),
        active: bool(row.active),
        roles: JSON.parse(String(row.roles)) as string[],
      };
    },
    async findByEmail(tx, email) {
      const rows = await tx.query(`SELECT id FROM app_users WHERE lower(email) = lower(${ph(d, 1)})`, [email]);
      return rows.map((row) => String(row.id));
    },
  };
}
