import { translateSqlError } from '@scim/sql';
import { sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';

/** A drizzle SQLite database, of any driver (sync or async). */
export type SQLiteDb = BaseSQLiteDatabase<'sync' | 'async', unknown, Record<string, unknown>>;

/** How long a transaction waits for another connection's write lock before it reports a conflict. */
const LOCK_WAIT_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isBusy(error: unknown): boolean {
  const translated = translateSqlError(error);
  return translated !== error && (translated as { code?: string }).code === 'TRANSACTION_CONFLICT';
}

/**
 * Transactions on a SQLite database: one connection, so transactions of this process take turns
 * (interleaved statements of two async transactions would share one BEGIN). `BEGIN IMMEDIATE` takes
 * the write lock up front; while another connection holds it, the BEGIN is retried without blocking
 * the event loop (a driver's busy timeout would block it, synchronous drivers wait in place), and a
 * lock still held after `LOCK_WAIT_MS` is reported as a conflict, which the engine retries.
 */
export class SQLiteTransactions {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: SQLiteDb) {}

  /** Runs `fn` in a transaction of its own, after those queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue(() => this.once(fn));
  }

  /** Runs `fn` (statements outside any transaction) between two transactions, never inside one. */
  alone<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue(fn);
  }

  private queue<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async begin(): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.run(sql`begin immediate`);
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() - started >= LOCK_WAIT_MS) throw error;
        await sleep(Math.min(50, 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  private async once<T>(fn: () => Promise<T>): Promise<T> {
    await this.begin();
    try {
      const value = await fn();
      await this.db.run(sql`commit`);
      return value;
    } catch (error) {
      // After a failed COMMIT the transaction may already be gone; the first error is the one to keep.
      await Promise.resolve(this.db.run(sql`rollback`)).catch(() => undefined);
      throw error;
    }
  }
}
