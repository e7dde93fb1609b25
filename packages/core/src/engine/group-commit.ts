/** How many transactions a group commit runs at once, and how many items one of them takes at most. */
export interface GroupCommitLimits {
  concurrency: number;
  maxItems: number;
}

/** What a group commit does with a batch: commit it (never throwing), then settle it outside the slot. */
export interface GroupCommitSteps<T, R> {
  /** Commits the batch (items of one organization, in arrival order); must not throw. */
  commit(batch: T[]): Promise<R>;
  /** Answers the batch's callers (and runs what follows a commit), once its transaction slot is free. */
  settle(batch: T[], committed: R): Promise<void>;
}

/**
 * Group commit: at most `concurrency` transactions run at once. An item that finds nothing running starts
 * at once; while others run, items wait for the end of the current turn of the event loop, or for a free
 * transaction when all are busy; the next transaction takes the waiting items of the oldest one's
 * organization (up to `maxItems`), in arrival order. The store's calls are per organization, so a batch of
 * one organization needs a single call per step however many items it holds.
 */
export class GroupCommit<T, R> {
  private queue: { organizationId: string; item: T }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly limits: GroupCommitLimits,
    private readonly steps: GroupCommitSteps<T, R>,
  ) {}

  push(organizationId: string, item: T): void {
    this.queue.push({ organizationId, item });
    // Idle, the item starts at once; busy, it waits for the end of this turn.
    if (this.running === 0 && this.queue.length === 1 && !this.scheduled) this.pump();
    else this.schedule();
  }

  /**
   * While transactions are running, new ones start on the next turn of the event loop rather than at once:
   * the requests Node reads in the same turn (many, under load) then share one transaction.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.queue.length > 0) {
      this.running++;
      void this.run(this.take());
    }
  }

  private take(): T[] {
    const org = this.queue[0]!.organizationId;
    const batch: T[] = [];
    const rest: typeof this.queue = [];
    for (const queued of this.queue) {
      if (batch.length < this.limits.maxItems && queued.organizationId === org) batch.push(queued.item);
      else rest.push(queued);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: T[]): Promise<void> {
    let committed: R;
    try {
      committed = await this.steps.commit(batch);
    } finally {
      // The transaction slot is free once the commit is done; what follows runs outside it.
      this.running--;
      if (this.queue.length > 0) this.schedule();
    }
    await this.steps.settle(batch, committed);
  }
}
