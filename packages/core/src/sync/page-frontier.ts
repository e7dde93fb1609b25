/**
 * How many listed pages are wholly committed, when the pages' users are cut into batches that
 * commit out of order: a page counts once every batch holding one of its users has committed, and
 * so have all the pages before it. This is what the sync's checkpoint may move past: a resumed
 * sync skips exactly these pages, so it never skips a user that was not written.
 */
export class PageFrontier {
  /** Pages not yet wholly committed: their number and the count of users listed up to their end. */
  private readonly pages: { page: number; end: number }[] = [];
  /** The end (count of users listed up to it) of each batch not yet passed by the frontier. */
  private readonly batchEnds = new Map<number, number>();
  private readonly finished = new Set<number>();
  private listed = 0;
  private batched = 0;
  private batches = 0;
  /** Batches before this one have all committed. */
  private nextToCommit = 0;
  private committedUsers = 0;
  private committedPages: number;

  /** `committedPages`: the pages a resumed run starts after. */
  constructor(committedPages: number) {
    this.committedPages = committedPages;
  }

  /** Page `page` was listed with `users` users. */
  listPage(page: number, users: number): void {
    this.listed += users;
    this.pages.push({ page, end: this.listed });
  }

  /** A batch of the next `users` listed users, in listing order; returns its number. */
  startBatch(users: number): number {
    this.batched += users;
    if (this.batched > this.listed) throw new RangeError('a batch cannot hold users not listed yet');
    this.batchEnds.set(this.batches, this.batched);
    return this.batches++;
  }

  /** Batch `batch` committed. */
  commitBatch(batch: number): void {
    this.finished.add(batch);
    while (this.finished.delete(this.nextToCommit)) {
      this.committedUsers = this.batchEnds.get(this.nextToCommit)!;
      this.batchEnds.delete(this.nextToCommit);
      this.nextToCommit++;
    }
  }

  /** The pages, from the first, whose users have all committed. */
  committed(): number {
    while (this.pages.length > 0 && this.pages[0]!.end <= this.committedUsers) {
      this.committedPages = this.pages.shift()!.page;
    }
    return this.committedPages;
  }
}
