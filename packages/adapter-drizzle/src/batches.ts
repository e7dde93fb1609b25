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

/** The last item of each key, in the order their keys first appear (a repeated id's last write wins). */
export function lastOfEachKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const last = new Map<string, T>();
  for (const item of items) last.set(key(item), item);
  return [...last.values()];
}

/** The columns one `finishEvents` entry sets: its status, and its reason and payload when it gives them. */
export interface InboxSet {
  status: InboxStatus;
  reason?: string | null;
  payload?: string | null;
}

/**
 * Entries grouped by what they set, one UPDATE per group: a batch finishes with a few statuses, and
 * only a replay or a rejection carries a reason or a payload. Ids are taken once (a repeated id is
 * split off into rounds before this).
 */
export function finishGroups(entries: readonly InboxUpdate[]): { set: InboxSet; ids: string[] }[] {
  const groups = new Map<string, { set: InboxSet; ids: string[] }>();
  for (const { id, status, reason, payload } of entries) {
    const set: InboxSet = { status };
    if (reason !== undefined) set.reason = reason;
    if (payload !== undefined) set.payload = payload;
    // The keys given, not only their values: a reason set to null is not a reason left as it is.
    const key = JSON.stringify(Object.entries(set));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { set, ids: [id] });
    else group.ids.push(id);
  }
  return [...groups.values()];
}
