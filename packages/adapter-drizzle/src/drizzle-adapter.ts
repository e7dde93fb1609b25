import type { ScimAdapter } from '@scim/core';
import { type SqlPort, type SqlUserTable, sqlAdapter } from '@scim/sql';
import type { Table } from 'drizzle-orm';
import type { MySqlDatabase, MySqlQueryResultHKT, MySqlTable, PreparedQueryHKTBase } from 'drizzle-orm/mysql-core';
import type { PgDatabase, PgQueryResultHKT, PgTable } from 'drizzle-orm/pg-core';
import type { BaseSQLiteDatabase, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { usersInOrder } from './in-order.js';
import { MySqlUsers } from './mysql/users.js';
import type { DrizzleAdapterOptions, UserColumns } from './options.js';
import { PgUsers } from './pg/users.js';
import { dialectOf, drizzlePort, type MySqlDb, type PgDb, type SQLiteDb } from './port.js';
import { SQLiteUsers } from './sqlite/users.js';
import { UserRows } from './user-rows.js';

const DEFAULT_MAX_BATCH = 1000;
const DEFAULT_CONFLICT_RETRIES = 5;
const DIALECT_NAMES = { postgresql: 'pg', mysql: 'mysql', sqlite: 'sqlite' } as const;

/** The transaction object a database's own `transaction()` hands its callback (`PgTransaction`, ...). */
export type DrizzleTransaction<TDb> = TDb extends {
  transaction(fn: (tx: infer Tx) => Promise<infer _R>, ...rest: infer _A): unknown;
}
  ? Tx
  : never;

type AnyPgDatabase = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
type AnyMySqlDatabase = MySqlDatabase<MySqlQueryResultHKT, PreparedQueryHKTBase, Record<string, unknown>>;
type AnySQLiteDatabase = BaseSQLiteDatabase<'sync' | 'async', unknown, Record<string, unknown>>;

/**
 * The storage adapter over a Drizzle database: PostgreSQL (node-postgres, PGlite, postgres.js, ...),
 * MySQL/MariaDB (mysql2) or SQLite (better-sqlite3, libsql). The dialect is read from `db`.
 * The bookkeeping tables come from `@scim/adapter-drizzle/pg`, `/mysql` or `/sqlite` and must be
 * migrated with the app's schema.
 *
 * With `options.users` (a table mapping) users land in the app's own table; without it, the app's own
 * functions write them (`createScimEngine({ users })`), through the transaction `ctx.tx`: Drizzle's own
 * transaction object (`PgTransaction`, `MySqlTransaction`), or on SQLite the database itself, whose one
 * connection the adapter's transaction holds.
 */
export function drizzleAdapter<
  TDb extends AnyPgDatabase,
  TUsers extends PgTable,
  F extends UserColumns<TUsers>,
  A extends UserColumns<TUsers>,
  R extends UserColumns<TUsers>,
>(db: TDb, options?: DrizzleAdapterOptions<TUsers, F, A, R>): ScimAdapter<DrizzleTransaction<TDb>>;
export function drizzleAdapter<
  TDb extends AnyMySqlDatabase,
  TUsers extends MySqlTable,
  F extends UserColumns<TUsers>,
  A extends UserColumns<TUsers>,
  R extends UserColumns<TUsers>,
>(db: TDb, options?: DrizzleAdapterOptions<TUsers, F, A, R>): ScimAdapter<DrizzleTransaction<TDb>>;
export function drizzleAdapter<
  TDb extends AnySQLiteDatabase,
  TUsers extends SQLiteTable,
  F extends UserColumns<TUsers>,
  A extends UserColumns<TUsers>,
  R extends UserColumns<TUsers>,
>(db: TDb, options?: DrizzleAdapterOptions<TUsers, F, A, R>): ScimAdapter<TDb>;
export function drizzleAdapter(db: unknown, options: DrizzleAdapterOptions<Table> = {}): ScimAdapter<unknown> {
  const dialect = dialectOf(db);
  if (dialect === undefined)
    throw new TypeError('drizzleAdapter: expected a Drizzle database of the pg, mysql or sqlite dialect');
  const users = options.users === undefined ? null : new UserRows(options.users);
  // The bookkeeping is @scim/sql's; the app's users table is written through Drizzle's own query builder.
  const port = drizzlePort(db as PgDb) as SqlPort<unknown>;
  const store =
    dialect === 'postgresql'
      ? (tx: unknown, rows: UserRows) => new PgUsers(tx as PgDb, rows)
      : dialect === 'mysql'
        ? (tx: unknown, rows: UserRows) => new MySqlUsers(tx as MySqlDb, rows)
        : (tx: unknown, rows: UserRows) => new SQLiteUsers(tx as SQLiteDb, rows);
  const userTable: SqlUserTable<unknown> | undefined =
    users === null
      ? undefined
      : { linkByEmail: users.emailColumn !== null, store: (_session, tx) => usersInOrder(store(tx, users)) };
  return sqlAdapter(port, {
    name: `drizzle:${DIALECT_NAMES[dialect]}`,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
    conflictRetries: options.conflictRetries ?? DEFAULT_CONFLICT_RETRIES,
    ...(userTable === undefined ? {} : { userTable }),
  });
}
