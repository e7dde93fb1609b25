/**
 * Stable error codes. A code never changes meaning once published; new ones may be added.
 */
export type ScimErrorCode =
  | 'INVALID_SIGNATURE'
  | 'INVALID_PAYLOAD'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFIGURATION_ERROR'
  | 'UNIQUE_VIOLATION'
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
    code: Extract<ScimErrorCode, 'UNIQUE_VIOLATION' | 'NOT_FOUND' | 'TRANSACTION_CONFLICT' | 'STORAGE_FAILURE'>,
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
