import type {
  ListPage,
  ResourcePage,
  ResourcePut,
  ResourcePutResult,
  ResourceQuery,
  ResourceStore,
  ResourceType,
  StoredResource,
  TokenRecord,
} from '@scim/core/adapter';
import { and, asc, desc, eq, getTableColumns, gt, inArray, ne, notExists, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { chunkRows, unique } from '../batches.js';
import { resourceFilter } from '../resource-filter.js';
import { scimMemberships, scimResourceEmails, scimResources, scimTokens } from './schema.js';
import type { SQLiteDb } from './store.js';

/** The resource columns, the version read as text so that it stays exact. */
const resourceColumns = {
  ...getTableColumns(scimResources),
  version: sql<bigint>`cast(${scimResources.version} as text)`.mapWith(BigInt),
};

type ResourceRow = typeof scimResources.$inferSelect;

const storedResource = (row: ResourceRow): StoredResource => ({
  organizationId: row.organizationId,
  resourceType: row.resourceType as ResourceType,
  id: row.id,
  attributes: JSON.parse(row.attributes) as Record<string, unknown>,
  version: row.version,
  created: row.createdAt,
  lastModified: row.lastModified,
});

const key = (organizationId: string, type: ResourceType, id: string): SQL =>
  and(
    eq(scimResources.organizationId, organizationId),
    eq(scimResources.resourceType, type),
    eq(scimResources.id, id),
  )!;

const other = alias(scimResources, 'other');

/**
 * `ResourceStore` over one SQLite database. The adapter's transaction holds the database's write lock,
 * so the conditions hold as written: a create skips a taken key or userName (`ON CONFLICT DO NOTHING`
 * covers every unique index), an update is conditional on the version and on no other User holding the
 * userName. The email index is rewritten by the same transaction (the connection may have foreign keys off).
 */
export class SQLiteResources implements ResourceStore {
  constructor(private readonly db: SQLiteDb) {}

  async getResource(organizationId: string, resourceType: ResourceType, id: string): Promise<StoredResource | null> {
    const [row] = await this.db
      .select(resourceColumns)
      .from(scimResources)
      .where(key(organizationId, resourceType, id));
    return row === undefined ? null : storedResource(row);
  }

  async queryResources(query: ResourceQuery): Promise<ResourcePage> {
    const t = scimResources;
    const where = and(
      eq(t.organizationId, query.organizationId),
      eq(t.resourceType, query.resourceType),
      query.filter === null ? undefined : resourceFilter(sqliteFilter, query.filter),
    );
    let resources: StoredResource[] = [];
    if (query.limit > 0) {
      const rows = await this.db
        .select(resourceColumns)
        .from(t)
        .where(where)
        .orderBy(asc(t.id))
        .limit(query.limit)
        .offset(query.offset);
      resources = rows.map(storedResource);
      if (resources.length > 0 && resources.length < query.limit) {
        return { total: query.offset + resources.length, resources };
      }
      if (resources.length === 0 && query.offset === 0) return { total: 0, resources };
    }
    const [count] = await this.db.select({ total: sql<number>`count(*)` }).from(t).where(where);
    return { total: Number(count?.total ?? 0), resources };
  }

  async existingResources(
    organizationId: string,
    resourceType: ResourceType,
    ids: readonly string[],
  ): Promise<string[]> {
    const t = scimResources;
    const out: string[] = [];
    for (const chunk of chunkRows(unique(ids), 1)) {
      const rows = await this.db
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.organizationId, organizationId), eq(t.resourceType, resourceType), inArray(t.id, chunk)));
      for (const row of rows) out.push(row.id);
    }
    return out;
  }

  async putResource(organizationId: string, put: ResourcePut): Promise<ResourcePutResult> {
    const t = scimResources;
    const where = key(organizationId, put.resourceType, put.id);
    if (put.resource === null) {
      if (put.expectedVersion === null) {
        return (await this.storedVersion(where)) === null ? 'ok' : 'version-conflict';
      }
      const deleted = await this.db
        .delete(t)
        .where(and(where, eq(t.version, put.expectedVersion)))
        .returning({ id: t.id });
      if (deleted.length === 0) return 'version-conflict';
      await this.deleteEmails(organizationId, put);
      return 'ok';
    }
    const { attributes, index, created, lastModified } = put.resource;
    const values = {
      version: put.version,
      attributes: JSON.stringify(attributes),
      userName: index.userName,
      externalId: index.externalId,
      displayName: index.displayName,
      active: index.active,
      createdAt: created,
      lastModified,
    };
    let written: { id: string }[];
    if (put.expectedVersion === null) {
      written = await this.db
        .insert(t)
        .values({ organizationId, resourceType: put.resourceType, id: put.id, ...values })
        .onConflictDoNothing()
        .returning({ id: t.id });
    } else {
      const nameTaken = this.db
        .select({ one: sql`1` })
        .from(other)
        .where(
          and(
            eq(other.organizationId, organizationId),
            eq(other.resourceType, put.resourceType),
            eq(other.userName, sql`${index.userName}`),
            ne(other.id, put.id),
          ),
        );
      written = await this.db
        .update(t)
        .set(values)
        .where(and(where, eq(t.version, put.expectedVersion), notExists(nameTaken)))
        .returning({ id: t.id });
      if (written.length === 1) await this.deleteEmails(organizationId, put);
    }
    if (written.length !== 1) {
      return (await this.storedVersion(where)) === put.expectedVersion ? 'uniqueness' : 'version-conflict';
    }
    const rows = unique(index.emails).map((email) => ({
      organizationId,
      resourceType: put.resourceType,
      resourceId: put.id,
      email,
    }));
    for (const chunk of chunkRows(rows, 4)) await this.db.insert(scimResourceEmails).values(chunk);
    return 'ok';
  }

  private async storedVersion(where: SQL): Promise<bigint | null> {
    const [row] = await this.db.select({ version: resourceColumns.version }).from(scimResources).where(where);
    return row === undefined ? null : row.version;
  }

  private async deleteEmails(organizationId: string, put: ResourcePut): Promise<void> {
    const e = scimResourceEmails;
    await this.db
      .delete(e)
      .where(and(eq(e.organizationId, organizationId), eq(e.resourceType, put.resourceType), eq(e.resourceId, put.id)));
  }

  async addMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    const rows = memberships.map((m) => ({ organizationId, userId: m.userId, groupId: m.groupId }));
    for (const chunk of chunkRows(rows, 3)) await this.db.insert(scimMemberships).values(chunk).onConflictDoNothing();
  }

  async removeMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    const t = scimMemberships;
    for (const chunk of chunkRows(memberships, 2)) {
      const pairs = sql.join(
        chunk.map((m) => sql`(${m.userId}, ${m.groupId})`),
        sql`, `,
      );
      await this.db
        .delete(t)
        .where(and(eq(t.organizationId, organizationId), sql`(${t.userId}, ${t.groupId}) in (values ${pairs})`));
    }
  }

  async listGroupMembers(organizationId: string, groupId: string, page: ListPage): Promise<string[]> {
    const t = scimMemberships;
    const rows = await this.db
      .select({ userId: t.userId })
      .from(t)
      .where(
        and(
          eq(t.organizationId, organizationId),
          eq(t.groupId, groupId),
          page.after === undefined ? undefined : gt(t.userId, page.after),
        ),
      )
      .orderBy(asc(t.userId))
      .limit(page.limit);
    return rows.map((row) => row.userId);
  }

  async findToken(hash: string): Promise<TokenRecord | null> {
    const [row] = await this.db.select().from(scimTokens).where(eq(scimTokens.hash, hash));
    return row ?? null;
  }

  async saveToken(token: TokenRecord): Promise<void> {
    const { hash, ...rest } = token;
    await this.db.insert(scimTokens).values(token).onConflictDoUpdate({ target: scimTokens.hash, set: rest });
  }

  async listTokens(organizationId: string): Promise<TokenRecord[]> {
    const t = scimTokens;
    return this.db
      .select()
      .from(t)
      .where(eq(t.organizationId, organizationId))
      .orderBy(desc(t.createdAt), desc(t.hash));
  }

  async expireTokens(organizationId: string, hashes: readonly string[], at: Date): Promise<void> {
    const t = scimTokens;
    for (const chunk of chunkRows(unique(hashes), 1)) {
      await this.db
        .update(t)
        .set({ expiresAt: at })
        .where(and(eq(t.organizationId, organizationId), inArray(t.hash, chunk)));
    }
  }
}

/** SQLite's LIKE ignores ASCII case: a prefix is compared with `substr`, a part found with `instr`. */
const sqliteFilter = {
  columns: {
    id: scimResources.id,
    userName: scimResources.userName,
    externalId: scimResources.externalId,
    displayName: scimResources.displayName,
    active: scimResources.active,
    lastModified: scimResources.lastModified,
  },
  startsWith: (column: SQL, prefix: string): SQL => sql`substr(${column}, 1, length(${prefix})) = ${prefix}`,
  contains: (column: SQL, part: string): SQL => sql`instr(${column}, ${part}) > 0`,
  emails: (match: (column: SQL) => SQL): SQL =>
    sql`exists (select 1 from ${scimResourceEmails} where ${scimResourceEmails.organizationId} = ${scimResources.organizationId} and ${scimResourceEmails.resourceType} = ${scimResources.resourceType} and ${scimResourceEmails.resourceId} = ${scimResources.id} and ${match(sql`${scimResourceEmails.email}`)})`,
};
