import {
  AdapterError,
  type ListPage,
  type ResourcePage,
  type ResourcePut,
  type ResourcePutResult,
  type ResourceQuery,
  type ResourceStore,
  type ResourceType,
  type StoredResource,
  type TokenRecord,
} from '@scim/core/adapter';
import { and, asc, desc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { unique } from '../batches.js';
import { translateError } from '../errors.js';
import { likePrefix, resourceFilter } from '../resource-filter.js';
import { arrayLiteral } from './array-literal.js';
import { anyOf } from './operators.js';
import { PreparedText } from './prepared.js';
import { scimMemberships, scimResourceEmails, scimResources, scimTokens } from './schema.js';
import type { PgDb } from './store.js';

/**
 * The SCIM server's records on PostgreSQL. Each compare-and-set write is one statement: the resource row
 * and its email index are written by data-modifying WITH clauses that run only when the row was written.
 * Parameters: $1 organization, $2 type, $3 id, $4 version, $5 attributes, $6..$9 the filter values,
 * $10 created, $11 last modified, $12 the emails (an array), and for an update $13 the expected version.
 */
const VALUES =
  '$1::text, $2::text, $3::text, $4::bigint, $5::text, $6::text, $7::text, $8::text, $9::boolean, ' +
  '$10::timestamptz, $11::timestamptz';
const ADD_EMAILS =
  'added as (insert into "scim_resource_emails" ("organization_id", "resource_type", "resource_id", "email") ' +
  'select $1::text, $2::text, $3::text, e.email from unnest($12::text[]) as e(email) ' +
  'where exists (select 1 from written) on conflict do nothing) ';

// ON CONFLICT DO NOTHING covers the key and the userName's unique index alike, and waits for a
// concurrent insert of either to commit or roll back.
const CREATE_RESOURCE = new PreparedText(
  'with written as (insert into "scim_resources" ("organization_id", "resource_type", "id", "version", ' +
    '"attributes", "user_name", "external_id", "display_name", "active", "created_at", "last_modified") ' +
    `values (${VALUES}) on conflict do nothing returning "id"), ${ADD_EMAILS}select "id" from written`,
);

// Conditional on the version and on no other User holding the userName (as of this statement's snapshot:
// a rename committed meanwhile by another transaction meets the unique index instead).
const UPDATE_RESOURCE = new PreparedText(
  'with written as (update "scim_resources" set "version" = $4::bigint, "attributes" = $5::text, ' +
    '"user_name" = $6::text, "external_id" = $7::text, "display_name" = $8::text, "active" = $9::boolean, ' +
    '"created_at" = $10::timestamptz, "last_modified" = $11::timestamptz ' +
    'where "organization_id" = $1::text and "resource_type" = $2::text and "id" = $3::text ' +
    'and "version" = $13::bigint and not exists (select 1 from "scim_resources" o where ' +
    'o."organization_id" = $1::text and o."resource_type" = $2::text and o."user_name" = $6::text ' +
    'and o."id" <> $3::text) returning "id"), ' +
    'gone as (delete from "scim_resource_emails" where exists (select 1 from written) ' +
    'and "organization_id" = $1::text and "resource_type" = $2::text and "resource_id" = $3::text ' +
    'and not ("email" = any($12::text[]))), ' +
    `${ADD_EMAILS}select "id" from written`,
);

// The email index goes with the row, through the foreign key's cascade.
const DELETE_RESOURCE = new PreparedText(
  'delete from "scim_resources" where "organization_id" = $1::text and "resource_type" = $2::text ' +
    'and "id" = $3::text and "version" = $4::bigint returning "id"',
);

const STORED_VERSION = new PreparedText(
  'select "version"::text as "version" from "scim_resources" ' +
    'where "organization_id" = $1::text and "resource_type" = $2::text and "id" = $3::text',
);

const ADD_MEMBERSHIPS = new PreparedText(
  'insert into "scim_memberships" ("organization_id", "user_id", "group_id") select $1::text, m.user_id, ' +
    'm.group_id from unnest($2::text[], $3::text[]) as m(user_id, group_id) on conflict do nothing',
);

const REMOVE_MEMBERSHIPS = new PreparedText(
  'delete from "scim_memberships" as m using unnest($2::text[], $3::text[]) as d(user_id, group_id) ' +
    'where m."organization_id" = $1::text and m."user_id" = d.user_id and m."group_id" = d.group_id',
);

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

const isUniqueViolation = (error: unknown): boolean => {
  const translated = translateError(error);
  return translated instanceof AdapterError && translated.code === 'UNIQUE_VIOLATION';
};

/** `ResourceStore` over one PostgreSQL database or transaction. */
export class PgResources implements ResourceStore {
  constructor(private readonly db: PgDb) {}

  async getResource(organizationId: string, resourceType: ResourceType, id: string): Promise<StoredResource | null> {
    const t = scimResources;
    const [row] = await this.db
      .select()
      .from(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.resourceType, resourceType), eq(t.id, id)));
    return row === undefined ? null : storedResource(row);
  }

  /**
   * The page in id order, and the total: counted apart only when the page cannot tell it (a full page,
   * or an empty one past the first row), so a lookup by a unique value is one statement.
   */
  async queryResources(query: ResourceQuery): Promise<ResourcePage> {
    const t = scimResources;
    const where = and(
      eq(t.organizationId, query.organizationId),
      eq(t.resourceType, query.resourceType),
      query.filter === null ? undefined : resourceFilter(pgFilter, query.filter),
    );
    let resources: StoredResource[] = [];
    if (query.limit > 0) {
      const rows = await this.db
        .select()
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
    const [count] = await this.db.select({ total: sql<string>`count(*)` }).from(t).where(where);
    return { total: Number(count?.total ?? 0), resources };
  }

  async existingResources(
    organizationId: string,
    resourceType: ResourceType,
    ids: readonly string[],
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const t = scimResources;
    const rows = await this.db
      .select({ id: t.id })
      .from(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.resourceType, resourceType), anyOf(t.id, ids)));
    return rows.map((row) => row.id);
  }

  async putResource(organizationId: string, put: ResourcePut): Promise<ResourcePutResult> {
    const key = [organizationId, put.resourceType, put.id];
    if (put.resource === null) {
      if (put.expectedVersion === null) {
        return (await this.storedVersion(organizationId, put)) === null ? 'ok' : 'version-conflict';
      }
      const deleted = await DELETE_RESOURCE.run(this.db, [...key, put.expectedVersion.toString()]);
      return deleted.length === 1 ? 'ok' : 'version-conflict';
    }
    const { attributes, index, created, lastModified } = put.resource;
    const params: unknown[] = [
      ...key,
      put.version.toString(),
      JSON.stringify(attributes),
      index.userName,
      index.externalId,
      index.displayName,
      index.active,
      created.toISOString(),
      lastModified.toISOString(),
      arrayLiteral(unique(index.emails)),
    ];
    let written: Record<string, unknown>[];
    if (put.expectedVersion === null) {
      written = await CREATE_RESOURCE.run(this.db, params);
    } else {
      try {
        written = await UPDATE_RESOURCE.run(this.db, [...params, put.expectedVersion.toString()]);
      } catch (error) {
        // A userName another transaction took after this statement's snapshot: retried, the transaction
        // reads the committed row and answers `uniqueness`.
        if (isUniqueViolation(error)) {
          throw new AdapterError('TRANSACTION_CONFLICT', 'the userName was taken by a concurrent write', {
            cause: error,
          });
        }
        throw error;
      }
    }
    if (written.length === 1) return 'ok';
    // Nothing written: the version was not the expected one, or (it was) another User has the userName.
    return (await this.storedVersion(organizationId, put)) === put.expectedVersion ? 'uniqueness' : 'version-conflict';
  }

  private async storedVersion(organizationId: string, put: ResourcePut): Promise<bigint | null> {
    const [row] = await STORED_VERSION.run(this.db, [organizationId, put.resourceType, put.id]);
    return row === undefined ? null : BigInt(row.version as string);
  }

  async addMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    if (memberships.length === 0) return;
    await ADD_MEMBERSHIPS.run(this.db, [
      organizationId,
      arrayLiteral(memberships.map((m) => m.userId)),
      arrayLiteral(memberships.map((m) => m.groupId)),
    ]);
  }

  async removeMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    if (memberships.length === 0) return;
    await REMOVE_MEMBERSHIPS.run(this.db, [
      organizationId,
      arrayLiteral(memberships.map((m) => m.userId)),
      arrayLiteral(memberships.map((m) => m.groupId)),
    ]);
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
    if (hashes.length === 0) return;
    const t = scimTokens;
    await this.db
      .update(t)
      .set({ expiresAt: at })
      .where(and(eq(t.organizationId, organizationId), anyOf(t.hash, hashes)));
  }
}

/** The dialect's text tests of a filter over `scim_resources` and its email index. */
const pgFilter = {
  columns: {
    id: scimResources.id,
    userName: scimResources.userName,
    externalId: scimResources.externalId,
    displayName: scimResources.displayName,
    active: scimResources.active,
    lastModified: scimResources.lastModified,
  },
  // The "C" collation makes LIKE compare bytes, and lets a prefix use the index.
  startsWith: (column: SQL, prefix: string): SQL => sql`${column} like ${likePrefix(prefix)} escape '!'`,
  contains: (column: SQL, part: string): SQL => sql`strpos(${column}, ${part}) > 0`,
  emails: (match: (column: SQL) => SQL): SQL =>
    sql`exists (select 1 from ${scimResourceEmails} where ${scimResourceEmails.organizationId} = ${scimResources.organizationId} and ${scimResourceEmails.resourceType} = ${scimResources.resourceType} and ${scimResourceEmails.resourceId} = ${scimResources.id} and ${match(sql`${scimResourceEmails.email}`)})`,
};
