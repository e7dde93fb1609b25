import type { PGlite, Transaction } from '@electric-sql/pglite';
import type Database from 'better-sqlite3';
import type { Pool as MySqlPool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { Pool, PoolClient } from 'pg';
import type { SqlPort, SqlSession } from '../../src/index.js';

// Ports of the drivers the package is tested on: each a few lines over the driver's own API.

/** node-postgres: a checked-out client per transaction, released (destroyed when its connection broke). */
export function pgPort(pool: Pool): SqlPort<PoolClient> {
  const session = (db: Pool | PoolClient): SqlSession => ({
    query: async (text, params) => (await db.query(text, params)).rows,
    execute: async (text, params) => (await db.query(text, params)).rowCount ?? 0,
  });
  return {
    dialect: 'postgresql',
    ...session(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(session(client), client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release(broken);
        client.removeListener('error', onError);
      }
    },
  };
}

/** PGlite: one connection; its own `transaction()` runs one at a time, and statements outside wait for it. */
export function pglitePort(db: PGlite): SqlPort<Transaction> {
  const session = (on: PGlite | Transaction): SqlSession => ({
    query: async (text, params) => (await on.query<Record<string, unknown>>(text, params)).rows,
    execute: async (text, params) => (await on.query(text, params)).affectedRows ?? 0,
  });
  return { dialect: 'postgresql', ...session(db), transaction: (fn) => db.transaction((tx) => fn(session(tx), tx)) };
}

/** mysql2: a connection per transaction. */
export function mysqlPort(pool: MySqlPool): SqlPort<PoolConnection> {
  const session = (db: MySqlPool | PoolConnection): SqlSession => ({
    query: async (text, params) => (await db.query(text, params))[0] as Record<string, unknown>[],
    execute: async (text, params) => ((await db.query(text, params))[0] as ResultSetHeader).affectedRows,
  });
  return {
    dialect: 'mysql',
    ...session(pool),
    async transaction(fn) {
      const connection = await pool.getConnection();
      try {
        await connection.beginTransaction();
        const result = await fn(session(connection), connection);
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * better-sqlite3: one connection, so this process's transactions take turns (and single statements wait
 * for the running transaction: they would see its uncommitted rows). `BEGIN IMMEDIATE` takes the write
 * lock; while another connection holds it the BEGIN is retried without blocking the event loop, and a
 * lock still held after `lockWaitMs` is left to fail as SQLITE_BUSY (a conflict the engine retries).
 */
export function betterSqlite3Port(db: Database.Database, lockWaitMs = 5000): SqlPort<Database.Database> {
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  const direct: SqlSession = {
    query: async (text, params) => prepare(text).all(...params) as Record<string, unknown>[],
    execute: async (text, params) => prepare(text).run(...params).changes,
  };
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };
  const begin = async () => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - started >= lockWaitMs) throw error;
        await sleep(Math.min(50, 2 ** attempt));
      }
    }
  };
  return {
    dialect: 'sqlite',
    query: (text, params) => inTurn(() => direct.query(text, params)),
    execute: (text, params) => inTurn(() => direct.execute(text, params)),
    transaction: (fn) =>
      inTurn(async () => {
        await begin();
        try {
          const result = await fn(direct, db);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
  };
}

/** The part of a Prisma client (or of its interactive transaction's client) a port uses. */
interface PrismaRaw {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Prisma: raw statements on the client or its interactive transaction's client. */
export function prismaPort<Tx extends PrismaRaw>(
  prisma: PrismaRaw & {
    $transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T>;
  },
  dialect: SqlPort['dialect'],
): SqlPort<Tx> {
  const session = (db: PrismaRaw): SqlSession => ({
    query: (text, params) => db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params),
    execute: (text, params) => db.$executeRawUnsafe(text, ...params),
  });
  // Prisma's 5 s default would end a transaction that waits its turn on a busy machine.
  const options = { maxWait: 30_000, timeout: 30_000 };
  return {
    dialect,
    ...session(prisma),
    transaction: (fn) => prisma.$transaction((tx) => fn(session(tx), tx), options),
  };
}
