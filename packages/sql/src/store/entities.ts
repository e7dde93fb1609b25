import type { EntityAdvance, EntityKind, EntityState, ListPage } from '@scim/core/adapter';
import type { Dialect } from '../dialect.js';
import type { SqlRow } from '../port.js';
import { flag, instant, int64, roles, rolesText, text, textOrNull } from '../values.js';
import { chunks, rounds, type StoreContext, unique } from './context.js';
import { limit } from './inbox.js';

export function entitySelect(d: Dialect, alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return (
    `${a}organization_id, ${a}kind, ${a}id, ${d.readInt64(`${a}version`)} AS version, ${a}deleted, ${a}active, ` +
    `${a}fingerprint, ${a}directory_roles, ${a}event_id, ${d.readInstant(`${a}updated_at`)} AS updated_at`
  );
}

export function entityState(row: SqlRow): EntityState {
  return {
    organizationId: text(row.organization_id),
    kind: text(row.kind) as EntityKind,
    id: text(row.id),
    version: int64(row.version),
    deleted: flag(row.deleted),
    active: flag(row.active),
    fingerprint: textOrNull(row.fingerprint),
    directoryRoles: roles(row.directory_roles),
    eventId: textOrNull(row.event_id),
    updatedAt: instant(row.updated_at),
  };
}

/** The version rule, with `stored` the table's row and `proposed` the insert's (`excluded`, or MySQL's `VALUES()`). */
export function newerRule(stored: (column: string) => string, proposed: (column: string) => string): string {
  return (
    `(${stored('version')} < ${proposed('version')} OR (${stored('version')} = ${proposed('version')} ` +
    `AND ${stored('event_id')} IS NOT NULL AND ${stored('event_id')} = ${proposed('event_id')}))`
  );
}

/**
 * Items of one call in the order their rows are written: by id, so that concurrent callers lock rows in
 * one order and cannot deadlock each other over them; a repeated id goes to a later round.
 */
export function advanceRounds(items: readonly EntityAdvance[]): EntityAdvance[][] {
  return rounds(items, (item) => item.id).map((round) =>
    [...round].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
}

/**
 * A round's items by their compare-and-set: `plain` (no `expected`, the version rule alone), `fresh`
 * (`expected: null`, written only where the id has no record: an insert that does nothing on a conflict)
 * and `existing` (a version expected: an update whose condition names it). Ids do not repeat in a round,
 * so the three statements may run in any order.
 */
export function byExpectation(round: readonly EntityAdvance[]): {
  plain: EntityAdvance[];
  fresh: EntityAdvance[];
  existing: (EntityAdvance & { expected: bigint })[];
} {
  const plain: EntityAdvance[] = [];
  const fresh: EntityAdvance[] = [];
  const existing: (EntityAdvance & { expected: bigint })[] = [];
  for (const item of round) {
    if (item.expected === undefined) plain.push(item);
    else if (item.expected === null) fresh.push(item);
    else existing.push(item as EntityAdvance & { expected: bigint });
  }
  return { plain, fresh, existing };
}

const ENTITY_COLUMNS = 'version, deleted, active, fingerprint, directory_roles, event_id';

export async function getEntities(
  ctx: StoreContext,
  organizationId: string,
  kind: EntityKind,
  ids: readonly string[],
): Promise<EntityState[]> {
  const out: EntityState[] = [];
  for (const part of chunks(unique(ids), 1)) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      `SELECT ${entitySelect(ctx.dialect)} FROM scim_entities ` +
        `WHERE organization_id = ${s.p(organizationId)} AND kind = ${s.p(kind)} AND ${s.in('id', part)}`,
    );
    for (const row of rows) out.push(entityState(row));
  }
  return out;
}

