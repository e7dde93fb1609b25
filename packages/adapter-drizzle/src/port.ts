import type { SqlDialect, SqlPort, SqlRow, SqlSession, SqlValue } from '@scim/sql';
import { is } from 'drizzle-orm';
import { MySqlDatabase, type MySqlQueryResultHKT, type PreparedQueryHKTBase } from 'drizzle-orm/mysql-core';
import { PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { nodePostgresTransactions } from './pg/node-postgres-transactions.js';
import { type SQLiteDb, SQLiteTransactions } from './sqlite/transactions.js';

/** A PostgreSQL database or transaction of any driver (node-postgres, PGlite, postgres.js, ...). */
export type PgDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
/** A MySQL/MariaDB database or transaction (mysql2). */
export type MySqlDb = MySqlDatabase<MySqlQueryResultHKT, PreparedQueryHKTBase, Record<string, unknown>>;
/** A SQLite database of any driver (better-sqlite3, libsql, ...). */
export type { SQLiteDb };

/** A statement's text and positional parameters, as drizzle's sessions prepare them. */
interface Query {
  sql: string;
  params: unknown[];
}

/** What the port uses of a drizzle session: its `prepareQuery`, whose statements drizzle's logger sees. */
interface PgSession {
  prepareQuery(
    query: Query,
    fields: undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
  ): { execute(): Promise<unknown> };
}
interface MySqlSession {
  prepareQuery(query: Query, fields: undefined): { execute(): Promise<unknown> };
}
interface SQLiteSession {
  prepareQuery(
    query: Query,
    fields: undefined,
    executeMethod: 'all' | 'run',
    isResponseInArrayMode: boolean,
  ): { all(): unknown; run(): unknown };
}

const sessionOf = <S>(db: unknown): S => (db as { session: S }).session;

/**
 * At most this many statement texts are prepared. The bookkeeping's PostgreSQL statements keep one text
 * whatever their row count (arrays travel as one parameter), so a few dozen cover them; the bound keeps
 * texts that vary (a SCIM filter's) from piling up on every connection.
 */
const MAX_PREPARED = 200;
// One naming for the process: a connection keeps what a name meant, whichever adapter prepared it.
const names = new Map<string, string>();

/**
 * The name node-postgres prepares a statement under (parsed once per connection, then only bound and
 * run), or none once `MAX_PREPARED` texts are named. Other PostgreSQL drivers ignore the name.
 */
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_PREPARED) {
    name = `scim_sql_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/** The rows of a result: node-postgres and PGlite answer `{ rows }`, postgres.js an array. */
function pgRows(result: unknown): SqlRow[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as SqlRow[];
}

/** Rows changed: node-postgres' `rowCount`, PGlite's `affectedRows`, postgres.js' `count`. */
function pgCount(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number; count?: number };
  return r.rowCount ?? r.affectedRows ?? r.count ?? 0;
}

function pgSession(db: PgDb): SqlSession {
  const session = sessionOf<PgSession>(db);
  const run = (text: string, params: SqlValue[]) =>
    session.prepareQuery({ sql: text, params }, undefined, statementName(text), false).execute();
  return {
    query: async (text, params) => pgRows(await run(text, params)),
    execute: async (text, params) => pgCount(await run(text, params)),
  };
}

/** mysql2 answers `[rows, fields]`, or `[ResultSetHeader, undefined]` for a write. */
function mysqlSession(db: MySqlDb): SqlSession {
  const session = sessionOf<MySqlSession>(db);
  const run = async (text: string, params: SqlValue[]) =>
    ((await session.prepareQuery({ sql: text, params }, undefined).execute()) as [unknown])[0];
  return {
    query: async (text, params) => (await run(text, params)) as SqlRow[],
    execute: async (text, params) => ((await run(text, params)) as { affectedRows?: number }).affectedRows ?? 0,
  };
}

/** better-sqlite3 answers synchronously (`{ changes }` for a write), libsql with a promise (`{ rowsAffected }`). */
function sqliteSession(db: SQLiteDb): SqlSession {
  const session = sessionOf<SQLiteSession>(db);
  return {
    query: async (text, params) =>
      (await session.prepareQuery({ sql: text, params }, undefined, 'all', false).all()) as SqlRow[],
    execute: async (text, params) => {
      const result = (await session.prepareQuery({ sql: text, params }, undefined, 'run', false).run()) as {
        changes?: number | bigint;
        rowsAffected?: number;
      };
      return Number(result.changes ?? result.rowsAffected ?? 0);
    },
  };
}

/** The dialect of a drizzle database, or undefined for another object. */
export function dialectOf(db: unknown): SqlDialect | undefined {
  if (is(db, PgDatabase)) return 'postgresql';
  if (is(db, MySqlDatabase)) return 'mysql';
  if (is(db, BaseSQLiteDatabase)) return 'sqlite';
  return undefined;
}

/**
 * @scim/sql's port over a drizzle database: statements run through drizzle's own session (its driver,
 * its logger), transactions are drizzle's (`tx`, handed to the app's functions), except on SQLite.
 *
 * - PostgreSQL: statements the bookkeeping repeats are named, so node-postgres prepares them once per
 *   connection. On a node-postgres pool a transaction runs on a client the adapter checks out itself
 *   (see `nodePostgresTransactions`); on any other driver it is `db.transaction()`.
 * - MySQL: `db.transaction()`, on a connection of the pool.
 * - SQLite: one connection, so the adapter's transactions take turns and `tx` is `db` itself (see
 *   `SQLiteTransactions`); a statement outside a transaction waits for its turn too, so that it cannot
 *   read another transaction's uncommitted writes.
 */
export function drizzlePort(db: PgDb): SqlPort<PgDb>;
export function drizzlePort(db: MySqlDb): SqlPort<MySqlDb>;
export function drizzlePort(db: SQLiteDb): SqlPort<SQLiteDb>;
export function drizzlePort(db: PgDb | MySqlDb | SQLiteDb): SqlPort<unknown> {
  if (is(db, PgDatabase)) {
    const pg = db as PgDb;
    // node-postgres pools get transactions on a checkout the adapter owns (see the file for why).
    const run =
      nodePostgresTransactions(pg) ?? (<T>(fn: (tx: PgDb) => Promise<T>) => pg.transaction((tx) => fn(tx as PgDb)));
    return {
      dialect: 'postgresql',
      ...pgSession(pg),
      transaction: (fn) => run((tx) => fn(pgSession(tx), tx)),
    };
  }
  if (is(db, MySqlDatabase)) {
    const mysql = db as MySqlDb;
    return {
      dialect: 'mysql',
      ...mysqlSession(mysql),
      transaction: (fn) => mysql.transaction((tx) => fn(mysqlSession(tx as unknown as MySqlDb), tx)),
    };
  }
  if (is(db, BaseSQLiteDatabase)) {
    const sqlite = db as SQLiteDb;
    const session = sqliteSession(sqlite);
    const transactions = new SQLiteTransactions(sqlite);
    return {
      dialect: 'sqlite',
      query: (text, params) => transactions.alone(() => session.query(text, params)),
      execute: (text, params) => transactions.alone(() => session.execute(text, params)),
      transaction: (fn) => transactions.run(() => fn(session, sqlite)),
    };
  }
  throw new TypeError('drizzleAdapter: expected a Drizzle database of the pg, mysql or sqlite dialect');
}
