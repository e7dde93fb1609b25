import {
  AdapterError,
  type ListPage,
  type ResourceFilter,
  type ResourcePage,
  type ResourcePut,
  type ResourcePutResult,
  type ResourceQuery,
  type ResourceStore,
  type ResourceType,
  type StoredResource,
  type TokenRecord,
} from '@scim/core/adapter';
import { isUniqueViolation } from './errors.js';
import type { PrismaQueryable } from './options.js';
import { SqlBuilder, toBigInt, toDate, toDateOrNull, toStringOrNull } from './sql.js';

type Row = Record<string, unknown>;

const RESOURCE =
  'r.organization_id, r.resource_type, r.id, r.version::text AS version, r.attributes, r.created_at, r.last_modified';

const storedResource = (row: Row): StoredResource => ({
  organizationId: String(row.organization_id),
  resourceType: String(row.resource_type) as ResourceType,
  id: String(row.id),
  attributes: JSON.parse(String(row.attributes)) as Record<string, unknown>,
  version: toBigInt(row.version),
  created: toDate(row.created_at),
  lastModified: toDate(row.last_modified),
});

const token = (row: Row): TokenRecord => ({
  hash: String(row.hash),
  organizationId: String(row.organization_id),
  label: toStringOrNull(row.label),
  createdAt: toDate(row.created_at),
  expiresAt: toDateOrNull(row.expires_at),
});

const COLUMNS = { id: 'r.id', userName: 'r.user_name', externalId: 'r.external_id', displayName: 'r.display_name' };
const COMPARE = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** A LIKE prefix with `!` as its escape character. */
const likePrefix = (value: string) => `${value.replace(/[!%_]/g, '!$&')}%`;

/**
 * The WHERE condition of a filter over `scim_resources r`. Text compares as the memory adapter does: `=` and
 * `strpos` are byte-exact whatever the collation, and `LIKE` is case-sensitive.
 */
function filterSql(sql: SqlBuilder, filter: ResourceFilter): string {
  if (filter.op === 'and') {
    return filter.filters.length === 0 ? 'TRUE' : `(${filter.filters.map((f) => filterSql(sql, f)).join(' AND ')})`;
  }
  if (filter.attribute === 'active') return `r.active = ${sql.param(filter.value)}`;
  if (filter.attribute === 'meta.lastModified') {
    return `r.last_modified ${COMPARE[filter.op]} ${sql.param(filter.value, 'timestamp(3)')}`;
  }
  const { op, value } = filter;
  const test = (column: string) =>
    op === 'eq'
      ? `${column} = ${sql.param(value)}`
      : op === 'sw'
        ? `${column} LIKE ${sql.param(likePrefix(value))} ESCAPE '!'`
        : `strpos(${column}, ${sql.param(value)}) > 0`;
  if (filter.attribute === 'emails.value') {
    return (
      'EXISTS (SELECT 1 FROM scim_resource_emails e WHERE e.organization_id = r.organization_id ' +
      `AND e.resource_type = r.resource_type AND e.resource_id = r.id AND ${test('e.email')})`
    );
  }
  return test(COLUMNS[filter.attribute]);
}

/**
 * The SCIM server's records on PostgreSQL through Prisma's raw queries. A write is one statement: the resource
 * row and its email index in data-modifying WITH clauses that run only when the row was written. Ids order byte by
 * byte (`COLLATE "C"`), whatever the database's default collation.
 */
export class PrismaResources implements ResourceStore {
  constructor(private readonly db: PrismaQueryable) {}

  private query(sql: SqlBuilder, text: string): Promise<Row[]> {
    return Promise.resolve(this.db.$queryRawUnsafe<Row[]>(text, ...sql.values));
  }

  async getResource(organizationId: string, resourceType: ResourceType, id: string): Promise<StoredResource | null> {
    const sql = new SqlBuilder('postgresql');
    const [row] = await this.query(
      sql,
      `SELECT ${RESOURCE} FROM scim_resources r WHERE r.organization_id = ${sql.param(organizationId)} ` +
        `AND r.resource_type = ${sql.param(resourceType)} AND r.id = ${sql.param(id)}`,
    );
    return row === undefined ? null : storedResource(row);
  }

