import type { EventQuery, InboxRecord, InboxStatus, InboxUpdate } from '@scim/core/adapter';
import type { Dialect } from '../dialect.js';
import type { SqlRow } from '../port.js';
import { instant, text, textOrNull } from '../values.js';
import { chunks, firstOfEachId, type StoreContext } from './context.js';

export const EVENT_COLUMNS = 'id, organization_id, type, occurred_at, received_at, status, reason, payload';

export function eventSelect(d: Dialect): string {
  return `id, organization_id, type, occurred_at, ${d.readInstant('received_at')} AS received_at, status, reason, payload`;
}

export function inboxRecord(row: SqlRow): InboxRecord {
  return {
    id: text(row.id),
    organizationId: text(row.organization_id),
    type: text(row.type),
    occurredAt: text(row.occurred_at),
    receivedAt: instant(row.received_at),
    status: text(row.status) as InboxStatus,
    reason: textOrNull(row.reason),
    payload: textOrNull(row.payload),
  };
}

/** The records a claim inserts: the first of each id, in id order (concurrent claims then lock rows in one order). */
export function claimOrder(records: readonly InboxRecord[]): InboxRecord[] {
  return firstOfEachId(records).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One entry per id, as if the entries were applied in order: the last status, the last reason and payload given. */
export function mergeUpdates(entries: readonly InboxUpdate[]): InboxUpdate[] {
  const byId = new Map<string, InboxUpdate>();
  for (const entry of entries) {
    const previous = byId.get(entry.id);
    if (previous === undefined) {
      byId.set(entry.id, entry);
      continue;
    }
    const merged: InboxUpdate = { ...previous, status: entry.status };
    if (entry.reason !== undefined) merged.reason = entry.reason;
    if (entry.payload !== undefined) merged.payload = entry.payload;
    byId.set(entry.id, merged);
  }
  return [...byId.values()];
}

/** SQLite: one multi-row insert that skips the ids already there and returns the ones it inserted. */
export async function claimEvents(ctx: StoreContext, records: readonly InboxRecord[]): Promise<string[]> {
  const claimed: string[] = [];
  for (const part of chunks(claimOrder(records), 8)) {
    const s = ctx.statement();
    const values = part.map(
      (r) =>
        `(${s.p(r.id)}, ${s.p(r.organizationId)}, ${s.p(r.type)}, ${s.p(r.occurredAt)}, ${s.instant(r.receivedAt)}, ` +
        `${s.p(r.status)}, ${s.p(r.reason ?? null)}, ${s.p(r.payload ?? null)})`,
    );
    const rows = await ctx.rows(
      s,
      `INSERT INTO scim_events (${EVENT_COLUMNS}) VALUES ${values.join(', ')} ON CONFLICT (id) DO NOTHING RETURNING id`,
    );
    for (const row of rows) claimed.push(text(row.id));
  }
  return claimed;
}

/** One update per status for the plain entries (a batch has few), one per entry that sets a reason or payload. */
export async function finishEvents(ctx: StoreContext, entries: readonly InboxUpdate[]): Promise<void> {
  const byStatus = new Map<InboxStatus, string[]>();
  for (const entry of mergeUpdates(entries)) {
    if (entry.reason === undefined && entry.payload === undefined) {
      const ids = byStatus.get(entry.status);
      if (ids === undefined) byStatus.set(entry.status, [entry.id]);
      else ids.push(entry.id);
      continue;
    }
    const s = ctx.statement();
    const set = [`status = ${s.p(entry.status)}`];
    if (entry.reason !== undefined) set.push(`reason = ${s.p(entry.reason)}`);
    if (entry.payload !== undefined) set.push(`payload = ${s.p(entry.payload)}`);
    await ctx.run(s, `UPDATE scim_events SET ${set.join(', ')} WHERE id = ${s.p(entry.id)}`);
  }
  for (const [status, ids] of byStatus) {
    for (const part of chunks(ids, 1)) {
      const s = ctx.statement();
      await ctx.run(s, `UPDATE scim_events SET status = ${s.p(status)} WHERE ${s.in('id', part)}`);
    }
  }
}

export async function getEvent(ctx: StoreContext, id: string): Promise<InboxRecord | null> {
  const s = ctx.statement();
  const [row] = await ctx.rows(s, `SELECT ${eventSelect(ctx.dialect)} FROM scim_events WHERE id = ${s.p(id)}`);
  return row === undefined ? null : inboxRecord(row);
}

export async function listEvents(ctx: StoreContext, query: EventQuery): Promise<InboxRecord[]> {
  const s = ctx.statement();
  const where: string[] = [];
  if (query.organizationId !== undefined) where.push(`organization_id = ${s.p(query.organizationId)}`);
  if (query.status !== undefined) where.push(`status = ${s.p(query.status)}`);
  if (query.before !== undefined) {
    const { receivedAt, id } = query.before;
    where.push(
      `(received_at < ${s.instant(receivedAt)} OR (received_at = ${s.instant(receivedAt)} AND id < ${s.p(id)}))`,
    );
  }
  const rows = await ctx.rows(
    s,
    `SELECT ${eventSelect(ctx.dialect)} FROM scim_events${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ` +
      `ORDER BY received_at DESC, id DESC LIMIT ${limit(query.limit)}`,
  );
  return rows.map(inboxRecord);
}

export async function pruneEvents(ctx: StoreContext, before: Date): Promise<number> {
  const s = ctx.statement();
  return ctx.run(s, `DELETE FROM scim_events WHERE received_at < ${s.instant(before)}`);
}

/** A LIMIT or OFFSET written into the text: MySQL's prepared statements refuse some numeric parameters there. */
export function limit(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`@scim/sql: not a row count: ${value}`);
  return value;
}
