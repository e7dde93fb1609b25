import { sql } from 'drizzle-orm';
import type { SQLiteDb } from './store.js';

/**
 * Transactions on a SQLite database: one connection, so transactions of this process take turns
 * (interleaved statements of two async transactions would share one BEGIN). `BEGIN IMMEDIATE` takes
 * the write lock up front, so another process gets SQLITE_BUSY (a conflict the engine retries)
 * rather than a deadlock half way through.
 */
export class SQLiteTransactions {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: SQLiteDb) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.once(fn));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async once<T>(fn: () => Promise<T>): Promise<T> {
    await this.db.run(sql`begin immediate`);
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
