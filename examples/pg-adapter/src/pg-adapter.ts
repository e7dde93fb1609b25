import type { ScimAdapter } from '@scim/core';
import { applySqlSchema, type SqlAdapterOptions, type SqlPort, type SqlSession, sqlAdapter } from '@scim/sql';
import type { Pool, PoolClient, QueryConfig } from 'pg';

/**
 * A complete @scim storage adapter over plain node-postgres, written on @scim/sql's port: all it has to
 * say is how to run one statement and how to run a transaction. The bookkeeping (inbox claim, version
 * rule, memberships, identity links, leases, the SCIM server's resources and tokens) is @scim/sql's.
 *
 * It has no table mapping: the app's own user functions write its users (`createScimEngine({ users })`),
 * in the transaction this adapter opens, through the `PoolClient` they get as `ctx.tx`.
 */

export interface PgAdapterOptions extends Omit<SqlAdapterOptions<PoolClient>, 'userTable'> {
  /**
   * Runs the statements the bookkeeping repeats as server-side prepared statements (parsed and planned
   * once per connection). Default true.
   */
  prepare?: boolean;
}

/** At most this many statement texts are prepared: a few dozen are hot, the rest vary with their row count. */
const MAX_PREPARED = 200;
// One naming for the process: a connection keeps what a name meant, whichever adapter prepared it.
const seen = new Map<string, string | undefined>();
let named = 0;

/**
 * The name node-postgres prepares a statement under (once per connection), or none. Only texts seen before
 * are named (a text used once is not worth a cached plan), and no more than `MAX_PREPARED` of them.
 */
function statementName(text: string): string | undefined {
  if (!seen.has(text)) {
    if (seen.size < 4 * MAX_PREPARED) seen.set(text, undefined);
    return undefined;
  }
  let name = seen.get(text);
  if (name === undefined && named < MAX_PREPARED) {
    name = `scim_${++named}`;
    seen.set(text, name);
  }
  return name;
}

/** Statements on the pool (each on whichever connection is free) or on one checked-out client. */
function session(db: Pool | PoolClient, name: (text: string) => string | undefined): SqlSession {
  const config = (text: string, values: unknown[]): QueryConfig => {
    const named = name(text);
    return named === undefined ? { text, values } : { name: named, text, values };
  };
  return {
    query: async (text, params) => (await db.query(config(text, params))).rows,
    execute: async (text, params) => (await db.query(config(text, params))).rowCount ?? 0,
  };
}

/**
 * The port: a transaction runs on a client checked out of the app's pool for its whole length.
 *
 * pg-pool takes its own 'error' listener off a client while it is checked out, so a connection reset in
 * the middle of a transaction would be an unhandled 'error' event and end the process: the client carries
 * ours until it is back. A client whose connection failed is destroyed on release, not reused.
 */
export function pgPort(pool: Pool, options: { prepare?: boolean } = {}): SqlPort<PoolClient> {
  const name = options.prepare === false ? () => undefined : statementName;
  return {
    dialect: 'postgresql',
    ...session(pool, name),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(session(client, name), client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // After a failed COMMIT, or on a broken connection, there may be nothing to roll back: the
        // first error is the one to report.
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release(broken);
        if (broken === undefined) client.removeListener('error', onError);
      }
    },
  };
}

/**
 * The adapter: `pgAdapter(pool)` for `createScimEngine({ adapter, users })`. `transaction(fn)` hands the
 * app's functions the transaction's `PoolClient`; driver errors become `AdapterError`s (23505
 * UNIQUE_VIOLATION, NOT NULL and CHECK CONSTRAINT_VIOLATION, deadlocks TRANSACTION_CONFLICT, lost
 * connections STORAGE_FAILURE) with the driver's error as `cause`.
 */
export function pgAdapter(pool: Pool, options: PgAdapterOptions = {}): ScimAdapter<PoolClient> {
  const { prepare, ...rest } = options;
  return sqlAdapter(pgPort(pool, prepare === undefined ? {} : { prepare }), { name: 'pg', ...rest });
}

/** Creates the bookkeeping tables that are missing (`@scim/sql/schema/postgresql.sql`), e.g. at start-up. */
export function createBookkeepingTables(pool: Pool): Promise<void> {
  return applySqlSchema(pgPort(pool, { prepare: false }));
}