/** SQLite: the conditional upsert, decided by the database, returning the ids it wrote. */
export async function advanceEntities(
  ctx: StoreContext,
  organizationId: string,
  kind: EntityKind,
  items: readonly EntityAdvance[],
): Promise<string[]> {
  const written = new Set<string>();
  const now = new Date();
  for (const round of advanceRounds(items)) {
    const { plain, fresh, existing } = byExpectation(round);
    for (const part of chunks(fresh, 10)) {
      const s = ctx.statement();
      const rows = await ctx.rows(
        s,
        'INSERT INTO scim_entities (organization_id, kind, id, version, deleted, active, fingerprint, directory_roles, ' +
          `event_id, updated_at) VALUES ${entityValues(s, organizationId, kind, part, now).join(', ')} ` +
          'ON CONFLICT (organization_id, kind, id) DO NOTHING RETURNING id',
      );
      for (const row of rows) written.add(text(row.id));
    }
    for (const part of chunks(existing, 9)) {
      const s = ctx.statement();
      const values = part.map(
        (i) =>
          `(${s.p(i.id)}, ${s.int64(i.version)}, ${s.flag(i.deleted)}, ${s.flag(i.active)}, ${s.p(i.fingerprint)}, ` +
          `${s.p(rolesText(i.directoryRoles))}, ${s.p(i.eventId)}, ${s.int64(i.expected)})`,
      );
      const rows = await ctx.rows(
        s,
        `WITH u (id, ${ENTITY_COLUMNS}, expected) AS (VALUES ${values.join(', ')}) UPDATE scim_entities SET ` +
          'version = u.version, deleted = u.deleted, active = u.active, fingerprint = u.fingerprint, ' +
          `directory_roles = u.directory_roles, event_id = u.event_id, updated_at = ${s.instant(now)} FROM u ` +
          `WHERE scim_entities.organization_id = ${s.p(organizationId)} AND scim_entities.kind = ${s.p(kind)} ` +
          'AND scim_entities.id = u.id AND scim_entities.version = u.expected AND ' +
          `${newerRule(
            (c) => `scim_entities.${c}`,
            (c) => `u.${c}`,
          )} RETURNING scim_entities.id`,
      );
      for (const row of rows) written.add(text(row.id));
    }
    for (const part of chunks(plain, 10)) {
      const s = ctx.statement();
      const values = entityValues(s, organizationId, kind, part, now);
      const rows = await ctx.rows(
        s,
        'INSERT INTO scim_entities (organization_id, kind, id, version, deleted, active, fingerprint, directory_roles, ' +
          `event_id, updated_at) VALUES ${values.join(', ')} ON CONFLICT (organization_id, kind, id) DO UPDATE SET ` +
          'version = excluded.version, deleted = excluded.deleted, active = excluded.active, ' +
          'fingerprint = excluded.fingerprint, directory_roles = excluded.directory_roles, ' +
          'event_id = excluded.event_id, updated_at = excluded.updated_at ' +
          `WHERE ${newerRule(
            (c) => `scim_entities.${c}`,
            (c) => `excluded.${c}`,
          )} RETURNING id`,
      );
      for (const row of rows) written.add(text(row.id));
    }
  }
  return [...written];
}

export async function listEntities(
  ctx: StoreContext,
  organizationId: string,
  kind: EntityKind,
  page: ListPage,
): Promise<EntityState[]> {
  const s = ctx.statement();
  let where = `organization_id = ${s.p(organizationId)} AND kind = ${s.p(kind)}`;
  if (page.after !== undefined) where += ` AND id > ${s.p(page.after)}`;
  const rows = await ctx.rows(
    s,
    `SELECT ${entitySelect(ctx.dialect)} FROM scim_entities WHERE ${where} ORDER BY id LIMIT ${limit(page.limit)}`,
  );
  return rows.map(entityState);
}

/** The VALUES tuples of version records, in the column order of an insert; `writeToken` adds that column (MySQL). */
export function entityValues(
  s: ReturnType<StoreContext['statement']>,
  organizationId: string,
  kind: EntityKind,
  items: readonly EntityAdvance[],
  now: Date,
  writeToken?: string,
): string[] {
  // Parameters are numbered (or placed) in the order they are added: each tuple adds its own, token included.
  return items.map(
    (i) =>
      `(${s.p(organizationId)}, ${s.p(kind)}, ${s.p(i.id)}, ${s.int64(i.version)}, ${s.flag(i.deleted)}, ` +
      `${s.flag(i.active)}, ${s.p(i.fingerprint)}, ${s.p(rolesText(i.directoryRoles))}, ${s.p(i.eventId)}, ` +
      `${s.instant(now)}${writeToken === undefined ? '' : `, ${s.p(writeToken)}`})`,
  );
}
