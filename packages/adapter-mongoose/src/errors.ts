import { isScimError } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';

/** E11000 and its legacy spellings (11001 on old servers, 12582 from mongos). */
const DUPLICATE_KEY_CODES = new Set([11000, 11001, 12582]);

/**
 * Server errors that mean "another writer got there first; run the whole thing again": write
 * conflicts, lock timeouts, a snapshot or transaction the server dropped. Most also carry the
 * `TransientTransactionError` label, which is checked as well.
 */
const CONFLICT_CODES = new Set([
  24, // LockTimeout
  112, // WriteConflict
  246, // SnapshotUnavailable
  251, // NoSuchTransaction (the server aborted it, e.g. after a conflict)
]);

interface ErrorShape {
  code?: unknown;
  errorLabels?: unknown;
  hasErrorLabel?: unknown;
  writeErrors?: unknown;
  writeConcernError?: unknown;
}

function shape(error: unknown): ErrorShape | null {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : null;
}

/** One write error of a bulk write: the driver's `WriteError` exposes `index` and `code` as getters. */
interface WriteErrorShape {
  index?: unknown;
  code?: unknown;
  err?: { index?: unknown; code?: unknown };
}

function writeErrorsOf(error: ErrorShape): WriteErrorShape[] {
  const { writeErrors } = error;
  if (Array.isArray(writeErrors)) return writeErrors as WriteErrorShape[];
  if (typeof writeErrors === 'object' && writeErrors !== null) return [writeErrors as WriteErrorShape];
  return [];
}

function codeOf(writeError: WriteErrorShape): unknown {
  return writeError.code ?? writeError.err?.code;
}

function indexOf(writeError: WriteErrorShape): unknown {
  return writeError.index ?? writeError.err?.index;
}

/** Whether a driver error carries an error label (`TransientTransactionError`, ...). */
export function hasErrorLabel(error: unknown, label: string): boolean {
  const e = shape(error);
  if (e === null) return false;
  if (typeof e.hasErrorLabel === 'function') {
    return (e.hasErrorLabel as (label: string) => boolean).call(e, label) === true;
  }
  return Array.isArray(e.errorLabels) && e.errorLabels.includes(label);
}

/** A duplicate-key error: a `MongoServerError` with code 11000, or a bulk write whose write errors are. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = shape(error);
  if (e === null) return false;
  if (typeof e.code === 'number' && DUPLICATE_KEY_CODES.has(e.code)) return true;
  return writeErrorsOf(e).some((w) => DUPLICATE_KEY_CODES.has(Number(codeOf(w))));
}

/** Whether retrying the whole unit of work (a transaction) can succeed. */
export function isTransientConflict(error: unknown): boolean {
  const e = shape(error);
  if (e === null) return false;
  if (hasErrorLabel(e, 'TransientTransactionError')) return true;
  return typeof e.code === 'number' && CONFLICT_CODES.has(e.code);
}

/**
 * The positions (in the operations sent) of the operations a bulk write refused with a duplicate
 * key, when that is ALL that went wrong. Null for any other error, which the caller rethrows.
 */
export function duplicateKeyIndexes(error: unknown): Set<number> | null {
  const e = shape(error);
  if (e === null || e.writeConcernError != null) return null;
  const writeErrors = writeErrorsOf(e);
  if (writeErrors.length === 0) return null;
  const indexes = new Set<number>();
  for (const writeError of writeErrors) {
    const index = indexOf(writeError);
    if (!DUPLICATE_KEY_CODES.has(Number(codeOf(writeError))) || typeof index !== 'number') return null;
    indexes.add(index);
  }
  return indexes;
}

/** The server's document validation (a collection's `$jsonSchema` validator) refused the write. */
const DOCUMENT_VALIDATION_FAILURE = 121;

/**
 * Mongoose's refusals of a value before it is sent: a value its schema cannot cast (`CastError`), a
 * failed validator (`ValidationError`), a path a strict schema does not have (`StrictModeError`), and the
 * operations of a bulk write that failed them (`MongooseBulkWriteError`). The same value fails every retry.
 */
const MONGOOSE_REFUSALS = new Set([
  'CastError',
  'ValidationError',
  'ValidatorError',
  'StrictModeError',
  'MongooseBulkWriteError',
]);

/** Whether the document itself was refused: the Mongo counterpart of a NOT NULL or CHECK violation. */
export function isValidationError(error: unknown): boolean {
  const e = shape(error);
  if (e === null) return false;
  if (error instanceof Error && MONGOOSE_REFUSALS.has(error.name)) return true;
  if (e.code === DOCUMENT_VALIDATION_FAILURE) return true;
  return writeErrorsOf(e).some((w) => Number(codeOf(w)) === DOCUMENT_VALIDATION_FAILURE);
}

/**
 * Translates a driver error into the `AdapterError` the core understands: duplicate keys into
 * `UNIQUE_VIOLATION`, write conflicts into `TRANSACTION_CONFLICT` (the engine retries those), a document
 * Mongoose or the server's validator refused into `CONSTRAINT_VIOLATION` (the change is recorded as
 * rejected). Anything else comes back as it was, to be rethrown untouched, and so does every error of
 * the SDK (an `AdapterError`, or a `UserRejection` the app's own function threw).
 */
export function translateMongoError(error: unknown): unknown {
  if (isScimError(error)) return error;
  if (isTransientConflict(error)) {
    return new AdapterError('TRANSACTION_CONFLICT', 'MongoDB reported a write conflict; retry the transaction', {
      cause: error,
    });
  }
  if (isDuplicateKeyError(error)) {
    return new AdapterError('UNIQUE_VIOLATION', 'A unique index refused the write (E11000 duplicate key)', {
      cause: error,
    });
  }
  if (isValidationError(error)) {
    const message = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : '';
    return new AdapterError('CONSTRAINT_VIOLATION', `The document was refused: ${message}`, { cause: error });
  }
  return error;
}
