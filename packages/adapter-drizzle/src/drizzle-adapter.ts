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
import type { DrizzleAdapterOptions } from './options.js';
import { nodePostgresTransactions } from './pg/node-postgres-transactions.js';
import { type PgDb, PgStore } from './pg/store.js';
import { type SQLiteDb, SQLiteStore } from './sqlite/store.js';
import { SQLiteTransactions } from './sqlite/transactions.js';
import { UserRows } from './user-rows.js';

const DEFAULT_MAX_BATCH = 1000;
const DEFAULT_CONFLICT_RETRIES = 5;

/**
 * The storage adapter over a Drizzle database: PostgreSQL (node-postgres, PGlite, postgres.js, ...),
 * MySQL/MariaDB (mysql2) or SQLite (better-sqlite3, libsql). The dialect is read from `db`.
 * The bookkeeping tables come from `@scim/adapter-drizzle/pg`, `/mysql` or `/sqlite` and must be
 * migrated with the app's schema; users land in `options.users.model`, the app's own table.
 */
export function drizzleAdapter<TSchema extends Record<string, unknown>, TUsers extends PgTable>(
  db: PgDatabase<PgQueryResultHKT, TSchema>,
  options: DrizzleAdapterOptions<TUsers>,
): ScimAdapter;
export function drizzleAdapter<TSchema extends Record<string, unknown>, TUsers extends MySqlTable>(
  db: MySqlDatabase<MySqlQueryResultHKT, PreparedQueryHKTBase, TSchema>,
  options: DrizzleAdapterOptions<TUsers>,
): ScimAdapter;
export function drizzleAdapter<TSchema extends Record<string, unknown>, TUsers extends SQLiteTable>(
  db: BaseSQLiteDatabase<'sync' | 'async', unknown, TSchema>,
  options: DrizzleAdapterOptions<TUsers>,
): ScimAdapter;
export function drizzleAdapter(db: unknown, options: DrizzleAdapterOptions<Table>): ScimAdapter {
  const users = new UserRows(options.users);
  const common = {
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
    conflictRetries: options.conflictRetries ?? DEFAULT_CONFLICT_RETRIES,
  };
  if (is(db, PgDatabase)) {
    const pg = db as PgDb;
    // node-postgres pools get transactions on a checkout the adapter owns (see the file for why).
    const run = nodePostgresTransactions(pg) ?? ((fn) => pg.transaction((tx) => fn(tx as unknown as PgDb)));
    return buildAdapter({
      ...common,
      name: 'drizzle:pg',
      transaction: (fn) => run((tx) => fn(new PgStore(tx, users))),
    });
  }
  if (is(db, MySqlDatabase)) {
    const mysql = db as MySqlDb;
    return buildAdapter({
      ...common,
      name: 'drizzle:mysql',
      transaction: (fn) => mysql.transaction((tx) => fn(new MySqlStore(tx as unknown as MySqlDb, users))),
    });
  }
  if (is(db, BaseSQLiteDatabase)) {
    const sqlite = db as SQLiteDb;
    const transactions = new SQLiteTransactions(sqlite);
    return buildAdapter({
      ...common,
      name: 'drizzle:sqlite',
      transaction: (fn) => transactions.run(() => fn(new SQLiteStore(sqlite, users))),
    });
  }
  throw new TypeError('drizzleAdapter: expected a Drizzle database of the pg, mysql or sqlite dialect');
}
