import { entityKind } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/** What the adapter uses of a node-postgres pool client (typed here: `pg` is not a dependency). */
interface PoolClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  release(error?: Error): void;
}

interface Pool {
  connect(): Promise<PoolClient>;
}

/** The fields of drizzle's `NodePgSession` a session over one checked-out client is built from. */
interface NodePgSession {
  client: unknown;
  dialect: unknown;
  schema: unknown;
  options: unknown;
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
}

type NodePgSessionClass = (new (
  client: PoolClient,
  dialect: unknown,
  schema: unknown,
  options: unknown,
) => NodePgSession) & { [entityKind]?: string };

/** A pool the way drizzle itself tells one from a single client (`pg.Pool` or a subclass of it). */
function isPool(client: unknown): client is Pool {
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof (client as Pool).connect === 'function' &&
    Object.getPrototypeOf(client).constructor.name.includes('Pool')
  );
}

export type PgTransactionRunner = <T>(fn: (tx: Db) => Promise<T>) => Promise<T>;

/**
 * Transactions over a node-postgres pool on a client the adapter checks out itself, or undefined when
 * `db` is another driver (PGlite, postgres.js, ...) or a single client.
 *
 * drizzle-orm's node-postgres `transaction()` (0.45) sends BEGIN before its try/finally, so a
 * connection that drops while BEGIN is on the wire is never given back: a few such drops exhaust the
 * pool and `pool.end()` never resolves. And pg-pool takes its 'error' listener off a client while it
 * is checked out, so a reset mid-transaction emits an unhandled 'error' that ends the process. Here
 * the checkout is ours: it carries an 'error' listener for its whole lifetime, is always released
 * (destroyed when its connection failed), and the transaction itself is drizzle's, run by a session
 * over that one client, so BEGIN/COMMIT/ROLLBACK and the store's statements are what they were.
 */
export function nodePostgresTransactions(db: Db): PgTransactionRunner | undefined {
  const session = db._.session as unknown as NodePgSession;
  const Session = session.constructor as NodePgSessionClass;
  if (Session[entityKind] !== 'NodePgSession' || !isPool(session.client)) return undefined;
  const pool = session.client;
  // A client lives across many checkouts; so does its session (and its prepared statements).
  const sessions = new WeakMap<PoolClient, NodePgSession>();

  return async (fn) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      let own = sessions.get(client);
      if (own === undefined) {
        own = new Session(client, session.dialect, session.schema, session.options);
        sessions.set(client, own);
      }
      return await own.transaction(fn);
    } finally {
      // pg-pool puts its idle listener back on release. A broken client is destroyed and keeps ours
      // too, so that whatever its dying socket still reports cannot reach the app's pool as an error.
      client.release(broken);
      if (broken === undefined) client.removeListener('error', onError);
    }
  };
}