  async queryResources(query: ResourceQuery): Promise<ResourcePage> {
    const where = (sql: SqlBuilder) =>
      `r.organization_id = ${sql.param(query.organizationId)} AND r.resource_type = ${sql.param(query.resourceType)}` +
      (query.filter === null ? '' : ` AND ${filterSql(sql, query.filter)}`);
    let resources: StoredResource[] = [];
    if (query.limit > 0) {
      const sql = new SqlBuilder('postgresql');
      const rows = await this.query(
        sql,
        `SELECT ${RESOURCE} FROM scim_resources r ` +
          `WHERE ${where(sql)} ORDER BY r.id COLLATE "C" LIMIT ${sql.param(query.limit, 'int')} OFFSET ${sql.param(query.offset, 'int')}`,
      );
      resources = rows.map(storedResource);
      if (resources.length > 0 && resources.length < query.limit) {
        return { total: query.offset + resources.length, resources };
      }
      if (resources.length === 0 && query.offset === 0) return { total: 0, resources };
    }
    const sql = new SqlBuilder('postgresql');
    const [row] = await this.query(sql, `SELECT COUNT(*)::int AS total FROM scim_resources r WHERE ${where(sql)}`);
    return { total: Number(row?.total ?? 0), resources };
  }

  async existingResources(
    organizationId: string,
    resourceType: ResourceType,
    ids: readonly string[],
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const sql = new SqlBuilder('postgresql');
    const rows = await this.query(
      sql,
      `SELECT id FROM scim_resources WHERE organization_id = ${sql.param(organizationId)} ` +
        `AND resource_type = ${sql.param(resourceType)} AND ${sql.in('id', [...new Set(ids)])}`,
    );
    return rows.map((row) => String(row.id));
  }

  async putResource(organizationId: string, put: ResourcePut): Promise<ResourcePutResult> {
    const sql = new SqlBuilder('postgresql');
    const [org, type, id] = [sql.param(organizationId), sql.param(put.resourceType), sql.param(put.id)];
    const key = `organization_id = ${org} AND resource_type = ${type} AND id = ${id}`;
    if (put.resource === null) {
      if (put.expectedVersion === null) {
        return (await this.storedVersion(organizationId, put)) === null ? 'ok' : 'version-conflict';
      }
      const deleted = await this.query(
        sql,
        `DELETE FROM scim_resources WHERE ${key} AND version = ${sql.param(put.expectedVersion.toString(), 'bigint')} RETURNING id`,
      );
      return deleted.length === 1 ? 'ok' : 'version-conflict';
    }
    const { attributes, index, created, lastModified } = put.resource;
    const v = {
      version: sql.param(put.version.toString(), 'bigint'),
      attributes: sql.param(JSON.stringify(attributes)),
      userName: sql.param(index.userName, 'text'),
      externalId: sql.param(index.externalId, 'text'),
      displayName: sql.param(index.displayName, 'text'),
      active: sql.param(index.active, 'boolean'),
      created: sql.param(created, 'timestamp(3)'),
      lastModified: sql.param(lastModified, 'timestamp(3)'),
    };
    const emails = sql.param([...new Set(index.emails)], 'text[]');
    const added =
      'added AS (INSERT INTO scim_resource_emails (organization_id, resource_type, resource_id, email) ' +
      `SELECT ${org}, ${type}, ${id}, e.email FROM unnest(${emails}) AS e(email) ` +
      'WHERE EXISTS (SELECT 1 FROM written) ON CONFLICT DO NOTHING) ';
    let text: string;
    if (put.expectedVersion === null) {
      text =
        'WITH written AS (INSERT INTO scim_resources (organization_id, resource_type, id, version, attributes, ' +
        'user_name, external_id, display_name, active, created_at, last_modified) ' +
        `VALUES (${org}, ${type}, ${id}, ${v.version}, ${v.attributes}, ${v.userName}, ${v.externalId}, ` +
        `${v.displayName}, ${v.active}, ${v.created}, ${v.lastModified}) ON CONFLICT DO NOTHING RETURNING id), ` +
        `${added}SELECT id FROM written`;
    } else {
      text =
        `WITH written AS (UPDATE scim_resources SET version = ${v.version}, attributes = ${v.attributes}, ` +
        `user_name = ${v.userName}, external_id = ${v.externalId}, display_name = ${v.displayName}, ` +
        `active = ${v.active}, created_at = ${v.created}, last_modified = ${v.lastModified} WHERE ${key} ` +
        `AND version = ${sql.param(put.expectedVersion.toString(), 'bigint')} AND NOT EXISTS (SELECT 1 FROM ` +
        `scim_resources o WHERE o.organization_id = ${org} AND o.resource_type = ${type} ` +
        `AND o.user_name = ${v.userName} AND o.id <> ${id}) RETURNING id), ` +
        'gone AS (DELETE FROM scim_resource_emails WHERE EXISTS (SELECT 1 FROM written) ' +
        `AND organization_id = ${org} AND resource_type = ${type} AND resource_id = ${id} ` +
        `AND NOT (email = ANY(${emails}))), ${added}SELECT id FROM written`;
    }
    let written: Row[];
    try {
      written = await this.query(sql, text);
    } catch (error) {
      // A userName another transaction took after this statement's snapshot: retried, the transaction reads
      // the committed row and answers `uniqueness`.
      if (put.expectedVersion !== null && isUniqueViolation(error)) {
        throw new AdapterError('TRANSACTION_CONFLICT', 'the userName was taken by a concurrent write', {
          cause: error,
        });
      }
      throw error;
    }
    if (written.length === 1) return 'ok';
    return (await this.storedVersion(organizationId, put)) === put.expectedVersion ? 'uniqueness' : 'version-conflict';
  }

