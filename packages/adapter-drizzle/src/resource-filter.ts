import type { ResourceFilter } from '@scim/core/adapter';
import { and, type Column, eq, gt, gte, lt, lte, type SQL, sql } from 'drizzle-orm';

/** What a dialect says about a filter: the columns of `scim_resources`, and its text tests. */
export interface FilterDialect {
  columns: Record<'id' | 'userName' | 'externalId' | 'displayName' | 'active' | 'lastModified', Column>;
  /** Case-sensitive prefix test (the SCIM server lower-cases what compares without case, on both sides). */
  startsWith(column: SQL, prefix: string): SQL;
  /** Case-sensitive substring test. */
  contains(column: SQL, part: string): SQL;
  /** Whether one of the resource's indexed emails passes `match`. */
  emails(match: (column: SQL) => SQL): SQL;
}

const COMPARE = { eq, gt, ge: gte, lt, le: lte } as const;

/**
 * A SCIM filter as a WHERE condition over `scim_resources`, compared as the memory adapter (the reference)
 * compares: text exactly and case-sensitively, the id columns byte by byte.
 */
export function resourceFilter(d: FilterDialect, filter: ResourceFilter): SQL {
  if (filter.op === 'and') {
    return filter.filters.length === 0 ? sql`1 = 1` : and(...filter.filters.map((f) => resourceFilter(d, f)))!;
  }
  if (filter.attribute === 'active') return eq(d.columns.active, filter.value);
  if (filter.attribute === 'meta.lastModified') return COMPARE[filter.op](d.columns.lastModified, filter.value);
  const { op, value } = filter;
  const test = (column: SQL | Column): SQL => {
    if (op === 'eq') return sql`${column} = ${value}`;
    const text = sql`${column}`;
    return op === 'sw' ? d.startsWith(text, value) : d.contains(text, value);
  };
  if (filter.attribute === 'emails.value') return d.emails(test);
  if (op === 'eq') return eq(d.columns[filter.attribute], value);
  return test(d.columns[filter.attribute]);
}

/** A `LIKE` pattern with `!` as its escape character: a prefix with `%`, `_` or `!` in it matches only itself. */
export function likePrefix(value: string): string {
  return `${value.replace(/[!%_]/g, '!$&')}%`;
}
