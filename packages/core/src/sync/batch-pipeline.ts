/**
 * Runs batches with at most `limit` of them in flight. The first failure stops it: the next
 * `submit`, and `drain`, wait until every started batch has settled, then throw that failure.
 * Batches started before the failure still finish (a transaction that is committing cannot be
 * called back); whatever they committed stays committed.
 */
export class BatchPipeline {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Waits for a free slot, then starts `batch` and resolves (without waiting for it to finish). */
  async submit(batch: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit && this.failure === undefined) await Promise.race(this.running);
    if (this.failure !== undefined) return this.drain();
    const running: Promise<void> = Promise.resolve()
      .then(batch)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Waits for every started batch to settle; throws the first failure, if any. */
  async drain(): Promise<void> {
    await this.settle();
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** Waits for every started batch to settle, whatever their outcome. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