  private async storedVersion(organizationId: string, put: ResourcePut): Promise<bigint | null> {
    const sql = new SqlBuilder('postgresql');
    const [row] = await this.query(
      sql,
      `SELECT version::text AS version FROM scim_resources WHERE organization_id = ${sql.param(organizationId)} ` +
        `AND resource_type = ${sql.param(put.resourceType)} AND id = ${sql.param(put.id)}`,
    );
    return row === undefined ? null : toBigInt(row.version);
  }

  async addMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    if (memberships.length === 0) return;
    const sql = new SqlBuilder('postgresql');
    await this.db.$executeRawUnsafe(
      'INSERT INTO scim_memberships (organization_id, user_id, group_id) ' +
        `SELECT ${sql.param(organizationId)}, m.user_id, m.group_id FROM unnest(` +
        `${sql.param(
          memberships.map((m) => m.userId),
          'text[]',
        )}, ${sql.param(
          memberships.map((m) => m.groupId),
          'text[]',
        )}) AS m(user_id, group_id) ON CONFLICT DO NOTHING`,
      ...sql.values,
    );
  }

  async removeMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    if (memberships.length === 0) return;
    const sql = new SqlBuilder('postgresql');
    await this.db.$executeRawUnsafe(
      `DELETE FROM scim_memberships AS m USING unnest(${sql.param(
        memberships.map((x) => x.userId),
        'text[]',
      )}, ${sql.param(
        memberships.map((x) => x.groupId),
        'text[]',
      )}) AS d(user_id, group_id) WHERE m.organization_id = ${sql.param(organizationId)} ` +
        'AND m.user_id = d.user_id AND m.group_id = d.group_id',
      ...sql.values,
    );
  }

  async listGroupMembers(organizationId: string, groupId: string, page: ListPage): Promise<string[]> {
    const sql = new SqlBuilder('postgresql');
    let where = `organization_id = ${sql.param(organizationId)} AND group_id = ${sql.param(groupId)}`;
    if (page.after !== undefined) where += ` AND user_id COLLATE "C" > ${sql.param(page.after)}`;
    const rows = await this.query(
      sql,
      `SELECT user_id FROM scim_memberships WHERE ${where} ORDER BY user_id COLLATE "C" LIMIT ${sql.param(page.limit, 'int')}`,
    );
    return rows.map((row) => String(row.user_id));
  }

  async findToken(hash: string): Promise<TokenRecord | null> {
    const sql = new SqlBuilder('postgresql');
    const [row] = await this.query(sql, `SELECT * FROM scim_tokens WHERE hash = ${sql.param(hash)}`);
    return row === undefined ? null : token(row);
  }

  async saveToken(record: TokenRecord): Promise<void> {
    const sql = new SqlBuilder('postgresql');
    await this.db.$executeRawUnsafe(
      'INSERT INTO scim_tokens (hash, organization_id, label, created_at, expires_at) VALUES ' +
        `(${sql.param(record.hash)}, ${sql.param(record.organizationId)}, ${sql.param(record.label, 'text')}, ` +
        `${sql.param(record.createdAt, 'timestamp(3)')}, ${sql.param(record.expiresAt, 'timestamp(3)')}) ` +
        'ON CONFLICT (hash) DO UPDATE SET organization_id = excluded.organization_id, label = excluded.label, ' +
        'created_at = excluded.created_at, expires_at = excluded.expires_at',
      ...sql.values,
    );
  }

  async listTokens(organizationId: string): Promise<TokenRecord[]> {
    const sql = new SqlBuilder('postgresql');
    const rows = await this.query(
      sql,
      `SELECT * FROM scim_tokens WHERE organization_id = ${sql.param(organizationId)} ` +
        'ORDER BY created_at DESC, hash COLLATE "C" DESC',
    );
    return rows.map(token);
  }

  async expireTokens(organizationId: string, hashes: readonly string[], at: Date): Promise<void> {
    if (hashes.length === 0) return;
    const sql = new SqlBuilder('postgresql');
    await this.db.$executeRawUnsafe(
      `UPDATE scim_tokens SET expires_at = ${sql.param(at, 'timestamp(3)')} WHERE organization_id = ` +
        `${sql.param(organizationId)} AND ${sql.in('hash', [...new Set(hashes)])}`,
      ...sql.values,
    );
  }
}
