import { isScimError } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';

interface DriverAdapterCause {
  kind?: string;
  originalCode?: string;
  originalMessage?: string;
}

/** The shape of Prisma's known request errors (checked structurally: they live in the client's runtime). */
interface PrismaLikeError {
  code: string;
  message: string;
  /** `driverAdapterError` under Prisma 7 and driver adapters; `code` (the database's) under Prisma 6's raw query errors. */
  meta?: { driverAdapterError?: { cause?: DriverAdapterCause }; code?: unknown };
}

function isPrismaLikeError(error: unknown): error is PrismaLikeError {
  if (!(error instanceof Error)) return false;
  const { code } = error as Error & { code?: unknown };
  return typeof code === 'string' && /^P\d{4}$/.test(code);
}

/** Serialization failures, deadlocks and lock timeouts: the engine retries these. */
const CONFLICT_CODES = new Set(['40001', '40P01', '55P03', '1213', '1205', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const UNIQUE_CODES = new Set(['23505', '1062', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
/**
 * The row itself is refused, a retry changes nothing: Prisma's null-constraint (P2011), value-too-long
 * (P2000), foreign-key (P2003) and database-constraint (P2004) errors, and the drivers' codes behind a raw
 * query (NOT NULL, CHECK, foreign key, too long; MariaDB reports CHECK as 4025, MySQL as 3819).
 */
const CONSTRAINT_PRISMA_CODES = new Set(['P2011', 'P2000', 'P2003', 'P2004']);
const CONSTRAINT_KINDS = new Set([
  'NullConstraintViolation',
  'ForeignKeyConstraintViolation',
  'LengthMismatch',
  'RestrictViolation',
]);
const CONSTRAINT_CODES = new Set([
  '23502',
  '23514',
  '23503',
  '22001',
  '1048',
  '1364',
  '3819',
  '4025',
  '1451',
  '1452',
  '1406',
  'SQLITE_CONSTRAINT_NOTNULL',
  'SQLITE_CONSTRAINT_CHECK',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);

/**
 * Prisma's client-side check of a model call's data: a required field missing (`createMany` of a row whose
 * NOT NULL field the mapping left undefined) or given null. The same row is refused on every retry.
 */
function isValidationError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'PrismaClientValidationError';
}

/** The last line of a Prisma message: its first lines quote the call, the last says what is wrong. */
function lastLine(message: string): string {
  return (message.trim().split('\n').filter(Boolean).at(-1) ?? '').slice(0, 200);
}

/**
 * What the database said about a refused row, naming the column or constraint: the driver's own message
 * when Prisma kept it, else the last line of Prisma's (its first lines quote the call).
 */
function refusal(error: PrismaLikeError, cause: DriverAdapterCause | undefined): string {
  return cause?.originalMessage?.slice(0, 200) ?? lastLine(error.message);
}

/**
 * Turns a Prisma or driver error into an `AdapterError` the engine understands, keeping the original
 * as `cause`. Errors it does not recognise come back unchanged, to be rethrown as they are, and so does
 * every error of the SDK (an `AdapterError`, or a `UserRejection` the app's own function threw).
 */
export function translateError(error: unknown, action: string): unknown {
  if (isScimError(error)) return error;
  if (isValidationError(error)) {
    return new AdapterError('CONSTRAINT_VIOLATION', `${action}: Prisma refused the row: ${lastLine(error.message)}`, {
      cause: error,
    });
  }
  if (!isPrismaLikeError(error)) return error;
  const cause = error.meta?.driverAdapterError?.cause;
  const metaCode = error.meta?.code;
  const original = cause?.originalCode ?? (typeof metaCode === 'string' ? metaCode : '');
  if (
    error.code === 'P2034' ||
    cause?.kind === 'TransactionWriteConflict' ||
    CONFLICT_CODES.has(original) ||
    original.startsWith('SQLITE_BUSY')
  ) {
    return new AdapterError('TRANSACTION_CONFLICT', `${action}: transaction conflict`, { cause: error });
  }
  if (error.code === 'P2002' || cause?.kind === 'UniqueConstraintViolation' || UNIQUE_CODES.has(original)) {
    return new AdapterError('UNIQUE_VIOLATION', `${action}: unique constraint violated`, { cause: error });
  }
  if (
    CONSTRAINT_PRISMA_CODES.has(error.code) ||
    (cause?.kind !== undefined && CONSTRAINT_KINDS.has(cause.kind)) ||
    CONSTRAINT_CODES.has(original)
  ) {
    return new AdapterError(
      'CONSTRAINT_VIOLATION',
      `${action}: the database refused the row: ${refusal(error, cause)}`,
      {
        cause: error,
      },
    );
  }
  if (error.code === 'P2025') {
    return new AdapterError('NOT_FOUND', `${action}: record not found`, { cause: error });
  }
  return error;
}
