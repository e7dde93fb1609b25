import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.js';
import { isRetryableApiError, sleep, withRetries } from './retry.js';

describe('isRetryableApiError', () => {
  it('retries rate limits and transient gRPC failures, as the SDK reports them', () => {
    for (const grpcStatus of [4, 8, 10, 14, 16]) expect(isRetryableApiError({ grpcStatus })).toBe(true);
    for (const grpcStatus of [3, 5, 7, 9, 12, 13]) expect(isRetryableApiError({ grpcStatus })).toBe(false);
    expect(isRetryableApiError({ code: 8 })).toBe(true);
  });

  it('retries network failures, also when wrapped', () => {
    expect(isRetryableApiError({ code: 'ECONNRESET' })).toBe(true);
    expect(isRetryableApiError(new Error('wrapped', { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(isRetryableApiError(new Error('plain'))).toBe(false);
    expect(isRetryableApiError(null)).toBe(false);
  });
});

describe('withRetries', () => {
  it('retries a transient failure, then succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await withRetries(
      async () => {
        if (++calls < 3) throw { grpcStatus: 8 };
        return 'ok';
      },
      { maxRetries: 5, baseMs: 1, onRetry: (attempt) => retries.push(attempt) },
    );
    expect(value).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after maxRetries, and at once on a permanent failure', async () => {
    let calls = 0;
    const failing = withRetries(
      async () => {
        calls++;
        throw { grpcStatus: 14 };
      },
      { maxRetries: 2, baseMs: 1, onRetry: () => {} },
    );
    await expect(failing).rejects.toMatchObject({ code: 'DIRECTORY_API_FAILURE', retryable: true });
    expect(calls).toBe(3);
    calls = 0;
    const permanent = withRetries(
      async () => {
        calls++;
        throw { grpcStatus: 5 };
      },
      { maxRetries: 5, baseMs: 1, onRetry: () => {} },
    );
    await expect(permanent).rejects.toBeInstanceOf(ScimError);
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const pending = withRetries(
      async () => {
        throw { grpcStatus: 8 };
      },
      { maxRetries: 5, baseMs: 60_000, signal: controller.signal, onRetry: () => controller.abort() },
    );
    await expect(pending).rejects.toMatchObject({ code: 'SYNC_ABORTED' });
    await expect(sleep(10, AbortSignal.abort())).rejects.toMatchObject({ code: 'SYNC_ABORTED' });
  });
});
