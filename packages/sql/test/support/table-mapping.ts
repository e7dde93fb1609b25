import type { BackdoorAppRow, BackdoorUser, UnlinkedUserInput } from '@scim/adapter-test-suite';
import type { UserPatch, UserTableStore, UserWrite } from '@scim/core/adapter';
import type { SqlDialect, SqlPort, SqlSession, SqlUserTable, SqlValue } from '../../src/index.js';
import { bool, FLAG, flagValue, insertReturningId, ph, SERIAL, str, TEXT } from './app-tables.js';

/**
 * A table mapping for the tests, as an ORM adapter would plug its own into `sqlAdapter`: provisioned users in
 * the app's `mapped_users` table, keyed by its organization and user columns. One statement per user: it is
 * here to run the table-mode suites over the SQL bookkeeping, not to be fast.
 */

// The key columns are VARCHAR on MySQL (a unique index needs a length).
const KEY: Record<SqlDialect, string> = { postgresql: 'text', mysql: 'VARCHAR(191)', sqlite: 'TEXT' };

const FIELDS = [
  ['email', 'email'],
  ['givenName', 'given_name'],
  ['familyName', 'family_name'],
  ['displayName', 'display_name'],
  ['username', 'username'],
] as const;

export async function createMappedUsers(port: SqlPort): Promise<void> {
  const d = port.dialect;
  await port.execute(
    `CREATE TABLE IF NOT EXISTS mapped_users (id ${SERIAL[d]}, scim_organization_id ${KEY[d]}, scim_user_id ${KEY[d]}, ` +
      `email ${TEXT[d]}, given_name ${TEXT[d]}, family_name ${TEXT[d]}, display_name ${TEXT[d]}, username ${TEXT[d]}, ` +
      `active ${FLAG[d]} NOT NULL, roles ${TEXT[d]} NOT NULL, UNIQUE (scim_organization_id, scim_user_id))`,
    [],
  );
}

function userTableStore(session: SqlSession, d: SqlDialect): UserTableStore {
  const key = (first: number) => `scim_organization_id = ${ph(d, first)} AND scim_user_id = ${ph(d, first + 1)}`;
  const exists = async (organizationId: string, id: string) =>
    (await session.query(`SELECT id FROM mapped_users WHERE ${key(1)}`, [organizationId, id])).length > 0;
  const update = async (organizationId: string, id: string, set: [string, SqlValue][]) => {
    if (set.length === 0) return;
    const assignments = set.map(([column], i) => `${column} = ${ph(d, i + 1)}`).join(', ');
    await session.execute(`UPDATE mapped_users SET ${assignments} WHERE ${key(set.length + 1)}`, [
      ...set.map(([, v]) => v),
      organizationId,
      id,
    ]);
  };
  const columnsOf = (user: UserWrite | UserPatch): [string, SqlValue][] => {
    const set: [string, SqlValue][] = [];
    for (const [field, column] of FIELDS) {
      const v = (user as UserWrite)[field];
      if (v !== undefined) set.push([column, v]);
    }
    if (user.active !== undefined) set.push(['active', flagValue(d, user.active)]);
    if (user.roles !== undefined) set.push(['roles', JSON.stringify(user.roles)]);
    return set;
  };
  return {
    async upsertUsers(organizationId, users) {
      for (const user of users) {
        const set = columnsOf(user);
        if (await exists(organizationId, user.id)) {
          await update(organizationId, user.id, set);
          continue;
        }
        if (user.roles === undefined) set.push(['roles', '[]']);
        const columns = ['scim_organization_id', 'scim_user_id', ...set.map(([c]) => c)];
        await session.execute(
          `INSERT INTO mapped_users (${columns.join(', ')}) VALUES (${columns.map((_, i) => ph(d, i + 1)).join(', ')})`,
          [organizationId, user.id, ...set.map(([, v]) => v)],
        );
      }
    },
    async patchUsers(organizationId, patches) {
      for (const patch of patches) await update(organizationId, patch.id, columnsOf(patch));
    },
    async deleteUsers(organizationId, ids) {
      for (const id of ids) await session.execute(`DELETE FROM mapped_users WHERE ${key(1)}`, [organizationId, id]);
    },
    async linkUsersByEmail(organizationId, links) {
      const linked: string[] = [];
      for (const { directoryUserId, email } of links) {
        if (await exists(organizationId, directoryUserId)) continue;
        const rows = await session.query(
          'SELECT id FROM mapped_users WHERE scim_organization_id IS NULL AND scim_user_id IS NULL ' +
            `AND lower(email) = lower(${ph(d, 1)})`,
          [email],
        );
        // An ambiguous email links none.
        if (rows.length !== 1) continue;
        await session.execute(
          `UPDATE mapped_users SET scim_organization_id = ${ph(d, 1)}, scim_user_id = ${ph(d, 2)} WHERE id = ${ph(d, 3)}`,
          [organizationId, directoryUserId, Number(rows[0]!.id)],
        );
        linked.push(directoryUserId);
      }
      return linked;
    },
  };
}

export function mappedUsers(dialect: SqlDialect): SqlUserTable<SqlSession> {
  return { store: (session) => userTableStore(session, dialect), linkByEmail: true };
}

/** The backdoor's readers of `mapped_users`. */
export function mappedUsersBackdoor(port: SqlPort) {
  const d = port.dialect;
  const row = (r: Record<string, unknown>) => ({
    email: str(r.email),
    givenName: str(r.given_name),
    familyName: str(r.family_name),
    displayName: str(r.display_name),
    username: str(r.username),
    active: bool(r.active),
    roles: JSON.parse(String(r.roles)) as string[],
  });
  return {
    async readUser(organizationId: string, userId: string): Promise<BackdoorUser | null> {
      const [r] = await port.query(
        `SELECT * FROM mapped_users WHERE scim_organization_id = ${ph(d, 1)} AND scim_user_id = ${ph(d, 2)}`,
        [organizationId, userId],
      );
      return r === undefined ? null : { id: userId, organizationId, ...row(r) };
    },
    // In a transaction: MySQL reads the new id back on the same connection.
    insertUnlinkedUser: (user: UnlinkedUserInput) =>
      port.transaction((session) =>
        insertReturningId(
          session,
          d,
          `INSERT INTO mapped_users (email, display_name, active, roles) VALUES (${ph(d, 1)}, ${ph(d, 2)}, ${ph(d, 3)}, ${ph(d, 4)})`,
          [user.email, user.displayName ?? null, flagValue(d, true), '[]'],
        ),
      ),
    async readUnlinkedUser(rowId: string): Promise<BackdoorAppRow | null> {
      const [r] = await port.query(`SELECT * FROM mapped_users WHERE id = ${ph(d, 1)}`, [Number(rowId)]);
      if (r === undefined) return null;
      const { email, active, displayName } = row(r);
      return { organizationId: str(r.scim_organization_id), userId: str(r.scim_user_id), email, active, displayName };
    },
  };
}
