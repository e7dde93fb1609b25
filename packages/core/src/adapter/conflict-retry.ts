import { isScimError } from '../errors.js';

export interface ConflictRetryOptions {
  /** How many times the unit of work runs again after a conflict. */
  retries: number;
  /** Stops waiting between attempts; the abort reason is thrown. */
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: unknown) => void;
}

/** A transaction that lost a race (deadlock, serialization failure, lock timeout): running it again can succeed. */
export function isConflict(error: unknown): boolean {
  return isScimError(error) && error.code === 'TRANSACTION_CONFLICT';
}

/**
 * The one conflict-retry policy of the SDK, used by the dispatcher, the sync and the adapters: runs
 * `unit` (a whole transaction, so a retry cannot repeat anything half done) again after a conflict, up
 * to `retries` times, after a short random pause that grows with each attempt (so that the two sides of
 * a deadlock do not meet again at once). Any other error, and the last conflict, are thrown as they are.
 */
export function retryOnConflict<T>(unit: () => Promise<T>, options: ConflictRetryOptions): Promise<T> {
  // The first attempt, nearly always the only one, runs without a loop around it.
  let first: Promise<T>;
  try {
    first = unit();
  } catch (error) {
    first = Promise.reject(error);
  }
  return first.catch((error: unknown) => {
    if (!isConflict(error) || options.retries < 1) throw error;
    return retryAfterConflict(unit, options, error);
  });
}

async function retryAfterConflict<T>(
  unit: () => Promise<T>,
  options: ConflictRetryOptions,
  first: unknown,
): Promise<T> {
  options.onRetry?.(1, first);
  await pause(Math.random() * 5, options.signal);
  for (let attempt = 1; ; attempt++) {
    try {
      return await unit();
    } catch (error) {
      if (!isConflict(error) || attempt >= options.retries) throw error;
      options.onRetry?.(attempt + 1, error);
      await pause(Math.random() * 5 * 2 ** attempt, options.signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
