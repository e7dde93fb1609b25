import type {
  ListPage,
  ResourcePage,
  ResourcePut,
  ResourcePutResult,
  ResourceQuery,
  ResourceType,
  StoredResource,
  TokenRecord,
} from '@scim/core/adapter';
import type { Dialect } from '../dialect.js';
import type { SqlRow } from '../port.js';
import type { Statement } from '../statement.js';
import { instant, instantOrNull, int64, text, textOrNull } from '../values.js';
import { chunks, type StoreContext, unique } from './context.js';
import { limit } from './inbox.js';
import { filterSql } from './resource-filter.js';

export const RESOURCE_COLUMNS =
  'organization_id, resource_type, id, version, attributes, user_name, external_id, display_name, active, ' +
  'created_at, last_modified';

function resourceSelect(d: Dialect): string {
  return (
    `r.organization_id, r.resource_type, r.id, ${d.readInt64('r.version')} AS version, r.attributes, ` +
    `${d.readInstant('r.created_at')} AS created_at, ${d.readInstant('r.last_modified')} AS last_modified`
  );
}

function storedResource(row: SqlRow): StoredResource {
  return {
    organizationId: text(row.organization_id),
    resourceType: text(row.resource_type) as ResourceType,
    id: text(row.id),
    attributes: JSON.parse(text(row.attributes)) as Record<string, unknown>,
    version: int64(row.version),
    created: instant(row.created_at),
    lastModified: instant(row.last_modified),
  };
}

/** The stored row's values of a put (a `resource` that is not null), in `RESOURCE_COLUMNS` order. */
export function resourceValues(s: Statement, organizationId: string, put: ResourcePut): string[] {
  const resource = put.resource!;
  const { index } = resource;
  return [
    s.p(organizationId),
    s.p(put.resourceType),
    s.p(put.id),
    s.int64(put.version),
    s.p(JSON.stringify(resource.attributes)),
    s.p(index.userName),
    s.p(index.externalId),
    s.p(index.displayName),
    s.flag(index.active),
    s.instant(resource.created),
    s.instant(resource.lastModified),
  ];
}

/**
 * `UPDATE scim_resources SET ... WHERE <key> AND version = <expected>` for a put, its parameters in the
 * order of the text (MySQL's and SQLite's placeholders are positional).
 */
export function updateResourceSql(s: Statement, organizationId: string, put: ResourcePut): string {
  const { index, attributes, created, lastModified } = put.resource!;
  return (
    `UPDATE scim_resources SET version = ${s.int64(put.version)}, attributes = ${s.p(JSON.stringify(attributes))}, ` +
    `user_name = ${s.p(index.userName)}, external_id = ${s.p(index.externalId)}, ` +
    `display_name = ${s.p(index.displayName)}, active = ${s.flag(index.active)}, created_at = ${s.instant(created)}, ` +
    `last_modified = ${s.instant(lastModified)} WHERE ${resourceKey(s, organizationId, put.resourceType, put.id)} ` +
    `AND version = ${s.int64(put.expectedVersion!)}`
  );
}

/** The row's key (`organization_id`, `resource_type`, `id`) as a WHERE clause of `scim_resources`. */
export function resourceKey(s: Statement, organizationId: string, type: ResourceType, id: string, alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return `${a}organization_id = ${s.p(organizationId)} AND ${a}resource_type = ${s.p(type)} AND ${a}id = ${s.p(id)}`;
}

/** The stored version of a resource, or null: what a refused put tells apart (a version conflict, or a taken name). */
export async function storedVersion(
  ctx: StoreContext,
  organizationId: string,
  type: ResourceType,
  id: string,
): Promise<bigint | null> {
  const s = ctx.statement();
  const [row] = await ctx.rows(
    s,
    `SELECT ${ctx.dialect.readInt64('version')} AS version FROM scim_resources WHERE ${resourceKey(s, organizationId, type, id)}`,
  );
  return row === undefined ? null : int64(row.version);
}

/** Why nothing was written: the version was not the expected one, or (it was) another User has the userName. */
export async function refusal(ctx: StoreContext, organizationId: string, put: ResourcePut): Promise<ResourcePutResult> {
  const version = await storedVersion(ctx, organizationId, put.resourceType, put.id);
  return version !== put.expectedVersion ? 'version-conflict' : 'uniqueness';
}

export async function getResource(
  ctx: StoreContext,
  organizationId: string,
  resourceType: ResourceType,
  id: string,
): Promise<StoredResource | null> {
  const s = ctx.statement();
  const [row] = await ctx.rows(
    s,
    `SELECT ${resourceSelect(ctx.dialect)} FROM scim_resources r WHERE ${resourceKey(s, organizationId, resourceType, id, 'r')}`,
  );
  return row === undefined ? null : storedResource(row);
}

/**
 * The page in id order, and the total: counted apart only when the page cannot tell it (a full page, or
 * an empty one past the first row), so a filtered lookup is one statement.
 */
