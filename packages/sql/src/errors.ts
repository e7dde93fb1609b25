import { isScimError } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import type { SqlErrorKind } from './port.js';

const POSTGRES: Record<string, SqlErrorKind> = {
  '23505': 'UNIQUE_VIOLATION',
  // NOT NULL, CHECK, foreign key, exclusion, value too long: the row itself is refused, a retry changes nothing.
  '23502': 'CONSTRAINT_VIOLATION',
  '23514': 'CONSTRAINT_VIOLATION',
  '23503': 'CONSTRAINT_VIOLATION',
  '23P01': 'CONSTRAINT_VIOLATION',
  '22001': 'CONSTRAINT_VIOLATION',
  // Serialization failure, deadlock, lock not available.
  '40001': 'TRANSACTION_CONFLICT',
  '40P01': 'TRANSACTION_CONFLICT',
  '55P03': 'TRANSACTION_CONFLICT',
  // Shutting down, cannot connect now, too many connections.
  '57P01': 'STORAGE_FAILURE',
  '57P02': 'STORAGE_FAILURE',
  '57P03': 'STORAGE_FAILURE',
  '53300': 'STORAGE_FAILURE',
};
const MYSQL: Record<number, SqlErrorKind> = {
  1062: 'UNIQUE_VIOLATION',
  // Column cannot be null, no default, CHECK (MySQL 3819, MariaDB 4025), foreign key (child, parent), too long.
  1048: 'CONSTRAINT_VIOLATION',
  1364: 'CONSTRAINT_VIOLATION',
  3819: 'CONSTRAINT_VIOLATION',
  4025: 'CONSTRAINT_VIOLATION',
  1451: 'CONSTRAINT_VIOLATION',
  1452: 'CONSTRAINT_VIOLATION',
  1406: 'CONSTRAINT_VIOLATION',
  // Deadlock, lock wait timeout.
  1213: 'TRANSACTION_CONFLICT',
  1205: 'TRANSACTION_CONFLICT',
  // Server gone away, connection lost.
  2006: 'STORAGE_FAILURE',
  2013: 'STORAGE_FAILURE',
};
const SQLITE: Record<string, SqlErrorKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_NOTNULL: 'CONSTRAINT_VIOLATION',
  SQLITE_CONSTRAINT_CHECK: 'CONSTRAINT_VIOLATION',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'CONSTRAINT_VIOLATION',
  SQLITE_BUSY: 'TRANSACTION_CONFLICT',
  SQLITE_BUSY_SNAPSHOT: 'TRANSACTION_CONFLICT',
  SQLITE_LOCKED: 'TRANSACTION_CONFLICT',
};
// Prisma's own codes, and the kinds of its driver adapters' errors, for ports over Prisma's raw queries.
const PRISMA: Record<string, SqlErrorKind> = {
  P2002: 'UNIQUE_VIOLATION',
  P2000: 'CONSTRAINT_VIOLATION',
  P2003: 'CONSTRAINT_VIOLATION',
  P2004: 'CONSTRAINT_VIOLATION',
  P2011: 'CONSTRAINT_VIOLATION',
  P2034: 'TRANSACTION_CONFLICT',
};
const PRISMA_KINDS: Record<string, SqlErrorKind> = {
  UniqueConstraintViolation: 'UNIQUE_VIOLATION',
  NullConstraintViolation: 'CONSTRAINT_VIOLATION',
  ForeignKeyConstraintViolation: 'CONSTRAINT_VIOLATION',
  LengthMismatch: 'CONSTRAINT_VIOLATION',
  RestrictViolation: 'CONSTRAINT_VIOLATION',
  TransactionWriteConflict: 'TRANSACTION_CONFLICT',
};

interface DriverAdapterCause {
  kind?: unknown;
  originalCode?: unknown;
  originalMessage?: unknown;
}

/** The driver adapter's error under a Prisma error (`meta.driverAdapterError.cause`), if there is one. */
function driverAdapterCause(error: unknown): DriverAdapterCause | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: DriverAdapterCause } } }).meta;
  return meta?.driverAdapterError?.cause;
}
const CONNECTION = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

