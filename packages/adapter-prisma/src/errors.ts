import { isScimError } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';

interface DriverAdapterCause {
  kind?: string;
  originalCode?: string;
}

/** The shape of Prisma's known request errors (checked structurally: they live in the client's runtime). */
interface PrismaLikeError {
  code: string;
  message: string;
  meta?: { driverAdapterError?: { cause?: DriverAdapterCause } };
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
 * Turns a Prisma or driver error into an `AdapterError` the engine understands, keeping the original
 * as `cause`. Errors it does not recognise come back unchanged, to be rethrown as they are.
 */
export function translateError(error: unknown, action: string): unknown {
  if (isScimError(error) || !isPrismaLikeError(error)) return error;
  const cause = error.meta?.driverAdapterError?.cause;
  const original = cause?.originalCode ?? '';
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
  if (error.code === 'P2025') {
    return new AdapterError('NOT_FOUND', `${action}: record not found`, { cause: error });
  }
  return error;
}

/** True for a unique violation raised by the driver (used where a duplicate is an expected answer). */
export function isUniqueViolation(error: unknown): boolean {
  const translated = translateError(error, '');
  return translated instanceof AdapterError && translated.code === 'UNIQUE_VIOLATION';
}
