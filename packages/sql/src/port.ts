/** The SQL dialects the bookkeeping is written for. */
export type SqlDialect = 'postgresql' | 'mysql' | 'sqlite';

/**
 * A parameter as the stores send it. They never send a Date, an array or a bigint: instants go as the
 * dialect's text or milliseconds, arrays (PostgreSQL) as array literals cast in the statement
 * (`$1::text[]`), 64-bit integers as decimal text cast in the statement. Numbers are integers (counts,
 * limits, milliseconds). Booleans go to PostgreSQL only (MySQL and SQLite get 1 and 0).
 */
export type SqlValue = string | number | boolean | null;

/** A row as the driver returns it, keyed by column name (or alias). */
export type SqlRow = Record<string, unknown>;

/**
 * Runs statements on one connection (or one transaction). Placeholders are the dialect's own: `$1`, `$2`
 * ... on PostgreSQL, `?` on MySQL and SQLite. Each call is ONE statement.
 */
export interface SqlSession {
  /** Runs a statement that returns rows (a SELECT, or a write with RETURNING). */
  query(sql: string, params: SqlValue[]): Promise<SqlRow[]>;
  /** Runs a statement that returns no rows; resolves the number of rows it changed. */
  execute(sql: string, params: SqlValue[]): Promise<number>;
}

/**
 * What the SQL bookkeeping needs of a database: a session for statements outside a transaction, and a
 * way to run a function in one transaction with a session bound to it. `Tx` is the transaction as the
 * app's own code knows it (the pool client, Prisma's transaction client, Drizzle's `tx`), handed to the
 * app's user functions so that their writes commit or roll back with the SDK's.
 *
 * `transaction` must commit when `fn` resolves and roll back when it throws (rethrowing its error). Its
 * isolation level is the database's default (READ COMMITTED on PostgreSQL, REPEATABLE READ on InnoDB,
 * serializable on SQLite): the stores' conditional writes do not depend on a stricter one.
 */
export interface SqlPort<Tx = unknown> extends SqlSession {
  readonly dialect: SqlDialect;
  transaction<T>(fn: (session: SqlSession, tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Optional: classifies an error this driver (or ORM) throws, when the default classification (which
   * reads PostgreSQL SQLSTATEs, MySQL errnos and SQLite result codes from the error and its causes) does
   * not. Return undefined for an error to keep as it is.
   */
  classifyError?(error: unknown): SqlErrorKind | undefined;
}

/** What a database error means to the engine (see `translateSqlError`). */
export type SqlErrorKind = 'UNIQUE_VIOLATION' | 'CONSTRAINT_VIOLATION' | 'TRANSACTION_CONFLICT' | 'STORAGE_FAILURE';
