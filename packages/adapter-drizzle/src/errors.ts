import { isScimError } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';

type Code = 'UNIQUE_VIOLATION' | 'CONSTRAINT_VIOLATION' | 'TRANSACTION_CONFLICT' | 'STORAGE_FAILURE';

const PG_CODES: Record<string, Code> = {
  '23505': 'UNIQUE_VIOLATION',
  // NOT NULL, CHECK, foreign key, value too long: the row itself is refused, a retry changes nothing.
  '23502': 'CONSTRAINT_VIOLATION',
  '23514': 'CONSTRAINT_VIOLATION',
  '23503': 'CONSTRAINT_VIOLATION',
  '22001': 'CONSTRAINT_VIOLATION',
  '40001': 'TRANSACTION_CONFLICT',
  '40P01': 'TRANSACTION_CONFLICT',
  '55P03': 'TRANSACTION_CONFLICT',
};
const MYSQL_ERRNOS: Record<number, Code> = {
  1062: 'UNIQUE_VIOLATION',
  // Column cannot be null, no default for a NOT NULL column, CHECK (MySQL 3819, MariaDB 4025), foreign
  // key (child and parent row), data too long.
  1048: 'CONSTRAINT_VIOLATION',
  1364: 'CONSTRAINT_VIOLATION',
  3819: 'CONSTRAINT_VIOLATION',
  4025: 'CONSTRAINT_VIOLATION',
  1451: 'CONSTRAINT_VIOLATION',
  1452: 'CONSTRAINT_VIOLATION',
  1406: 'CONSTRAINT_VIOLATION',
  1213: 'TRANSACTION_CONFLICT',
  1205: 'TRANSACTION_CONFLICT',
};
const SQLITE_CODES: Record<string, Code> = {
  SQLITE_CONSTRAINT_UNIQUE: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_NOTNULL: 'CONSTRAINT_VIOLATION',
  SQLITE_CONSTRAINT_CHECK: 'CONSTRAINT_VIOLATION',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'CONSTRAINT_VIOLATION',
  SQLITE_BUSY: 'TRANSACTION_CONFLICT',
  SQLITE_BUSY_SNAPSHOT: 'TRANSACTION_CONFLICT',
  SQLITE_LOCKED: 'TRANSACTION_CONFLICT',
};
// Losing the connection: the call may be retried once the database is back.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

const MESSAGES: Record<Code, string> = {
  UNIQUE_VIOLATION: 'unique constraint violated',
  CONSTRAINT_VIOLATION: 'the database refused the row (NOT NULL, CHECK, foreign key or length constraint)',
  TRANSACTION_CONFLICT: 'transaction conflict (serialization failure, deadlock or lock timeout)',
  STORAGE_FAILURE: 'database connection failed',
};

function codeOf(error: unknown): Code | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof errno === 'number' && typeof code === 'string' && code.startsWith('ER_')) return MYSQL_ERRNOS[errno];
  if (typeof code !== 'string') return undefined;
  if (code in PG_CODES) return PG_CODES[code];
  if (code in SQLITE_CODES) return SQLITE_CODES[code];
  if (CONNECTION_CODES.has(code) || /^08...$/.test(code)) return 'STORAGE_FAILURE';
  return undefined;
}

/**
 * The driver error behind `error`: Drizzle wraps driver errors in a `DrizzleQueryError` whose
 * `cause` is the driver's own error. Walks a few levels of `cause`.
 */
function recognise(error: unknown): { code: Code; driverError: unknown } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const code = codeOf(current);
    if (code !== undefined) return { code, driverError: current };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The driver's own message of a refused row, which names the column or constraint (`null value in column
 * "email" of relation "users"`, `Column 'email' cannot be null`, `NOT NULL constraint failed: users.email`)
 * and, unlike Drizzle's wrapper, quotes neither the statement nor its parameters.
 */
function driverMessage(driverError: unknown): string {
  const message = driverError instanceof Error ? driverError.message : '';
  return message.split('\n')[0]!.slice(0, 200);
}

/**
 * Translates a recognised driver error into an `AdapterError` (the original stays as `cause`);
 * returns anything else unchanged, so that the caller rethrows it. An error of the SDK (an
 * `AdapterError`, or a `UserRejection` the app's own function threw in the transaction) passes through
 * as it is, whatever its cause.
 */
export function translateError(error: unknown): unknown {
  if (isScimError(error)) return error;
  const recognised = recognise(error);
  if (recognised === undefined) return error;
  const { code, driverError } = recognised;
  const detail = code === 'CONSTRAINT_VIOLATION' ? driverMessage(driverError) : '';
  return new AdapterError(code, detail === '' ? MESSAGES[code] : `${MESSAGES[code]}: ${detail}`, { cause: error });
}

/** MySQL's duplicate-key error, behind Drizzle's wrapper. */
export function isMysqlDuplicate(error: unknown): boolean {
  return recognise(error)?.code === 'UNIQUE_VIOLATION';
}