const MESSAGES: Record<SqlErrorKind, string> = {
  UNIQUE_VIOLATION: 'unique constraint violated',
  CONSTRAINT_VIOLATION: 'the database refused the row (NOT NULL, CHECK, foreign key or length constraint)',
  TRANSACTION_CONFLICT: 'transaction conflict (serialization failure, deadlock or lock timeout)',
  STORAGE_FAILURE: 'the database could not be reached',
};

function kindOfCode(code: unknown, errno: unknown): SqlErrorKind | undefined {
  if (typeof errno === 'number' && typeof code === 'string' && code.startsWith('ER_')) return MYSQL[errno];
  if (typeof code === 'number') return MYSQL[code];
  if (typeof code !== 'string') return undefined;
  const known = POSTGRES[code] ?? SQLITE[code] ?? PRISMA[code];
  if (known !== undefined) return known;
  if (code.startsWith('SQLITE_BUSY')) return 'TRANSACTION_CONFLICT';
  if (/^\d+$/.test(code)) return MYSQL[Number(code)];
  if (CONNECTION.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return 'STORAGE_FAILURE';
  return undefined;
}

function kindOf(error: unknown): SqlErrorKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  // A driver adapter's error under Prisma's is the more exact one.
  const cause = driverAdapterCause(error);
  const byKind = typeof cause?.kind === 'string' ? PRISMA_KINDS[cause.kind] : undefined;
  return kindOfCode(cause?.originalCode, undefined) ?? byKind ?? kindOfCode(code, errno);
}

/** The first error of the chain (`error`, its `cause`, ...) a classifier recognises. */
function recognise(
  error: unknown,
  classify: ((error: unknown) => SqlErrorKind | undefined) | undefined,
): { kind: SqlErrorKind; driverError: unknown } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const kind = classify?.(current) ?? kindOf(current);
    if (kind !== undefined) return { kind, driverError: current };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * What the refused row's error says, without the row's values: the first line of the driver's message
 * (which names the column or constraint), except MySQL's duplicate entry, which quotes the value and is
 * cut down to the key's name.
 */
function detail(kind: SqlErrorKind, driverError: unknown): string {
  if (kind !== 'UNIQUE_VIOLATION' && kind !== 'CONSTRAINT_VIOLATION') return '';
  const original = driverAdapterCause(driverError)?.originalMessage;
  const full = typeof original === 'string' ? original : driverError instanceof Error ? driverError.message : '';
  const message = full.split('\n')[0] ?? '';
  if (/^Duplicate entry/i.test(message)) {
    const key = /for key '([^']+)'/.exec(message)?.[1];
    return key === undefined ? '' : `key ${key}`;
  }
  return message.slice(0, 200);
}

/**
 * A database error as the engine understands it: an `AdapterError` with the driver's error as `cause`
 * (`UNIQUE_VIOLATION` and `CONSTRAINT_VIOLATION` are permanent for the row, `TRANSACTION_CONFLICT` is
 * retried, `STORAGE_FAILURE` means the database could not be reached). An error of the SDK (an
 * `AdapterError`, or a `UserRejection` the app's own function threw) and an error no classifier
 * recognises come back unchanged, to be rethrown as they are.
 */
export function translateSqlError(error: unknown, classify?: (error: unknown) => SqlErrorKind | undefined): unknown {
  if (isScimError(error)) return error;
  const recognised = recognise(error, classify);
  if (recognised === undefined) return error;
  const { kind, driverError } = recognised;
  const more = detail(kind, driverError);
  return new AdapterError(kind, more === '' ? MESSAGES[kind] : `${MESSAGES[kind]}: ${more}`, { cause: error });
}

/** Whether `error` (or one of its causes) is a unique violation: an expected answer in a few statements. */
export function isUniqueViolation(error: unknown, classify?: (error: unknown) => SqlErrorKind | undefined): boolean {
  if (error instanceof AdapterError) return error.code === 'UNIQUE_VIOLATION';
  return recognise(error, classify)?.kind === 'UNIQUE_VIOLATION';
}
