import type { DirectoryWrite, HeldLease, LeaseRequest, StoredDirectory, SyncState } from '@scim/core/adapter';
import type { Dialect } from '../dialect.js';
import type { SqlRow } from '../port.js';
import { flag, instant, instantOrNull, text, textOrNull } from '../values.js';
import { type StoreContext, unique } from './context.js';

export async function upsertDirectory(
  ctx: StoreContext,
  organizationId: string,
  directory: DirectoryWrite,
): Promise<void> {
  const s = ctx.statement();
  const columns = ['organization_id', 'id', 'enabled'];
  const values = [s.p(organizationId), s.p(directory.id), s.flag(directory.enabled)];
  // A field left undefined keeps its stored value.
  for (const [field, column] of [
    ['provider', 'provider'],
    ['directoryType', 'directory_type'],
    ['status', 'status'],
  ] as const) {
    const value = directory[field];
    if (value === undefined) continue;
    columns.push(column);
    values.push(s.p(value));
  }
  await ctx.run(
    s,
    `INSERT INTO scim_directories (${columns.join(', ')}) VALUES (${values.join(', ')}) ` +
      ctx.dialect.upsert(['organization_id', 'id'], columns.slice(2)),
  );
}

export async function getDirectory(
  ctx: StoreContext,
  organizationId: string,
  id: string,
): Promise<StoredDirectory | null> {
  const s = ctx.statement();
  const [row] = await ctx.rows(
    s,
    `SELECT ${DIRECTORY_COLUMNS} FROM scim_directories WHERE organization_id = ${s.p(organizationId)} AND id = ${s.p(id)}`,
  );
  return row === undefined ? null : storedDirectory(row);
}

export const DIRECTORY_COLUMNS = 'organization_id, id, enabled, provider, directory_type, status';

export function storedDirectory(row: SqlRow): StoredDirectory {
  return {
    organizationId: text(row.organization_id),
    id: text(row.id),
    enabled: flag(row.enabled),
    provider: textOrNull(row.provider),
    directoryType: textOrNull(row.directory_type),
    status: textOrNull(row.status),
  };
}

export function syncStateSelect(d: Dialect): string {
  return (
    `organization_id, directory_id, status, ${d.readInstant('watermark')} AS watermark, checkpoint, ` +
    `${d.readInstant('last_started_at')} AS last_started_at, ${d.readInstant('last_finished_at')} AS last_finished_at, ` +
    `last_error, ${d.readInstant('updated_at')} AS updated_at`
  );
}

export function syncState(row: SqlRow): SyncState {
  return {
    organizationId: text(row.organization_id),
    directoryId: text(row.directory_id),
    status: text(row.status) as SyncState['status'],
    watermark: instantOrNull(row.watermark),
    checkpoint: textOrNull(row.checkpoint),
    lastStartedAt: instantOrNull(row.last_started_at),
    lastFinishedAt: instantOrNull(row.last_finished_at),
    lastError: textOrNull(row.last_error),
    updatedAt: instant(row.updated_at),
  };
}

export async function getSyncState(
  ctx: StoreContext,
  organizationId: string,
  directoryId: string,
): Promise<SyncState | null> {
  const s = ctx.statement();
  const [row] = await ctx.rows(
    s,
    `SELECT ${syncStateSelect(ctx.dialect)} FROM scim_sync_states ` +
      `WHERE organization_id = ${s.p(organizationId)} AND directory_id = ${s.p(directoryId)}`,
  );
  return row === undefined ? null : syncState(row);
}

export async function listSyncStates(ctx: StoreContext, organizationId?: string): Promise<SyncState[]> {
  const s = ctx.statement();
  const where = organizationId === undefined ? '' : ` WHERE organization_id = ${s.p(organizationId)}`;
  const rows = await ctx.rows(
    s,
    `SELECT ${syncStateSelect(ctx.dialect)} FROM scim_sync_states${where} ORDER BY organization_id, directory_id`,
  );
  return rows.map(syncState);
}

export async function saveSyncState(ctx: StoreContext, state: SyncState): Promise<void> {
  const s = ctx.statement();
  const columns = [
    'organization_id',
    'directory_id',
    'status',
    'watermark',
    'checkpoint',
    'last_started_at',
    'last_finished_at',
    'last_error',
    'updated_at',
  ];
  const values = [
    s.p(state.organizationId),
    s.p(state.directoryId),
    s.p(state.status),
    s.instant(state.watermark),
    s.p(state.checkpoint),
    s.instant(state.lastStartedAt),
    s.instant(state.lastFinishedAt),
    s.p(state.lastError),
    s.instant(state.updatedAt),
  ];
  await ctx.run(
    s,
    `INSERT INTO scim_sync_states (${columns.join(', ')}) VALUES (${values.join(', ')}) ` +
      ctx.dialect.upsert(['organization_id', 'directory_id'], columns.slice(2)),
  );
}

/** PostgreSQL and SQLite: one conditional upsert; a row comes back only when the lease is now the caller's. */
export async function acquireLease(ctx: StoreContext, request: LeaseRequest): Promise<boolean> {
  const s = ctx.statement();
  const expiresAt = new Date(request.now.getTime() + request.ttlMs);
  const rows = await ctx.rows(
    s,
    `INSERT INTO scim_leases (name, owner, expires_at) VALUES (${s.p(request.name)}, ${s.p(request.owner)}, ` +
      `${s.instant(expiresAt)}) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, ` +
      'expires_at = excluded.expires_at WHERE scim_leases.owner = excluded.owner ' +
      `OR scim_leases.expires_at <= ${s.instant(request.now)} RETURNING name`,
  );
  return rows.length === 1;
}

export async function releaseLease(ctx: StoreContext, name: string, owner: string): Promise<void> {
  const s = ctx.statement();
  await ctx.run(s, `DELETE FROM scim_leases WHERE name = ${s.p(name)} AND owner = ${s.p(owner)}`);
}

/** Held means unexpired: the same `expires_at` comparison that lets `acquireLease` take a lease over. */
export async function getLeases(ctx: StoreContext, names: readonly string[], now: Date): Promise<HeldLease[]> {
  if (names.length === 0) return [];
  const s = ctx.statement();
  const rows = await ctx.rows(
    s,
    `SELECT name, owner, ${ctx.dialect.readInstant('expires_at')} AS expires_at FROM scim_leases ` +
      `WHERE ${s.in('name', unique(names))} AND expires_at > ${s.instant(now)}`,
  );
  return rows.map((row) => ({ name: text(row.name), owner: text(row.owner), expiresAt: instant(row.expires_at) }));
}
