import type { TestAppRow, TestAppTable, TestAppUser } from '@scim/adapter-test-suite';
import { type Column, eq, type SQL, sql } from 'drizzle-orm';
import type { MySqlDatabase, MySqlQueryResultHKT, PreparedQueryHKTBase } from 'drizzle-orm/mysql-core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as mysqlSchema from '../app/mysql-schema.js';
import * as pgSchema from '../app/pg-schema.js';
import * as sqliteSchema from '../app/sqlite-schema.js';

/*
 * The test app's own users table (`service_users`, no SCIM column) for the service-mode suites, one per
 * dialect, written through the adapter's transaction handle and read back outside it.
 */

type PgDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
type MySqlDb = MySqlDatabase<MySqlQueryResultHKT, PreparedQueryHKTBase, Record<string, unknown>>;
type SQLiteDb = BaseSQLiteDatabase<'sync' | 'async', unknown, Record<string, unknown>>;

/** Only the columns given: `undefined` leaves a column as it is. */
function given(row: Partial<TestAppUser>): Partial<TestAppUser> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

const sameEmail = (column: Column, email: string): SQL => sql`lower(${column}) = lower(${email})`;

function fromRow(row: {
  id: number;
  email: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  active: boolean;
  roles: string[] | null;
}): TestAppRow {
  return { ...row, id: String(row.id), roles: row.roles ?? [] };
}

export function pgServiceApp(db: PgDb): TestAppTable<PgDb> {
  const t = pgSchema.serviceUsers;
  return {
    async insert(tx, row) {
      const [created] = await tx.insert(t).values(row).returning({ id: t.id });
      return String(created!.id);
    },
    async update(tx, id, row) {
      await tx
        .update(t)
        .set(given(row))
        .where(eq(t.id, Number(id)));
    },
    async delete(tx, id) {
      await tx.delete(t).where(eq(t.id, Number(id)));
    },
    async read(id) {
      const [row] = await db
        .select()
        .from(t)
        .where(eq(t.id, Number(id)));
      return row === undefined ? null : fromRow(row);
    },
    async findByEmail(tx, email) {
      const rows = await tx.select({ id: t.id }).from(t).where(sameEmail(t.email, email));
      return rows.map((row) => String(row.id));
    },
  };
}

export function mysqlServiceApp(db: MySqlDb): TestAppTable<MySqlDb> {
  const t = mysqlSchema.serviceUsers;
  return {
    async insert(tx, row) {
      const [created] = await tx.insert(t).values(row).$returningId();
      return String(created!.id);
    },
    async update(tx, id, row) {
      await tx
        .update(t)
        .set(given(row))
        .where(eq(t.id, Number(id)));
    },
    async delete(tx, id) {
      await tx.delete(t).where(eq(t.id, Number(id)));
    },
    async read(id) {
      const [row] = await db
        .select()
        .from(t)
        .where(eq(t.id, Number(id)));
      return row === undefined ? null : fromRow(row);
    },
    async findByEmail(tx, email) {
      const rows = await tx.select({ id: t.id }).from(t).where(sameEmail(t.email, email));
      return rows.map((row) => String(row.id));
    },
  };
}

/** On SQLite the transaction is the database itself: the adapter's transaction holds its one connection. */
export function sqliteServiceApp(db: SQLiteDb): TestAppTable<SQLiteDb> {
  const t = sqliteSchema.serviceUsers;
  return {
    async insert(tx, row) {
      const [created] = await tx.insert(t).values(row).returning({ id: t.id });
      return String(created!.id);
    },
    async update(tx, id, row) {
      await tx
        .update(t)
        .set(given(row))
        .where(eq(t.id, Number(id)));
    },
    async delete(tx, id) {
      await tx.delete(t).where(eq(t.id, Number(id)));
    },
    async read(id) {
      const [row] = await db
        .select()
        .from(t)
        .where(eq(t.id, Number(id)));
      return row === undefined ? null : fromRow(row);
    },
    async findByEmail(tx, email) {
      const rows = await tx.select({ id: t.id }).from(t).where(sameEmail(t.email, email));
      return rows.map((row) => String(row.id));
    },
  };
}
