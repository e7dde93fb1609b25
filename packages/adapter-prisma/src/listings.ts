import type { InboxRecord, InboxStatus, SyncState } from '@scim/core';
import type { EventQuery, HeldLease } from '@scim/core/adapter';
import type { PrismaProvider, PrismaQueryable } from './options.js';
import { SqlBuilder, toDate, toDateOrNull, toStringOrNull } from './sql.js';

type Row = Record<string, unknown>;

export const EVENT_COLUMNS = 'id, organization_id, type, occurred_at, received_at, status, reason, payload';

export function inboxFromRow(row: Row): InboxRecord {
  return {
    id: String(row.id),
    organizationId: String(row.organization_id),
    type: String(row.type),
    occurredAt: String(row.occurred_at),
    receivedAt: toDate(row.received_at),
    status: String(row.status) as InboxStatus,
    reason: toStringOrNull(row.reason),
    payload: toStringOrNull(row.payload),
  };
}

export const SYNC_STATE_COLUMNS =
  'organization_id, directory_id, status, watermark, checkpoint, last_started_at, last_finished_at, last_error, updated_at';

export function syncStateFromRow(row: Row): SyncState {
  return {
    organizationId: String(row.organization_id),
    directoryId: String(row.directory_id),
    status: String(row.status) as SyncState['status'],
    watermark: toDateOrNull(row.watermark),
    checkpoint: toStringOrNull(row.checkpoint),
    lastStartedAt: toDateOrNull(row.last_started_at),
    lastFinishedAt: toDateOrNull(row.last_finished_at),
    lastError: toStringOrNull(row.last_error),
    updatedAt: toDate(row.updated_at),
  };
}

/**
 * A page of the inbox, newest first: received before the cursor, or at the same instant with a smaller id.
 * Placeholders are bound in the order they are made, which is their order in the text.
 */
export async function listEvents(
  db: PrismaQueryable,
  provider: PrismaProvider,
  query: EventQuery,
): Promise<InboxRecord[]> {
  const sql = new SqlBuilder(provider);
  const where: string[] = [];
  if (query.organizationId !== undefined) where.push(`organization_id = ${sql.param(query.organizationId)}`);
  if (query.status !== undefined) where.push(`status = ${sql.param(query.status)}`);
  if (query.before !== undefined) {
    const { receivedAt, id } = query.before;
    where.push(
      `(received_at < ${sql.param(receivedAt)} OR (received_at = ${sql.param(receivedAt)} AND id < ${sql.param(id)}))`,
    );
  }
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT ${EVENT_COLUMNS} FROM scim_events${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY received_at DESC, id DESC LIMIT ${sql.param(query.limit, 'int')}`,
    ...sql.values,
  );
  return rows.map(inboxFromRow);
}

/** The sync states of one organization, or of all, in (organization, directory) order. */
export async function listSyncStates(
  db: PrismaQueryable,
  provider: PrismaProvider,
  organizationId: string | undefined,
): Promise<SyncState[]> {
  const sql = new SqlBuilder(provider);
  const where = organizationId === undefined ? '' : ` WHERE organization_id = ${sql.param(organizationId)}`;
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT ${SYNC_STATE_COLUMNS} FROM scim_sync_states${where} ORDER BY organization_id, directory_id`,
    ...sql.values,
  );
  return rows.map(syncStateFromRow);
}

/**
 * The unexpired leases among `names`: held means `expires_at` after `now`, the same comparison that lets
 * `acquireLease` take a lease over.
 */
export async function getLeases(
  db: PrismaQueryable,
  provider: PrismaProvider,
  names: readonly string[],
  now: Date,
): Promise<HeldLease[]> {
  if (names.length === 0) return [];
  const sql = new SqlBuilder(provider);
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT name, owner, expires_at FROM scim_leases WHERE ${sql.in('name', [...new Set(names)])} AND expires_at > ${sql.param(now)}`,
    ...sql.values,
  );
  return rows.map((row) => ({ name: String(row.name), owner: String(row.owner), expiresAt: toDate(row.expires_at) }));
}
