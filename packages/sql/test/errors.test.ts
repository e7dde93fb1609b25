import { AdapterError } from '@scim/core/adapter';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { type SqlPort, translateSqlError } from '../src/index.js';
import { type DriverName, openDatabase } from './support/drivers.js';

/** The error a statement throws. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('the statement did not fail');
}

function expectTranslated(error: unknown, code: string): AdapterError {
  const translated = translateSqlError(error);
  expect(translated).toBeInstanceOf(AdapterError);
  expect((translated as AdapterError).code).toBe(code);
  expect((translated as AdapterError).cause).toBe(error);
  return translated as AdapterError;
}

const SECRET = 'very-private@example.com';

/** A table with a unique and a NOT NULL column, and the errors each violation gives on this driver. */
async function violations(port: SqlPort) {
  const text = port.dialect === 'mysql' ? 'VARCHAR(191)' : 'TEXT';
  const p = (n: number) => (port.dialect === 'postgresql' ? `$${n}` : '?');
  await port.execute(`CREATE TABLE IF NOT EXISTS errors_probe (email ${text} NOT NULL UNIQUE, name ${text})`, []);
  await port.execute(`INSERT INTO errors_probe (email, name) VALUES (${p(1)}, ${p(2)})`, [SECRET, 'a']);
  return {
    unique: await failure(() =>
      port.execute(`INSERT INTO errors_probe (email, name) VALUES (${p(1)}, ${p(2)})`, [SECRET, 'b']),
    ),
    notNull: await failure(() =>
      port.execute(`INSERT INTO errors_probe (email, name) VALUES (${p(1)}, ${p(2)})`, [null, 'c']),
    ),
  };
}

for (const driver of ['pg', 'pglite', 'mysql2', 'better-sqlite3', 'prisma-pg'] as DriverName[]) {
  const database = await openDatabase(driver, 'scim_sql_errors');
  if (typeof database === 'string') {
    test.skip(`${driver}: ${database}`, () => {});
    continue;
  }
  afterAll(() => database.close());
  describe(driver, () => {
    test("a unique violation and a NOT NULL violation become AdapterErrors that keep the driver's error and no value", async () => {
      const { unique, notNull } = await violations(database.port);
      const duplicate = expectTranslated(unique, 'UNIQUE_VIOLATION');
      expect(duplicate.message).not.toContain(SECRET);
      const refused = expectTranslated(notNull, 'CONSTRAINT_VIOLATION');
      // The driver's own message names the column.
      expect(refused.message).toMatch(/email/i);
    });
  });
}

describe('errors that are not the row', () => {
  test('a database that cannot be reached is STORAGE_FAILURE', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 5000,
    });
    const error = await failure(() => pool.query('SELECT 1'));
    await pool.end();
    expectTranslated(error, 'STORAGE_FAILURE');
  });

  test('a deadlock, a serialization failure, a lock wait timeout and a busy SQLite are conflicts; Prisma codes are read too', () => {
    const shaped = (fields: Record<string, unknown>) => Object.assign(new Error('driver said no'), fields);
    expectTranslated(shaped({ code: '40P01' }), 'TRANSACTION_CONFLICT');
    expectTranslated(shaped({ code: '40001' }), 'TRANSACTION_CONFLICT');
    expectTranslated(shaped({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }), 'TRANSACTION_CONFLICT');
    expectTranslated(shaped({ code: 'SQLITE_BUSY_SNAPSHOT' }), 'TRANSACTION_CONFLICT');
    expectTranslated(shaped({ code: 'P2034' }), 'TRANSACTION_CONFLICT');
    expectTranslated(
      shaped({ code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '23505' } } } }),
      'UNIQUE_VIOLATION',
    );
    expectTranslated(
      shaped({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'NullConstraintViolation' } } } }),
      'CONSTRAINT_VIOLATION',
    );
    // Wrapped by an ORM: the cause is read.
    expectTranslated(new Error('query failed', { cause: shaped({ code: '23502' }) }), 'CONSTRAINT_VIOLATION');
  });

  test('an error no classifier knows, and an error of the SDK, come back as they are', () => {
    const plain = new Error('syntax error at or near "SELEC"');
    expect(translateSqlError(plain)).toBe(plain);
    const sdk = new AdapterError('NOT_FOUND', 'gone');
    expect(translateSqlError(sdk)).toBe(sdk);
    const custom = Object.assign(new Error('custom'), { kind: 'busy' });
    expect(
      (
        translateSqlError(custom, (e) =>
          (e as { kind?: string }).kind === 'busy' ? 'TRANSACTION_CONFLICT' : undefined,
        ) as AdapterError
      ).code,
    ).toBe('TRANSACTION_CONFLICT');
  });
});
