import { AdapterError } from '@scim/core/adapter';
import type { SqlErrorKind, SqlPort, SqlSession } from '@scim/sql';
import { translateError } from './errors.js';
import type { PrismaClientLike, PrismaProvider, PrismaQueryable, PrismaTransactionOptions } from './options.js';

const KINDS = new Set<string>(['UNIQUE_VIOLATION', 'CONSTRAINT_VIOLATION', 'TRANSACTION_CONFLICT', 'STORAGE_FAILURE']);

/**
 * What a Prisma error means to @scim/sql: Prisma's codes (P2002, P2034, ...), the driver's code under a raw
 * query's error (the driver adapter's cause, or Prisma 6's `meta.code`), and Prisma's client-side refusal
 * of a model call's row (`createMany` of a user without a required field). Undefined for the rest.
 */
export function classifyPrismaError(error: unknown): SqlErrorKind | undefined {
  const translated = translateError(error, 'prisma');
  return translated instanceof AdapterError && KINDS.has(translated.code)
    ? (translated.code as SqlErrorKind)
    : undefined;
}

function session(db: PrismaQueryable): SqlSession {
  return {
    query: (sql, params) => Promise.resolve(db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params)),
    execute: (sql, params) => Promise.resolve(db.$executeRawUnsafe(sql, ...params)),
  };
}

/**
 * @scim/sql's port over a Prisma client: statements through `$queryRawUnsafe` / `$executeRawUnsafe`, a
 * transaction through the interactive `$transaction` with `options`, whose client is the `Tx` the app's
 * own functions get (`ctx.tx`).
 *
 * On SQLite every query of the client shares one connection, and Prisma serializes only its transactions:
 * a statement sent beside an open transaction would run inside it (and be rolled back with it). There a
 * statement outside a transaction runs in one of its own.
 */
export function prismaPort<Tx>(
  prisma: PrismaClientLike,
  provider: PrismaProvider,
  options: PrismaTransactionOptions,
): SqlPort<Tx> {
  const transaction = <T>(fn: (session: SqlSession, tx: Tx) => Promise<T>): Promise<T> =>
    prisma.$transaction((tx) => fn(session(tx), tx as Tx), options);
  const plain: SqlSession =
    provider === 'sqlite'
      ? {
          query: (sql, params) => transaction((s) => s.query(sql, params)),
          execute: (sql, params) => transaction((s) => s.execute(sql, params)),
        }
      : session(prisma);
  return { dialect: provider, ...plain, transaction, classifyError: classifyPrismaError };
}
