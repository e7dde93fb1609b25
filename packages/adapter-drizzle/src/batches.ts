import type { InboxStatus } from '@scim/core';
import type { InboxUpdate } from '@scim/core/adapter';

/**
 * Bound parameters per statement. Under PostgreSQL's and MySQL's 65,535 and SQLite's default 32,766,
 * with room for the statement's own parameters.
 */
const MAX_PARAMETERS = 30_000;

/** Splits rows so that one statement binds at most `MAX_PARAMETERS` values. */
export function chunkRows<T>(rows: readonly T[], parametersPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, parametersPerRow)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Distinct values, order kept. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Directory roles are stored as JSON text, the same way in every dialect. */
export function encodeRoles(roles: readonly string[] | null): string | null {
  return roles === null ? null : JSON.stringify(roles);
}

export function decodeRoles(text: string | null): string[] | null {
  return text === null ? null : (JSON.parse(text) as string[]);
}

/** The first record of each id (a claim of a repeated id is a duplicate of the first). */
export function firstOfEachId<T extends { id: string }>(records: readonly T[]): T[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined);
}

/** Event ids grouped by the status they finish with. */
export function idsByStatus(entries: readonly InboxUpdate[]): Map<InboxStatus, string[]> {
  const out = new Map<InboxStatus, string[]>();
  for (const { id, status } of entries) {
    const ids = out.get(status);
    if (ids === undefined) out.set(status, [id]);
    else ids.push(id);
  }
  return out;
}