export async function queryResources(ctx: StoreContext, query: ResourceQuery): Promise<ResourcePage> {
  const where = (s: Statement) =>
    `r.organization_id = ${s.p(query.organizationId)} AND r.resource_type = ${s.p(query.resourceType)}` +
    (query.filter === null ? '' : ` AND ${filterSql(s, query.filter)}`);
  let resources: StoredResource[] = [];
  if (query.limit > 0) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      `SELECT ${resourceSelect(ctx.dialect)} FROM scim_resources r WHERE ${where(s)} ORDER BY r.id ` +
        `LIMIT ${limit(query.limit)} OFFSET ${limit(query.offset)}`,
    );
    resources = rows.map(storedResource);
    if (resources.length > 0 && resources.length < query.limit) {
      return { total: query.offset + resources.length, resources };
    }
    if (resources.length === 0 && query.offset === 0) return { total: 0, resources };
  }
  const s = ctx.statement();
  const [row] = await ctx.rows(s, `SELECT COUNT(*) AS total FROM scim_resources r WHERE ${where(s)}`);
  return { total: Number(row?.total ?? 0), resources };
}

export async function existingResources(
  ctx: StoreContext,
  organizationId: string,
  resourceType: ResourceType,
  ids: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(unique(ids), 1)) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      'SELECT id FROM scim_resources ' +
        `WHERE organization_id = ${s.p(organizationId)} AND resource_type = ${s.p(resourceType)} AND ${s.in('id', part)}`,
    );
    for (const row of rows) out.push(text(row.id));
  }
  return out;
}

/** Removes memberships by (user, group) pair; absent ones are ignored. */
export async function removeMemberships(
  ctx: StoreContext,
  organizationId: string,
  memberships: readonly { userId: string; groupId: string }[],
): Promise<void> {
  for (const part of chunks(memberships, 2)) {
    const s = ctx.statement();
    const where = `organization_id = ${s.p(organizationId)}`;
    const pairs = part.map((m) => `(${s.p(m.userId)}, ${s.p(m.groupId)})`).join(', ');
    await ctx.run(s, `DELETE FROM scim_memberships WHERE ${where} AND (user_id, group_id) IN (${pairs})`);
  }
}

export async function listGroupMembers(
  ctx: StoreContext,
  organizationId: string,
  groupId: string,
  page: ListPage,
): Promise<string[]> {
  const s = ctx.statement();
  let where = `organization_id = ${s.p(organizationId)} AND group_id = ${s.p(groupId)}`;
  if (page.after !== undefined) where += ` AND user_id > ${s.p(page.after)}`;
  const rows = await ctx.rows(
    s,
    `SELECT user_id FROM scim_memberships WHERE ${where} ORDER BY user_id LIMIT ${limit(page.limit)}`,
  );
  return rows.map((row) => text(row.user_id));
}

function tokenSelect(d: Dialect): string {
  return `hash, organization_id, label, ${d.readInstant('created_at')} AS created_at, ${d.readInstant('expires_at')} AS expires_at`;
}

function tokenRecord(row: SqlRow): TokenRecord {
  return {
    hash: text(row.hash),
    organizationId: text(row.organization_id),
    label: textOrNull(row.label),
    createdAt: instant(row.created_at),
    expiresAt: instantOrNull(row.expires_at),
  };
}

export async function findToken(ctx: StoreContext, hash: string): Promise<TokenRecord | null> {
  const s = ctx.statement();
  const [row] = await ctx.rows(s, `SELECT ${tokenSelect(ctx.dialect)} FROM scim_tokens WHERE hash = ${s.p(hash)}`);
  return row === undefined ? null : tokenRecord(row);
}

export async function saveToken(ctx: StoreContext, token: TokenRecord): Promise<void> {
  const s = ctx.statement();
  await ctx.run(
    s,
    'INSERT INTO scim_tokens (hash, organization_id, label, created_at, expires_at) ' +
      `VALUES (${s.p(token.hash)}, ${s.p(token.organizationId)}, ${s.p(token.label)}, ${s.instant(token.createdAt)}, ` +
      `${s.instant(token.expiresAt)}) ` +
      ctx.dialect.upsert(['hash'], ['organization_id', 'label', 'created_at', 'expires_at']),
  );
}

export async function listTokens(ctx: StoreContext, organizationId: string): Promise<TokenRecord[]> {
  const s = ctx.statement();
  const rows = await ctx.rows(
    s,
    `SELECT ${tokenSelect(ctx.dialect)} FROM scim_tokens WHERE organization_id = ${s.p(organizationId)} ` +
      'ORDER BY created_at DESC, hash DESC',
  );
  return rows.map(tokenRecord);
}

export async function expireTokens(
  ctx: StoreContext,
  organizationId: string,
  hashes: readonly string[],
  at: Date,
): Promise<void> {
  for (const part of chunks(unique(hashes), 1)) {
    const s = ctx.statement();
    await ctx.run(
      s,
      `UPDATE scim_tokens SET expires_at = ${s.instant(at)} WHERE organization_id = ${s.p(organizationId)} ` +
        `AND ${s.in('hash', part)}`,
    );
  }
}
