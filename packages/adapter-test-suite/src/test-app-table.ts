import type { Awaitable } from './backdoor.js';

/**
 * A row of the test app's users table in service mode: the app's own columns, none of the SDK's.
 * Create it as `id` (primary key), `email` (nullable), `display_name`, `given_name`, `family_name`
 * (nullable), `active` (boolean, NOT NULL) and `roles` (a list of text, NOT NULL).
 */
export interface TestAppUser {
  email: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  active: boolean;
  roles: string[];
}

export interface TestAppRow extends TestAppUser {
  /** The primary key, as text. */
  id: string;
}

/**
 * The test app's users table as the service-mode suites reach it: a few lines over your ORM. Writes
 * and `findByEmail` go through `tx`, the transaction handle your adapter passes to `transaction(fn)`
 * (Prisma's transaction client, Drizzle's `tx`, Mongoose's session; undefined when the engine works
 * without transactions), so that they commit or roll back with the SDK's own writes. The suite's own
 * `UserService` is built on it. Let the database's errors through: a NOT NULL violation must reach the
 * adapter's `transaction()`, which translates it to an `AdapterError` `CONSTRAINT_VIOLATION` (the
 * `rejections` suite inserts `active: null` to provoke one).
 */
export interface TestAppTable<Tx = unknown> {
  /** Inserts a row; resolves its primary key (a number or text). */
  insert(tx: Tx, row: TestAppUser): Awaitable<string | number>;
  /** Sets the given columns only. */
  update(tx: Tx, id: string, row: Partial<TestAppUser>): Awaitable<void>;
  delete(tx: Tx, id: string): Awaitable<void>;
  /** A committed row, read outside any transaction; null when there is none. */
  read(id: string): Awaitable<TestAppRow | null>;
  /** The ids of the rows whose email equals this one without regard to case, read through `tx`. */
  findByEmail(tx: Tx, email: string): Awaitable<readonly string[]>;
}
