import { describe, expect, it } from 'vitest';
import { BatchPipeline } from './batch-pipeline.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets every promise that can move on do so (no timers are involved). */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchPipeline', () => {
  it('keeps at most `limit` batches in flight', async () => {
    const pipeline = new BatchPipeline(2);
    let running = 0;
    let most = 0;
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const submitted = (async () => {
      for (const gate of gates) {
        await pipeline.submit(async () => {
          running++;
          most = Math.max(most, running);
          await gate.promise;
          running--;
        });
      }
    })();
    await flush();
    expect(running).toBe(2);
    // Out of order: the second finishes first, and frees a slot for the third.
    gates[1]!.resolve();
    await flush();
    expect(running).toBe(2);
    for (const gate of gates) gate.resolve();
    await submitted;
    await pipeline.drain();
    expect(most).toBe(2);
    expect(running).toBe(0);
  });

  it('stops at the first failure, once the batches in flight have settled', async () => {
    const pipeline = new BatchPipeline(3);
    const slow = deferred();
    const failing = deferred();
    let slowDone = false;
    await pipeline.submit(async () => {
      await slow.promise;
      slowDone = true;
    });
    await pipeline.submit(() => failing.promise);
    await pipeline.submit(() => Promise.reject(new Error('second failure')));
    failing.reject(new Error('first failure'));
    await flush();
    let started = false;
    const next = pipeline.submit(async () => {
      started = true;
    });
    slow.resolve();
    await expect(next).rejects.toThrow(/failure/);
    expect(slowDone).toBe(true);
    expect(started).toBe(false);
  });

  it('reports the failure of a batch from drain', async () => {
    const pipeline = new BatchPipeline(2);
    await pipeline.submit(() => Promise.reject(new Error('boom')));
    await expect(pipeline.drain()).rejects.toThrow('boom');
  });
});
