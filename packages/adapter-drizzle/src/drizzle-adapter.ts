import type { ScimAdapter } from '@scim/core';
import { is, type Table } from 'drizzle-orm';
import {
  MySqlDatabase,
  type MySqlQueryResultHKT,
  type MySqlTable,
  type PreparedQueryHKTBase,
} from 'drizzle-orm/mysql-core';
import { PgDatabase, type PgQueryResultHKT, type PgTable } from 'drizzle-orm/pg-core';
import { BaseSQLiteDatabase, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { buildAdapter } from './build-adapter.js';
import { type MySqlDb, MySqlStore } from './mysql/store.js';
import type { DrizzleAdapterOptions, UserColumns } from './options.js';
import { nodePostgresTransactions } from './pg/node-postgres-transactions.js';
import { type PgDb, PgStore } from './pg/store.js';
import { type SQLiteDb, SQLiteStore } from './sqlite/store.js';
import { SQLiteTransactions } from './sqlite/transactions.js';
import { UserRows } from './user-rows.js';

const DEFAULT_MAX_BATCH = 1000;
const DEFAULT_CONFLICT_RETRIES = 5;

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
  const users = options.users === undefined ? null : new UserRows(options.users);
  const common = {
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
    conflictRetries: options.conflictRetries ?? DEFAULT_CONFLICT_RETRIES,
    userTable: users !== null,
    linkByEmail: users?.emailColumn != null,
  };
  if (is(db, PgDatabase)) {
    const pg = db as PgDb;
    // node-postgres pools get transactions on a checkout the adapter owns (see the file for why).
    const run = nodePostgresTransactions(pg) ?? ((fn) => pg.transaction((tx) => fn(tx as unknown as PgDb)));
    return buildAdapter<PgDb>({
      ...common,
      name: 'drizzle:pg',
      transaction: (fn) => run((tx) => fn(new PgStore(tx, users), tx)),
      outside: () => new PgStore(pg, users),
    });
  }
  if (is(db, MySqlDatabase)) {
    const mysql = db as MySqlDb;
    return buildAdapter<MySqlDb>({
      ...common,
      name: 'drizzle:mysql',
      transaction: (fn) =>
        mysql.transaction((tx) => fn(new MySqlStore(tx as unknown as MySqlDb, users), tx as unknown as MySqlDb)),
      outside: () => new MySqlStore(mysql, users),
    });
  }
  if (is(db, BaseSQLiteDatabase)) {
    // One connection: a read outside the adapter's transaction could see another one's uncommitted writes.
    const sqlite = db as SQLiteDb;
    const transactions = new SQLiteTransactions(sqlite);
    return buildAdapter<SQLiteDb>({
      ...common,
      name: 'drizzle:sqlite',
      transaction: (fn) => transactions.run(() => fn(new SQLiteStore(sqlite, users), sqlite)),
    });
  }
  throw new TypeError('drizzleAdapter: expected a Drizzle database of the pg, mysql or sqlite dialect');
}
