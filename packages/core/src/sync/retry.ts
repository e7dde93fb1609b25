import { ScimError } from '../errors.js';

// gRPC status codes worth retrying: the call may succeed later unchanged.
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const ABORTED = 10;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;
const RETRYABLE_GRPC = new Set([DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE, UNAUTHENTICATED]);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']);

const GRPC_NAMES: readonly GrpcStatusName[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** A gRPC status, by the name the gRPC specification gives it. */
export type GrpcStatusName =
  | 'OK'
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/**
 * The gRPC status of a Directory API failure: the SDK's `grpcStatus`, a `ConnectError`'s numeric
 * `code`, or, for the token call the SDK lets escape as a raw HTTP error, its HTTP status (401/403).
 */
export function grpcStatusOf(error: unknown): GrpcStatusName | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const e = current as { grpcStatus?: unknown; code?: unknown; status?: unknown; response?: { status?: unknown } };
    const numeric = typeof e.grpcStatus === 'number' ? e.grpcStatus : typeof e.code === 'number' ? e.code : undefined;
    if (numeric !== undefined && GRPC_NAMES[numeric] !== undefined) return GRPC_NAMES[numeric];
    const http = typeof e.response?.status === 'number' ? e.response.status : e.status;
    if (http === 401) return 'UNAUTHENTICATED';
    if (http === 403) return 'PERMISSION_DENIED';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A Directory API call that failed for good (or after its retries), with the gRPC status it ended on. */
export class DirectoryApiError extends ScimError {
  readonly grpcStatus: GrpcStatusName | undefined;

  constructor(cause: unknown, retryable: boolean) {
    const status = grpcStatusOf(cause);
    super(
      'DIRECTORY_API_FAILURE',
      status === undefined ? 'The Directory API call failed' : `The Directory API call failed: ${status}`,
      { cause, retryable },
    );
    this.name = 'DirectoryApiError';
    this.grpcStatus = status;
  }
}

/**
 * Whether a Directory API failure is transient. The SDK retries Unavailable and Unauthenticated
 * itself, a few times; it never retries ResourceExhausted (rate limits), so that is ours to do.
 */
export function isRetryableApiError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { grpcStatus?: unknown; code?: unknown; cause?: unknown; error?: unknown };
  if (typeof e.grpcStatus === 'number') return RETRYABLE_GRPC.has(e.grpcStatus);
  if (typeof e.code === 'number') return RETRYABLE_GRPC.has(e.code);
  if (typeof e.code === 'string' && RETRYABLE_NETWORK.has(e.code)) return true;
  return e.cause !== undefined && e.cause !== error ? isRetryableApiError(e.cause) : false;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): ScimError {
  return new ScimError('SYNC_ABORTED', 'The sync was aborted', { cause: signal.reason });
}

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  signal?: AbortSignal;
  onRetry: (attempt: number, error: unknown) => void;
}

/** Calls `fn`, retrying transient failures with capped exponential backoff and full jitter. */
export async function withRetries<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (policy.signal?.aborted) throw abortError(policy.signal);
    try {
      return await fn();
    } catch (error) {
      if (attempt >= policy.maxRetries || !isRetryableApiError(error)) {
        throw new DirectoryApiError(error, isRetryableApiError(error));
      }
      policy.onRetry(attempt + 1, error);
      const cap = Math.min(policy.baseMs * 2 ** attempt, 30_000);
      await sleep(cap / 2 + Math.random() * (cap / 2), policy.signal);
    }
  }
}
