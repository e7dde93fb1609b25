import type { SqlDialect, SqlValue } from './port.js';

/**
 * How one dialect spells what the stores write: placeholders, the parameters of instants, flags and
 * 64-bit integers (and the SQL that reads them back exactly), and the two kinds of upsert.
 */
export interface Dialect {
  readonly name: SqlDialect;
  /** The n-th placeholder (1-based). */
  placeholder(n: number): string;
  /** An instant as a parameter: ISO text (PostgreSQL), UTC `YYYY-MM-DD HH:MM:SS.mmm` (MySQL), milliseconds (SQLite). */
  instant(date: Date): SqlValue;
  /** The SQL of an instant parameter around its placeholder. */
  instantSql(placeholder: string): string;
  flag(value: boolean): SqlValue;
  flagSql(placeholder: string): string;
  /** A 64-bit integer parameter (decimal text) made an integer by the database itself, exactly. */
  int64Sql(placeholder: string): string;
  /** A SELECT expression reading an instant column back in a form `readInstant` parses whatever the driver. */
  readInstant(column: string): string;
  /** A SELECT expression reading a 64-bit integer column as decimal text (drivers round past 2^53). */
  readInt64(column: string): string;
  /** The tail of an INSERT that updates `columns` of the row whose `keys` already exist. */
  upsert(keys: readonly string[], columns: readonly string[]): string;
  /** The tail of an INSERT that skips rows whose key (any unique key on MySQL) already exists. */
  skipExisting(keys: readonly string[]): string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const onConflict = (keys: readonly string[], columns: readonly string[]): string =>
  `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;

export const postgresql: Dialect = {
  name: 'postgresql',
  placeholder: (n) => `$${n}`,
  instant: (date) => date.toISOString(),
  instantSql: (p) => `${p}::timestamptz`,
  flag: (value) => value,
  flagSql: (p) => `${p}::boolean`,
  int64Sql: (p) => `${p}::bigint`,
  readInstant: (column) => column,
  readInt64: (column) => `${column}::text`,
  upsert: onConflict,
  skipExisting: (keys) => `ON CONFLICT (${keys.join(', ')}) DO NOTHING`,
};

export const mysql: Dialect = {
  name: 'mysql',
  placeholder: () => '?',
  // DATETIME keeps no time zone: the stores write and read UTC text, whatever the driver's or the session's zone.
  instant: (d) =>
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`,
  instantSql: (p) => p,
  flag: (value) => (value ? 1 : 0),
  flagSql: (p) => p,
  int64Sql: (p) => `CAST(${p} AS SIGNED)`,
  readInstant: (column) => `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%fZ')`,
  readInt64: (column) => `CAST(${column} AS CHAR)`,
  upsert: (_keys, columns) => `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
  // A no-op assignment: INSERT IGNORE would also turn other errors (NOT NULL, lengths) into warnings.
  skipExisting: (keys) => `ON DUPLICATE KEY UPDATE ${keys[0]} = ${keys[0]}`,
};

export const sqlite: Dialect = {
  name: 'sqlite',
  placeholder: () => '?',
  instant: (date) => date.getTime(),
  instantSql: (p) => p,
  flag: (value) => (value ? 1 : 0),
  flagSql: (p) => p,
  int64Sql: (p) => `CAST(${p} AS INTEGER)`,
  readInstant: (column) => column,
  readInt64: (column) => `CAST(${column} AS TEXT)`,
  upsert: onConflict,
  skipExisting: (keys) => `ON CONFLICT (${keys.join(', ')}) DO NOTHING`,
};

export const DIALECTS: Record<SqlDialect, Dialect> = { postgresql, mysql, sqlite };
