import type { BookkeepingStore, ResourceStore } from '@scim/core/adapter';
import type { Dialect } from '../dialect.js';
import type { SqlErrorKind, SqlRow, SqlSession } from '../port.js';
import { Statement } from '../statement.js';

/** Everything the SQL bookkeeping keeps: the SDK's records (optional reads included) and the SCIM server's. */
export type SqlStoreMethods = Required<BookkeepingStore> & ResourceStore;

/** What a store's statements run with: one session (a transaction, or single statements), and its dialect. */
export class StoreContext {
  /**
   * Users (organization, NUL, id) whose version record this transaction inserted: they have no
   * memberships yet, which lets PostgreSQL insert theirs without looking for old ones.
   */
  readonly newUsers = new Set<string>();

  constructor(
    readonly session: SqlSession,
    readonly dialect: Dialect,
    readonly classify: ((error: unknown) => SqlErrorKind | undefined) | undefined,
    /** The session is a transaction's (PostgreSQL's new-user shortcut needs the row locks of one). */
    readonly inTransaction: boolean,
  ) {}

  statement(): Statement {
    return new Statement(this.dialect);
  }

  rows(statement: Statement, sql: string): Promise<SqlRow[]> {
    return this.session.query(sql, statement.params);
  }

  run(statement: Statement, sql: string): Promise<number> {
    return this.session.execute(sql, statement.params);
  }
}

/** The store's methods, each taking the context first: a dialect is a table of these. */
export type StoreOps = {
  [K in keyof SqlStoreMethods]: (
    ctx: StoreContext,
    ...args: Parameters<SqlStoreMethods[K]>
  ) => ReturnType<SqlStoreMethods[K]>;
};

/** Bound parameters per statement, under every dialect's limit (65,535; SQLite's default 32,766). */
const MAX_PARAMETERS = 30_000;

/** Rows cut so that one multi-row statement binds at most `MAX_PARAMETERS` values. */
export function chunks<T>(rows: readonly T[], parametersPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, parametersPerRow)));
  if (rows.length <= size) return rows.length === 0 ? [] : [rows as T[]];
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Distinct values, order kept. */
export function unique<T>(values: readonly T[]): T[] {
  return values.length < 2 ? [...values] : [...new Set(values)];
}

/** The first item of each id (inserting only what is missing keeps the first). */
export function firstOfEachId<T extends { id: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id) !== undefined);
}

/** The last item of each key, in the order of their first appearance (a replacement keeps the last). */
export function lastOfEach<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return byKey.size === items.length ? [...items] : [...byKey.values()];
}

/**
 * The items cut into rounds in which no key repeats, each keeping the given order (the n-th item of a
 * key goes to round n): a multi-row statement cannot apply two items of one key in order (PostgreSQL
 * refuses to touch a row twice, MySQL and SQLite keep one of their choosing). Without a repeat, one round.
 */
export function rounds<T>(items: readonly T[], key: (item: T) => string): (readonly T[])[] {
  const seen = new Map<string, number>();
  const out: T[][] = [];
  for (const item of items) {
    const k = key(item);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    const round = out[n];
    if (round === undefined) out.push([item]);
    else round.push(item);
  }
  return out.length <= 1 ? [items] : out;
}
