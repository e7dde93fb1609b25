/**
 * Stable error codes. A code never changes meaning once published; new ones may be added.
 */
export type ScimErrorCode =
  | 'INVALID_SIGNATURE'
  | 'INVALID_PAYLOAD'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFIGURATION_ERROR'
  | 'UNIQUE_VIOLATION'
  | 'CONSTRAINT_VIOLATION'
  | 'USER_REJECTED'
  | 'NOT_REPLAYABLE'
  | 'NOT_FOUND'
  | 'TRANSACTION_CONFLICT'
  | 'STORAGE_FAILURE'
  | 'SYNC_GUARD'
  | 'SYNC_LOCKED'
  | 'SYNC_ABORTED'
  | 'DIRECTORY_API_FAILURE';

export interface ScimErrorOptions {
  cause?: unknown;
  /** HTTP status this error maps to, where it has one. */
  status?: number;
  /** Whether retrying the same operation later can succeed. */
  retryable?: boolean;
}

/**
 * The one error base class of the SDK. Adapters and bindings throw subclasses or instances of it
 * with a stable `code`; the original error stays reachable as `cause` and the stack is kept.
 */
export class ScimError extends Error {
  readonly code: ScimErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(code: ScimErrorCode, message: string, options: ScimErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScimError';
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** Raised by storage adapters; `code` tells the core how to react. */
export class AdapterError extends ScimError {
  constructor(
    code: Extract<
      ScimErrorCode,
      'UNIQUE_VIOLATION' | 'CONSTRAINT_VIOLATION' | 'NOT_FOUND' | 'TRANSACTION_CONFLICT' | 'STORAGE_FAILURE'
    >,
    message: string,
    options: ScimErrorOptions = {},
  ) {
    super(code, message, { retryable: code === 'TRANSACTION_CONFLICT', ...options });
    this.name = 'AdapterError';
  }
}

export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError;
}

/**
 * Thrown by the app's user functions (or a table mapping's `fields`) to refuse a directory user for good:
 * a redelivery cannot fix it (a required field missing, a policy of the app). The engine records the
 * change as rejected with this message as its reason, writes nothing else of it, acknowledges the
 * delivery, and lets it be replayed once the app is fixed.
 *
 * ```ts
 * if (!user.email) throw new UserRejection('a user needs an email address');
 * ```
 */
export class UserRejection extends ScimError {
  constructor(reason: string, options: Omit<ScimErrorOptions, 'retryable' | 'status'> = {}) {
    super('USER_REJECTED', reason, { ...options, retryable: false });
    this.name = 'UserRejection';
  }
}

/**
 * A failure no retry of the same change can fix: the app refused the user, or the database refused the
 * row (a NOT NULL, CHECK or foreign key constraint, a value too long, a duplicate of a unique value).
 */
export function isPermanentFailure(error: unknown): boolean {
  return (
    isScimError(error) &&
    (error.code === 'USER_REJECTED' || error.code === 'CONSTRAINT_VIOLATION' || error.code === 'UNIQUE_VIOLATION')
  );
}
