import { type Column, type SQL, sql } from 'drizzle-orm';
import { unique } from '../batches.js';

/**
 * `column = any($1)`: one array parameter however many ids, so the statement text (and its parse)
 * stays the same size.
 */
export const anyOf = (column: Column, values: readonly string[]): SQL =>
  sql`${column} = any(${sql.param(unique(values))}::text[])`;

/** The value the insert proposed for a column (`excluded.<column>`). */
export const excluded = (column: Column): SQL => sql`excluded.${sql.identifier(column.name)}`;
