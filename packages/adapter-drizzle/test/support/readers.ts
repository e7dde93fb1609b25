import { type SQL, sql } from 'drizzle-orm';
import type { MySqlDatabase, MySqlQueryResultHKT, PreparedQueryHKTBase } from 'drizzle-orm/mysql-core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { RawReader } from './backdoor.js';

type Row = Record<string, unknown>;

const returningId = (query: SQL): SQL => sql`${query} returning id`;

/** Plain SQL on PostgreSQL (node-postgres, PGlite): `{ rows }` answers. */
export function pgReader(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>): RawReader {
  const rows = async (query: SQL) => ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
  return {
    textType: 'text',
    rows,
    insert: async (query) => String((await rows(returningId(query)))[0]?.id),
  };
}

/** Plain SQL on MySQL/MariaDB (mysql2): `[rows, fields]`, or `[ResultSetHeader]` for a write. */
export function mysqlReader(
  db: MySqlDatabase<MySqlQueryResultHKT, PreparedQueryHKTBase, Record<string, unknown>>,
): RawReader {
  return {
    textType: 'char',
    rows: async (query) => ((await db.execute(query)) as unknown as [Row[]])[0],
    insert: async (query) => String(((await db.execute(query)) as unknown as [{ insertId: number }])[0].insertId),
  };
}

export function sqliteReader(db: BaseSQLiteDatabase<'sync' | 'async', unknown, Record<string, unknown>>): RawReader {
  const rows = async (query: SQL) => db.all<Row>(query);
  return {
    textType: 'text',
    rows,
    insert: async (query) => String((await rows(returningId(query)))[0]?.id),
  };
}
