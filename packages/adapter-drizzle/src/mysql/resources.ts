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
import { and, asc, desc, eq, getTableColumns, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { chunkRows, unique } from '../batches.js';
import { isMysqlDuplicate } from '../errors.js';
import { likePrefix, resourceFilter } from '../resource-filter.js';
import { scimMemberships, scimResourceEmails, scimResources, scimTokens } from './schema.js';
import { affectedRows, type MySqlDb } from './store.js';

/** The resource columns, the version read as text so that it stays exact. */
const resourceColumns = {
  ...getTableColumns(scimResources),
  version: sql<bigint>`cast(${scimResources.version} as char)`.mapWith(BigInt),
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

/**
 * `ResourceStore` over one MySQL/MariaDB database. A failed statement does not end the transaction, so the
 * unique indexes answer for the database itself: a duplicate key on insert (the resource's key, or the
 * userName of another User, which InnoDB checks once a concurrent writer of it commits) or on update refuses
 * the put, and a second read says why. The version is compared by the UPDATE's or DELETE's own condition.
 * The email index is only written under its resource's row lock, so it is rewritten whole.
 */
export class MySqlResources implements ResourceStore {
  constructor(private readonly db: MySqlDb) {}

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
      query.filter === null ? undefined : resourceFilter(mysqlFilter, query.filter),
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
      // The email index goes with the row, through the foreign key's cascade.
      const deleted = affectedRows(await this.db.delete(t).where(and(where, eq(t.version, put.expectedVersion))));
      return deleted === 0 ? 'version-conflict' : 'ok';
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
    try {
      if (put.expectedVersion === null) {
        await this.db.insert(t).values({ organizationId, resourceType: put.resourceType, id: put.id, ...values });
      } else {
        const updated = affectedRows(
          await this.db
            .update(t)
            .set(values)
            .where(and(where, eq(t.version, put.expectedVersion))),
        );
        if (updated === 0) return 'version-conflict';
        await this.deleteEmails(organizationId, put);
      }
    } catch (error) {
      if (!isMysqlDuplicate(error)) throw error;
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
    const t = scimMemberships;
    for (const chunk of chunkRows(rows, 3)) {
      await this.db
        .insert(t)
        .values(chunk)
        .onDuplicateKeyUpdate({ set: { organizationId: sql`${sql.identifier(t.organizationId.name)}` } });
    }
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
        .where(and(eq(t.organizationId, organizationId), sql`(${t.userId}, ${t.groupId}) in (${pairs})`));
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
    await this.db.insert(scimTokens).values(token).onDuplicateKeyUpdate({ set: rest });
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

/** utf8mb4_bin columns: LIKE and LOCATE compare bytes. */
const mysqlFilter = {
  columns: {
    id: scimResources.id,
    userName: scimResources.userName,
    externalId: scimResources.externalId,
    displayName: scimResources.displayName,
    active: scimResources.active,
    lastModified: scimResources.lastModified,
  },
  startsWith: (column: SQL, prefix: string): SQL => sql`${column} like ${likePrefix(prefix)} escape '!'`,
  contains: (column: SQL, part: string): SQL => sql`locate(${part}, ${column}) > 0`,
  emails: (match: (column: SQL) => SQL): SQL =>
    sql`exists (select 1 from ${scimResourceEmails} where ${scimResourceEmails.organizationId} = ${scimResources.organizationId} and ${scimResourceEmails.resourceType} = ${scimResources.resourceType} and ${scimResourceEmails.resourceId} = ${scimResources.id} and ${match(sql`${scimResourceEmails.email}`)})`,
};
