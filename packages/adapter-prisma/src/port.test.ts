import { describe, expect, test } from 'vitest';
import type { PrismaClientLike, PrismaQueryable } from './options.js';
import { classifyPrismaError, prismaPort } from './port.js';

/** An error shaped like Prisma's known request errors (they live in the generated client's runtime). */
function prismaError(code: string, meta?: Record<string, unknown>): Error {
  return Object.assign(new Error(`prisma ${code}`), { code, ...(meta === undefined ? {} : { meta }) });
}

describe('classifyPrismaError', () => {
  test("Prisma's codes, the driver adapter's cause and Prisma 6's raw-query code", () => {
    expect(classifyPrismaError(prismaError('P2002'))).toBe('UNIQUE_VIOLATION');
    expect(classifyPrismaError(prismaError('P2034'))).toBe('TRANSACTION_CONFLICT');
    expect(classifyPrismaError(prismaError('P2011'))).toBe('CONSTRAINT_VIOLATION');
    const adapterCause = { driverAdapterError: { cause: { originalCode: '40P01', kind: 'postgres' } } };
    expect(classifyPrismaError(prismaError('P2010', adapterCause))).toBe('TRANSACTION_CONFLICT');
    expect(classifyPrismaError(prismaError('P2010', { code: '1213' }))).toBe('TRANSACTION_CONFLICT');
    expect(classifyPrismaError(prismaError('P2010', { code: '23505' }))).toBe('UNIQUE_VIOLATION');
    expect(classifyPrismaError(prismaError('P2010', { code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe('TRANSACTION_CONFLICT');
  });

  test("Prisma's client-side refusal of a row is a constraint violation; anything else is left alone", () => {
    const validation = Object.assign(new Error('Argument `email` is missing.'), {
      name: 'PrismaClientValidationError',
    });
    expect(classifyPrismaError(validation)).toBe('CONSTRAINT_VIOLATION');
    expect(classifyPrismaError(prismaError('P2025'))).toBeUndefined();
    expect(classifyPrismaError(new Error('boom'))).toBeUndefined();
    expect(classifyPrismaError('not an error')).toBeUndefined();
  });
});

describe('prismaPort', () => {
  /** A client that records where each statement ran: on the client itself, or in a transaction. */
  function recordingClient() {
    const ran: string[] = [];
    const queryable = (where: string): PrismaQueryable => ({
      $queryRawUnsafe: async <T>(sql: string) => {
        ran.push(`${where}: ${sql}`);
        return [] as T;
      },
      $executeRawUnsafe: async (sql: string) => {
        ran.push(`${where}: ${sql}`);
        return 1;
      },
    });
    const options: unknown[] = [];
    const client: PrismaClientLike = {
      ...queryable('client'),
      $transaction: (fn, given) => {
        options.push(given);
        return fn(queryable('tx'));
      },
    };
    return { client, ran, options };
  }

  test('statements outside a transaction go to the client, except on SQLite; transactions get the options', async () => {
    const transactionOptions = { maxWait: 1, timeout: 2, isolationLevel: 'ReadCommitted' as const };
    for (const provider of ['postgresql', 'mysql', 'sqlite'] as const) {
      const { client, ran, options } = recordingClient();
      const port = prismaPort(client, provider, transactionOptions);
      expect(port.dialect).toBe(provider);
      await port.query('SELECT 1', []);
      expect(await port.execute('DELETE 1', [])).toBe(1);
      await port.transaction(async (session, tx) => {
        await session.query('SELECT 2', []);
        expect(tx).toHaveProperty('$queryRawUnsafe');
      });
      const outside = provider === 'sqlite' ? 'tx' : 'client';
      expect(ran).toEqual([`${outside}: SELECT 1`, `${outside}: DELETE 1`, 'tx: SELECT 2']);
      expect(options.every((given) => given === transactionOptions)).toBe(true);
    }
  });
});
