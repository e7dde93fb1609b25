import type {
  DirectoryGroupRef,
  EntityKind,
  EntityState,
  InboxRecord,
  InboxStatus,
  StoredGroup,
  SyncState,
  UserWrite,
} from '@scim/core';
import type {
  DirectoryWrite,
  EntityAdvance,
  EventQuery,
  GroupWrite,
  HeldLease,
  IdentityLink,
  InboxUpdate,
  LeaseRequest,
  ListPage,
  Membership,
  ResourceStore,
  ScimStore,
  StoredDirectory,
  UserPatch,
} from '@scim/core/adapter';
import { and, asc, type Column, desc, eq, getTableColumns, gt, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type {
  BaseSQLiteDatabase,
  SQLiteColumn,
  SQLiteInsertValue,
  SQLiteTable,
  SQLiteUpdateSetSource,
} from 'drizzle-orm/sqlite-core';
import { chunkRows, decodeRoles, encodeRoles, finishGroups, firstOfEachId, unique } from '../batches.js';
import { type EmailLink, linkUsersByEmail } from '../email-links.js';
import { eventPageFilter } from '../event-page.js';
import { requireUserTable, type UserRows } from '../user-rows.js';
import * as links from './links.js';
import { SQLiteResources } from './resources.js';
import {
  scimDirectories,
  scimEntities,
  scimEvents,
  scimGroups,
  scimLeases,
  scimMemberships,
  scimSyncStates,
} from './schema.js';

/** A SQLite database of any driver (better-sqlite3, libsql, ...). */
export type SQLiteDb = BaseSQLiteDatabase<'sync' | 'async', unknown, Record<string, unknown>>;

/** The value the insert proposed for a column (`excluded.<column>`). */
const excluded = (column: Column): SQL => sql`excluded.${sql.identifier(column.name)}`;

type InboxRow = typeof scimEvents.$inferSelect;
type EntityRow = typeof scimEntities.$inferSelect;

function inboxRecord(row: InboxRow): InboxRecord {
  return { ...row, status: row.status as InboxStatus };
}

/** The entity columns, the version read as text so that it stays exact. */
const entityColumns = {
  ...getTableColumns(scimEntities),
  version: sql<bigint>`cast(${scimEntities.version} as text)`.mapWith(BigInt),
};

function entityState(row: EntityRow): EntityState {
  return { ...row, kind: row.kind as EntityKind, directoryRoles: decodeRoles(row.directoryRoles) };
}

/**
 * The `ScimStore` over one SQLite database (inside a transaction the adapter opened).
 * Reached through `inOrder()`: no multi-row write names an id twice.
 */
export class SQLiteStore implements ScimStore, ResourceStore {
  private readonly resources: SQLiteResources;

  constructor(
    private readonly db: SQLiteDb,
    private readonly mapping: UserRows | null,
  ) {
    this.resources = new SQLiteResources(db);
  }

  getResource: ResourceStore['getResource'] = (...args) => this.resources.getResource(...args);
  queryResources: ResourceStore['queryResources'] = (...args) => this.resources.queryResources(...args);
  existingResources: ResourceStore['existingResources'] = (...args) => this.resources.existingResources(...args);
  putResource: ResourceStore['putResource'] = (...args) => this.resources.putResource(...args);
  addMemberships: ResourceStore['addMemberships'] = (...args) => this.resources.addMemberships(...args);
  removeMemberships: ResourceStore['removeMemberships'] = (...args) => this.resources.removeMemberships(...args);
  listGroupMembers: ResourceStore['listGroupMembers'] = (...args) => this.resources.listGroupMembers(...args);
  findToken: ResourceStore['findToken'] = (...args) => this.resources.findToken(...args);
  saveToken: ResourceStore['saveToken'] = (...args) => this.resources.saveToken(...args);
  listTokens: ResourceStore['listTokens'] = (...args) => this.resources.listTokens(...args);
  expireTokens: ResourceStore['expireTokens'] = (...args) => this.resources.expireTokens(...args);

  /** The table mapping; a CONFIGURATION_ERROR in service mode. */
  private get users(): UserRows {
    return requireUserTable(this.mapping);
  }

  async claimEvents(records: readonly InboxRecord[]): Promise<string[]> {
    const claimed: string[] = [];
    // Chunks keep each statement under SQLite's bound-parameter limit (8 parameters a row).
    for (const chunk of chunkRows(firstOfEachId(records), 8)) {
      const inserted = await this.db
        .insert(scimEvents)
        .values(chunk)
        .onConflictDoNothing({ target: scimEvents.id })
        .returning({ id: scimEvents.id });
      for (const row of inserted) claimed.push(row.id);
    }
    return claimed;
  }

  async finishEvents(entries: readonly InboxUpdate[]): Promise<void> {
    for (const { set, ids } of finishGroups(entries)) {
      await this.db.update(scimEvents).set(set).where(inArray(scimEvents.id, ids));
    }
  }

  async listEvents(query: EventQuery): Promise<InboxRecord[]> {
    const t = scimEvents;
    const rows = await this.db
      .select()
      .from(t)
      .where(eventPageFilter(t, query))
      .orderBy(desc(t.receivedAt), desc(t.id))
      .limit(query.limit);
    return rows.map(inboxRecord);
  }

  async getEvent(id: string): Promise<InboxRecord | null> {
    const [row] = await this.db.select().from(scimEvents).where(eq(scimEvents.id, id));
    return row === undefined ? null : inboxRecord(row);
  }

  async pruneEvents(before: Date): Promise<number> {
    const removed = await this.db
      .delete(scimEvents)
      .where(lt(scimEvents.receivedAt, before))
      .returning({ id: scimEvents.id });
    return removed.length;
  }

  async getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select(entityColumns)
      .from(scimEntities)
      .where(
        and(
          eq(scimEntities.organizationId, organizationId),
          eq(scimEntities.kind, kind),
          inArray(scimEntities.id, unique(ids)),
        ),
      );
    return rows.map(entityState);
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    const written: string[] = [];
    const now = new Date();
    const rows = items.map((item) => ({
      organizationId,
      kind,
      id: item.id,
      version: item.version,
      deleted: item.deleted,
      active: item.active,
      fingerprint: item.fingerprint,
      directoryRoles: encodeRoles(item.directoryRoles),
      eventId: item.eventId,
      updatedAt: now,
    }));
    const t = scimEntities;
    // Ids do not repeat here (`inOrder` splits them into rounds): the three kinds of item may go apart.
    // No record expected: inserted where none exists, else nothing.
    const fresh = rows.filter((_, i) => items[i]!.expected === null);
    for (const chunk of chunkRows(fresh, 10)) {
      const result = await this.db.insert(t).values(chunk).onConflictDoNothing().returning({ id: t.id });
      for (const row of result) written.push(row.id);
    }
    // A version expected: an update whose condition names it (SQLite has one writer at a time).
    for (const item of items) {
      if (item.expected === null || item.expected === undefined) continue;
      const result = await this.db
        .update(t)
        .set({
          version: item.version,
          deleted: item.deleted,
          active: item.active,
          fingerprint: item.fingerprint,
          directoryRoles: encodeRoles(item.directoryRoles),
          eventId: item.eventId,
          updatedAt: now,
        })
        .where(
          and(
            eq(t.organizationId, organizationId),
            eq(t.kind, kind),
            eq(t.id, item.id),
            eq(t.version, item.expected),
            sql`(${t.version} < ${sql.param(item.version, t.version)} or (${t.version} = ${sql.param(item.version, t.version)} and ${t.eventId} is not null and ${t.eventId} = ${item.eventId}))`,
          ),
        )
        .returning({ id: t.id });
      for (const row of result) written.push(row.id);
    }
    const plain = rows.filter((_, i) => items[i]!.expected === undefined);
    for (const chunk of chunkRows(plain, 10)) {
      const result = await this.db
        .insert(t)
        .values(chunk)
        .onConflictDoUpdate({
          target: [t.organizationId, t.kind, t.id],
          set: {
            version: excluded(t.version),
            deleted: excluded(t.deleted),
            active: excluded(t.active),
            fingerprint: excluded(t.fingerprint),
            directoryRoles: excluded(t.directoryRoles),
            eventId: excluded(t.eventId),
            updatedAt: excluded(t.updatedAt),
          },
          // The version rule, decided by the database under the row lock.
          setWhere: sql`${t.version} < ${excluded(t.version)} or (${t.version} = ${excluded(t.version)} and ${t.eventId} is not null and ${t.eventId} = ${excluded(t.eventId)})`,
        })
        .returning({ id: t.id });
      for (const row of result) written.push(row.id);
    }
    return written;
  }

  async listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> {
    const t = scimEntities;
    const rows = await this.db
      .select(entityColumns)
      .from(t)
      .where(
        and(
          eq(t.organizationId, organizationId),
          eq(t.kind, kind),
          page.after === undefined ? undefined : gt(t.id, page.after),
        ),
      )
      .orderBy(asc(t.id))
      .limit(page.limit);
    return rows.map(entityState);
  }

  private userKey(organizationId: string, ids: readonly string[]): SQL | undefined {
    return and(eq(this.users.organizationIdColumn, organizationId), inArray(this.users.userIdColumn, unique(ids)));
  }

  async upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    const table = this.users.table as SQLiteTable;
    for (const shape of this.users.shapes(organizationId, users)) {
      const updateKeys = this.users.updateKeys(shape);
      const set = Object.fromEntries(
        updateKeys.map((key) => [key, excluded(this.users.column(key))]),
      ) as SQLiteUpdateSetSource<SQLiteTable>;
      for (const chunk of chunkRows(shape.rows, shape.keys.length)) {
        const insert = this.db.insert(table).values(chunk as SQLiteInsertValue<SQLiteTable>[]);
        const target = [this.users.organizationIdColumn, this.users.userIdColumn] as SQLiteColumn[];
        await (updateKeys.length === 0
          ? insert.onConflictDoNothing({ target })
          : insert.onConflictDoUpdate({ target, set }));
      }
    }
  }

  async patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    const table = this.users.table as SQLiteTable;
    for (const group of this.users.patchGroups(patches)) {
      await this.db
        .update(table)
        .set(group.set as SQLiteUpdateSetSource<SQLiteTable>)
        .where(this.userKey(organizationId, group.ids));
    }
  }

  async deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.delete(this.users.table as SQLiteTable).where(this.userKey(organizationId, ids));
  }

  async upsertGroups(organizationId: string, groups: readonly GroupWrite[]): Promise<void> {
    const t = scimGroups;
    // A field left undefined keeps its stored value: rows are grouped by the fields they give.
    const shapes = new Map<string, { fields: (keyof typeof t.$inferInsert)[]; rows: (typeof t.$inferInsert)[] }>();
    for (const group of groups) {
      const row: typeof t.$inferInsert = { organizationId, id: group.id };
      if (group.directoryId !== undefined) row.directoryId = group.directoryId;
      if (group.displayName !== undefined) row.displayName = group.displayName;
      if (group.externalId !== undefined) row.externalId = group.externalId;
      const fields = (['directoryId', 'displayName', 'externalId'] as const).filter((f) => f in row);
      const signature = fields.join(',');
      const shape = shapes.get(signature) ?? { fields, rows: [] };
      shape.rows.push(row);
      shapes.set(signature, shape);
    }
    for (const { fields, rows } of shapes.values()) {
      const insert = this.db.insert(t).values(rows);
      const target = [t.organizationId, t.id];
      if (fields.length === 0) await insert.onConflictDoNothing({ target });
      else
        await insert.onConflictDoUpdate({
          target,
          set: Object.fromEntries(fields.map((f) => [f, excluded(t[f])])),
        });
    }
  }

  async ensureGroups(organizationId: string, groups: readonly DirectoryGroupRef[]): Promise<void> {
    if (groups.length === 0) return;
    const rows = groups.map((g) => ({
      organizationId,
      id: g.id,
      displayName: g.displayName ?? null,
    }));
    await this.db.insert(scimGroups).values(rows).onConflictDoNothing();
  }

  async deleteGroups(organizationId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .delete(scimGroups)
      .where(and(eq(scimGroups.organizationId, organizationId), inArray(scimGroups.id, unique(ids))));
  }

  async getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(scimGroups)
      .where(and(eq(scimGroups.organizationId, organizationId), inArray(scimGroups.id, unique(ids))));
  }

  async replaceMemberships(
    organizationId: string,
    entries: readonly { userId: string; groupIds: readonly string[] }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const t = scimMemberships;
    const wanted = new Map<string, { organizationId: string; userId: string; groupId: string }>();
    // A user named twice keeps its last entry, as if the entries were applied in order.
    const byUser = new Map(entries.map((e) => [e.userId, e.groupIds]));
    for (const [userId, groupIds] of byUser) {
      for (const groupId of groupIds) wanted.set(`${userId}\u0000${groupId}`, { organizationId, userId, groupId });
    }
    const userIds = [...byUser.keys()];
    // The database is in process: replacing all of these users' rows costs no extra round trip.
    for (const chunk of chunkRows(userIds, 1)) {
      await this.db.delete(t).where(and(eq(t.organizationId, organizationId), inArray(t.userId, chunk)));
    }
    for (const chunk of chunkRows([...wanted.values()], 3)) await this.db.insert(t).values(chunk).onConflictDoNothing();
  }

  async removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    if (groupIds.length === 0) return [];
    const t = scimMemberships;
    return this.db
      .delete(t)
      .where(and(eq(t.organizationId, organizationId), inArray(t.groupId, unique(groupIds))))
      .returning();
  }

  async listMemberships(
    organizationId: string,
    filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
  ): Promise<Membership[]> {
    const t = scimMemberships;
    const [column, ids] = 'userIds' in filter ? [t.userId, filter.userIds] : [t.groupId, filter.groupIds];
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(t)
      .where(and(eq(t.organizationId, organizationId), inArray(column, unique(ids))));
  }

  async upsertDirectory(organizationId: string, directory: DirectoryWrite): Promise<void> {
    const t = scimDirectories;
    const optional = {
      ...(directory.provider === undefined ? {} : { provider: directory.provider }),
      ...(directory.directoryType === undefined ? {} : { directoryType: directory.directoryType }),
      ...(directory.status === undefined ? {} : { status: directory.status }),
    };
    await this.db
      .insert(t)
      .values({ organizationId, id: directory.id, enabled: directory.enabled, ...optional })
      .onConflictDoUpdate({ target: [t.organizationId, t.id], set: { enabled: directory.enabled, ...optional } });
  }

  async getDirectory(organizationId: string, id: string): Promise<StoredDirectory | null> {
    const t = scimDirectories;
    const [row] = await this.db
      .select()
      .from(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.id, id)));
    return row ?? null;
  }

  async getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null> {
    const t = scimSyncStates;
    const [row] = await this.db
      .select()
      .from(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.directoryId, directoryId)));
    return row === undefined ? null : { ...row, status: row.status as SyncState['status'] };
  }

  async saveSyncState(state: SyncState): Promise<void> {
    const t = scimSyncStates;
    const { organizationId, directoryId, ...rest } = state;
    await this.db
      .insert(t)
      .values(state)
      .onConflictDoUpdate({ target: [t.organizationId, t.directoryId], set: rest });
  }

  async acquireLease(request: LeaseRequest): Promise<boolean> {
    const t = scimLeases;
    const now = request.now.getTime();
    const taken = await this.db
      .insert(t)
      .values({ name: request.name, owner: request.owner, expiresAt: now + request.ttlMs })
      .onConflictDoUpdate({
        target: t.name,
        set: { owner: excluded(t.owner), expiresAt: excluded(t.expiresAt) },
        setWhere: or(eq(t.owner, request.owner), sql`${t.expiresAt} <= ${now}`)!,
      })
      .returning({ name: t.name });
    return taken.length === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.delete(scimLeases).where(and(eq(scimLeases.name, name), eq(scimLeases.owner, owner)));
  }

  /** Held means unexpired: the same comparison that lets `acquireLease` take a lease over. */
  async getLeases(names: readonly string[], now: Date): Promise<HeldLease[]> {
    if (names.length === 0) return [];
    const t = scimLeases;
    const rows = await this.db
      .select()
      .from(t)
      .where(and(inArray(t.name, unique(names)), gt(t.expiresAt, now.getTime())));
    return rows.map((row) => ({ name: row.name, owner: row.owner, expiresAt: new Date(row.expiresAt) }));
  }

  async listSyncStates(organizationId?: string): Promise<SyncState[]> {
    const t = scimSyncStates;
    const rows = await this.db
      .select()
      .from(t)
      .where(organizationId === undefined ? undefined : eq(t.organizationId, organizationId))
      .orderBy(asc(t.organizationId), asc(t.directoryId));
    return rows.map((row) => ({ ...row, status: row.status as SyncState['status'] }));
  }

  getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]> {
    return links.getLinks(this.db, organizationId, directoryUserIds);
  }

  getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]> {
    return links.getLinksToAppUsers(this.db, organizationId, appUserIds);
  }

  saveLinks(organizationId: string, identityLinks: readonly IdentityLink[]): Promise<void> {
    return links.saveLinks(this.db, organizationId, identityLinks);
  }

  deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void> {
    return links.deleteLinks(this.db, organizationId, directoryUserIds);
  }

  linkUsersByEmail(organizationId: string, emailLinks: readonly EmailLink[]): Promise<string[]> {
    const statements = {
      all: async (query: SQL) => this.db.all<Record<string, unknown>>(query),
      run: async (query: SQL) => this.db.run(query),
      returning: true,
    };
    return linkUsersByEmail(this.users, statements, organizationId, emailLinks);
  }
}
