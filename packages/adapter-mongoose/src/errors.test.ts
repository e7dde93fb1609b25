import { createRequire } from 'node:module';
import { UserRejection } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { type BulkWriteResult, MongoBulkWriteError, MongoServerError, type WriteError } from 'mongodb';
import mongoose from 'mongoose';
import { describe, expect, test } from 'vitest';
import {
  duplicateKeyIndexes,
  hasErrorLabel,
  isDuplicateKeyError,
  isTransientConflict,
  translateMongoError,
} from './errors.js';

// The driver builds these two itself and does not export them from its index; the real classes
// are taken from the module that defines them, so the errors below are exactly what it throws.
const bulk = createRequire(import.meta.url)('mongodb/lib/bulk/common.js') as {
  WriteError: new (error: { index: number; code: number; errmsg: string; errInfo: object; op: object }) => WriteError;
  BulkWriteResult: new (raw: object, ordered: boolean) => BulkWriteResult;
};

function serverError(code: number, labels: string[] = []): MongoServerError {
  const error = new MongoServerError({ message: `server error ${code}`, code, errmsg: `server error ${code}` });
  for (const label of labels) error.addErrorLabel(label);
  return error;
}

/** A bulk write error as the driver builds it from the server's answer to an unordered bulk write. */
function bulkError(writeErrors: { index: number; code: number }[], writeConcernError = false): MongoBulkWriteError {
  const raw = {
    ok: 1,
    writeErrors: writeErrors.map((w) => new bulk.WriteError({ ...w, errmsg: `E${w.code}`, errInfo: {}, op: {} })),
    writeConcernErrors: [],
    insertedIds: [],
    nInserted: 0,
    nUpserted: 0,
    nMatched: 0,
    nModified: 0,
    nRemoved: 0,
    upserted: [],
  };
  const error = new MongoBulkWriteError(
    { message: 'bulk write failed', code: writeErrors[0]?.code ?? 1, writeErrors: raw.writeErrors },
    new bulk.BulkWriteResult(raw, false),
  );
  if (writeConcernError) Object.assign(error, { writeConcernError: { code: 64, errmsg: 'waiting for replication' } });
  return error;
}

describe('translateMongoError', () => {
  test('a duplicate key (E11000) becomes UNIQUE_VIOLATION with the driver error as cause', () => {
    const original = serverError(11000);
    const translated = translateMongoError(original);
    expect(translated).toBeInstanceOf(AdapterError);
    expect(translated).toMatchObject({ code: 'UNIQUE_VIOLATION', cause: original, retryable: false });
    expect((translated as Error).stack).toContain('AdapterError');
  });

  test('a bulk write refused with E11000 becomes UNIQUE_VIOLATION', () => {
    expect(translateMongoError(bulkError([{ index: 3, code: 11000 }]))).toMatchObject({ code: 'UNIQUE_VIOLATION' });
  });

  test('write conflicts and transient transaction errors become TRANSACTION_CONFLICT, retryable', () => {
    for (const error of [serverError(112), serverError(24), serverError(2, ['TransientTransactionError'])]) {
      expect(translateMongoError(error)).toMatchObject({ code: 'TRANSACTION_CONFLICT', retryable: true, cause: error });
    }
  });

  test('a duplicate key inside an aborted transaction is a conflict first (the engine retries it)', () => {
    expect(translateMongoError(serverError(11000, ['TransientTransactionError']))).toMatchObject({
      code: 'TRANSACTION_CONFLICT',
    });
  });

  test('anything else comes back untouched, to be rethrown', () => {
    const plain = new TypeError('boom');
    const unknown = serverError(2);
    expect(translateMongoError(unknown)).toBe(unknown);
    expect(translateMongoError(plain)).toBe(plain);
    expect(translateMongoError('text')).toBe('text');
    expect(translateMongoError(null)).toBeNull();
  });

  test('an AdapterError, and a UserRejection of the app even with a driver error as cause, pass through as they are', () => {
    const error = new AdapterError('NOT_FOUND', 'gone');
    expect(translateMongoError(error)).toBe(error);
    const rejection = new UserRejection('the app refuses this user', { cause: serverError(11000) });
    expect(translateMongoError(rejection)).toBe(rejection);
  });

  test("documents Mongoose or the server's validator refuse become CONSTRAINT_VIOLATION, the error kept", async () => {
    const Strict = mongoose
      .createConnection()
      .model('StrictForErrors', new mongoose.Schema({ email: { type: String, required: true }, age: Number }));
    const missing = await new Strict({ age: 3 }).validate().then(
      () => null,
      (error: unknown) => error,
    );
    const cast = await new Strict({ email: 'a@example.com', age: 'many' }).validate().then(
      () => null,
      (error: unknown) => error,
    );
    for (const error of [missing, cast, serverError(121), bulkError([{ index: 0, code: 121 }])]) {
      expect(error).toBeInstanceOf(Error);
      expect(translateMongoError(error)).toMatchObject({ code: 'CONSTRAINT_VIOLATION', cause: error });
    }
    expect(String((translateMongoError(missing) as Error).message)).toMatch(/email/);
  });
});

describe('duplicate key detection', () => {
  test('codes 11000, 11001 and 12582 are duplicate keys; others are not', () => {
    expect(isDuplicateKeyError(serverError(11000))).toBe(true);
    expect(isDuplicateKeyError(serverError(11001))).toBe(true);
    expect(isDuplicateKeyError(serverError(12582))).toBe(true);
    expect(isDuplicateKeyError(serverError(112))).toBe(false);
    expect(isDuplicateKeyError(new Error('E11000 in a message only'))).toBe(false);
  });

  test('duplicateKeyIndexes gives the refused positions of a bulk write', () => {
    expect(
      duplicateKeyIndexes(
        bulkError([
          { index: 0, code: 11000 },
          { index: 4, code: 11000 },
        ]),
      ),
    ).toEqual(new Set([0, 4]));
  });

  test('duplicateKeyIndexes is null when anything else went wrong too', () => {
    expect(
      duplicateKeyIndexes(
        bulkError([
          { index: 0, code: 11000 },
          { index: 1, code: 121 },
        ]),
      ),
    ).toBeNull();
    expect(duplicateKeyIndexes(bulkError([{ index: 0, code: 11000 }], true))).toBeNull();
    expect(duplicateKeyIndexes(serverError(11000))).toBeNull();
    expect(duplicateKeyIndexes(new Error('x'))).toBeNull();
  });
});

describe('labels', () => {
  test('labels are read from the driver error, and from a plain errorLabels array', () => {
    expect(hasErrorLabel(serverError(1, ['UnknownTransactionCommitResult']), 'UnknownTransactionCommitResult')).toBe(
      true,
    );
    expect(hasErrorLabel({ errorLabels: ['TransientTransactionError'] }, 'TransientTransactionError')).toBe(true);
    expect(hasErrorLabel(serverError(1), 'TransientTransactionError')).toBe(false);
    expect(isTransientConflict({ errorLabels: ['TransientTransactionError'] })).toBe(true);
    expect(isTransientConflict(undefined)).toBe(false);
  });
});
