import { randomUUID } from 'node:crypto';
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
import { and, asc, type Column, desc, eq, getTableColumns, gt, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type {
  MySqlDatabase,
  MySqlInsertValue,
  MySqlQueryResultHKT,
  MySqlTable,
  MySqlUpdateSetSource,
  PreparedQueryHKTBase,
} from 'drizzle-orm/mysql-core';
import { chunkRows, decodeRoles, encodeRoles, finishGroups, firstOfEachId, unique } from '../batches.js';
import { type EmailLink, linkUsersByEmail } from '../email-links.js';
import { isMysqlDuplicate } from '../errors.js';
import { eventPageFilter } from '../event-page.js';
import { requireUserTable, type UserRows } from '../user-rows.js';
import * as links from './links.js';
import { MySqlResources } from './resources.js';
import {
  scimDirectories,
  scimEntities,
  scimEvents,
  scimGroups,
  scimLeases,
  scimMemberships,
  scimSyncStates,
} from './schema.js';

/** A MySQL or MariaDB database or transaction (mysql2). */
export type MySqlDb = MySqlDatabase<MySqlQueryResultHKT, PreparedQueryHKTBase, Record<string, unknown>>;

/** The value the insert proposed for a column, inside ON DUPLICATE KEY UPDATE. */
const proposed = (column: Column): SQL => sql`values(${sql.identifier(column.name)})`;

/** Rows a statement changed: mysql2 answers `[ResultSetHeader, fields]`. */
export function affectedRows(result: unknown): number {
  const header = Array.isArray(result) ? result[0] : result;
  const count = (header as { affectedRows?: unknown } | undefined)?.affectedRows;
  return typeof count === 'number' ? count : 0;
}

/** The entity columns, the version read as text: mysql2 hands out BIGINT past 2^53 as an imprecise number. */
const { writeToken: _token, ...entityTableColumns } = getTableColumns(scimEntities);
const entityColumns = {
  ...entityTableColumns,
  version: sql<bigint>`cast(${scimEntities.version} as char)`.mapWith(BigInt),
};

type InboxRow = typeof scimEvents.$inferSelect;
type EntityRow = Omit<typeof scimEntities.$inferSelect, 'writeToken'>;

function inboxRecord(row: InboxRow): InboxRecord {
  return { ...row, status: row.status as InboxStatus };
}

function entityState(row: EntityRow): EntityState {
  return { ...row, kind: row.kind as EntityKind, directoryRoles: decodeRoles(row.directoryRoles) };
}

/**
 * The `ScimStore` over one MySQL/MariaDB transaction. MySQL has neither RETURNING nor a WHERE on
 * ON DUPLICATE KEY UPDATE: conditional writes use IF() per column, and their outcome is read back
 * inside the same transaction, while the rows are still locked.
 * Reached through `inOrder()`: no multi-row write names an id twice.
 */
export class MySqlStore implements ScimStore, ResourceStore {
  private readonly resources: MySqlResources;

  constructor(
    private readonly db: MySqlDb,
    private readonly mapping: UserRows | null,
  ) {
    this.resources = new MySqlResources(db);
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
    // MySQL cannot say which rows of a multi-row insert were new, and INSERT IGNORE would hide other
    // errors too: one insert per record, where a duplicate key fails only that statement, not the
    // transaction; every other error is rethrown.
    const claimed: string[] = [];
    for (const record of firstOfEachId(records)) {
      try {
        await this.db.insert(scimEvents).values(record);
        claimed.push(record.id);
      } catch (error) {
        if (!isMysqlDuplicate(error)) throw error;
      }
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
    return affectedRows(await this.db.delete(scimEvents).where(lt(scimEvents.receivedAt, before)));
  }

  async getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]> {
    if (ids.length === 0) return [];
    const t = scimEntities;
    const rows = await this.db
      .select(entityColumns)
      .from(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.kind, kind), inArray(t.id, unique(ids))));
    return rows.map(entityState);
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    if (items.length === 0) return [];
    const t = scimEntities;
    const token = randomUUID();
    const now = new Date();
    const expected = items.filter((item) => item.expected !== undefined);
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
      writeToken: token,
    }));
    // MySQL assigns left to right and later assignments see earlier ones: every column is decided on
    // the stored version and event id, so those two go last, event id before version (which keeps
    // the condition's value for the version's own assignment). Drizzle's builder orders SET by the
    // table's columns, so this statement is written out.
    const newer = sql`(${t.version} < ${proposed(t.version)} or (${t.version} = ${proposed(t.version)} and ${t.eventId} is not null and ${t.eventId} = ${proposed(t.eventId)}))`;
    const order = [
      t.organizationId,
      t.kind,
      t.id,
      t.deleted,
      t.active,
      t.fingerprint,
      t.directoryRoles,
      t.updatedAt,
      t.writeToken,
      t.eventId,
      t.version,
    ] as const;
    const updated = order.slice(3);
    const keys = [
      'organizationId',
      'kind',
      'id',
      'deleted',
      'active',
      'fingerprint',
      'directoryRoles',
      'updatedAt',
      'writeToken',
      'eventId',
      'version',
    ] as const;
    // Ids do not repeat here (`inOrder` splits them into rounds): the three kinds of item may go apart.
    // No record expected: inserted, or nothing (the no-op assignment leaves a stored row as it is).
    const insert = async (part: readonly (typeof rows)[number][], onDuplicate: SQL) => {
      for (const chunk of chunkRows(part, order.length)) {
        const values = chunk.map(
          (row) =>
            sql`(${sql.join(
              keys.map((key, i) => sql.param(row[key], order[i])),
              sql`, `,
            )})`,
        );
        await this.db.execute(
          sql`insert into ${t} (${sql.join(
            order.map((c) => sql.identifier(c.name)),
            sql`, `,
          )}) values ${sql.join(values, sql`, `)} on duplicate key update ${onDuplicate}`,
        );
      }
    };
    const fresh = new Set(expected.filter((i) => i.expected === null).map((i) => i.id));
    if (fresh.size > 0) {
      await insert(
        rows.filter((r) => fresh.has(r.id)),
        sql`${sql.identifier(t.writeToken.name)} = ${sql.identifier(t.writeToken.name)}`,
      );
    }
    // A version expected: an update whose locking read sees the newest committed row, one per item.
    for (const item of expected) {
      if (item.expected === null || item.expected === undefined) continue;
      await this.db
        .update(t)
        .set({
          version: item.version,
          deleted: item.deleted,
          active: item.active,
          fingerprint: item.fingerprint,
          directoryRoles: encodeRoles(item.directoryRoles),
          eventId: item.eventId,
          updatedAt: now,
          writeToken: token,
        })
        .where(
          and(
            eq(t.organizationId, organizationId),
            eq(t.kind, kind),
            eq(t.id, item.id),
            eq(t.version, item.expected),
            sql`(${t.version} < ${sql.param(item.version, t.version)} or (${t.version} = ${sql.param(item.version, t.version)} and ${t.eventId} is not null and ${t.eventId} = ${item.eventId}))`,
          ),
        );
    }
    const plain = expected.length === 0 ? rows : rows.filter((_, i) => items[i]!.expected === undefined);
    await insert(
      plain,
      sql.join(
        updated.map((c) => sql`${sql.identifier(c.name)} = if(${newer}, ${proposed(c)}, ${sql.identifier(c.name)})`),
        sql`, `,
      ),
    );
    const written = await this.db
      .select({ id: t.id })
      .from(t)
      .where(
        and(
          eq(t.organizationId, organizationId),
          eq(t.kind, kind),
          inArray(
            t.id,
            rows.map((r) => r.id),
          ),
          eq(t.writeToken, token),
        ),
      );
    return written.map((row) => row.id);
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
    const table = this.users.table as MySqlTable;
    for (const shape of this.users.shapes(organizationId, users)) {
      const updateKeys = this.users.updateKeys(shape);
      // With nothing to update, the organization column is set to itself: a no-op that keeps the row.
      const set = Object.fromEntries(
        updateKeys.length === 0
          ? [[this.users.organizationIdKey, sql`${this.users.organizationIdColumn}`]]
          : updateKeys.map((key) => [key, proposed(this.users.column(key))]),
      ) as MySqlUpdateSetSource<MySqlTable>;
      for (const chunk of chunkRows(shape.rows, shape.keys.length)) {
        await this.db
          .insert(table)
          .values(chunk as MySqlInsertValue<MySqlTable>[])
          .onDuplicateKeyUpdate({ set });
      }
    }
  }

  async patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    const table = this.users.table as MySqlTable;
    for (const group of this.users.patchGroups(patches)) {
      await this.db
        .update(table)
        .set(group.set as MySqlUpdateSetSource<MySqlTable>)
        .where(this.userKey(organizationId, group.ids));
    }
  }

  async deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.delete(this.users.table as MySqlTable).where(this.userKey(organizationId, ids));
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
      await this.db
        .insert(t)
        .values(rows)
        .onDuplicateKeyUpdate({
          set: fields.length === 0 ? { id: sql`${t.id}` } : Object.fromEntries(fields.map((f) => [f, proposed(t[f])])),
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
    // Not INSERT IGNORE, which would also turn other errors into warnings.
    await this.db
      .insert(scimGroups)
      .values(rows)
      .onDuplicateKeyUpdate({ set: { id: sql`${scimGroups.id}` } });
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
    // A user named twice keeps its last entry, as if the entries were applied in order.
    const byUser = new Map(entries.map((e) => [e.userId, e.groupIds]));
    const wanted = new Map<string, Membership>();
    for (const [userId, groupIds] of byUser) {
      for (const groupId of groupIds) wanted.set(`${userId}\u0000${groupId}`, { organizationId, userId, groupId });
    }
    const rows = [...wanted.values()];
    const keep =
      rows.length === 0
        ? undefined
        : sql`(${t.userId}, ${t.groupId}) not in (${sql.join(
            rows.map((r) => sql`(${r.userId}, ${r.groupId})`),
            sql`, `,
          )})`;
    await this.db
      .delete(t)
      .where(and(eq(t.organizationId, organizationId), inArray(t.userId, [...byUser.keys()]), keep));
    for (const chunk of chunkRows(rows, 3)) {
      await this.db
        .insert(t)
        .values(chunk)
        .onDuplicateKeyUpdate({ set: { groupId: sql`${t.groupId}` } });
    }
  }

  async removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    if (groupIds.length === 0) return [];
    const t = scimMemberships;
    const where = and(eq(t.organizationId, organizationId), inArray(t.groupId, unique(groupIds)));
    // Locked while read, so the rows reported are the rows deleted.
    const removed = await this.db.select().from(t).where(where).for('update');
    if (removed.length > 0) await this.db.delete(t).where(where);
    return removed;
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
    const optional = {
      ...(directory.provider === undefined ? {} : { provider: directory.provider }),
      ...(directory.directoryType === undefined ? {} : { directoryType: directory.directoryType }),
      ...(directory.status === undefined ? {} : { status: directory.status }),
    };
    await this.db
      .insert(scimDirectories)
      .values({ organizationId, id: directory.id, enabled: directory.enabled, ...optional })
      .onDuplicateKeyUpdate({ set: { enabled: directory.enabled, ...optional } });
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
    const { organizationId, directoryId, ...rest } = state;
    await this.db.insert(scimSyncStates).values(state).onDuplicateKeyUpdate({ set: rest });
  }

  async acquireLease(request: LeaseRequest): Promise<boolean> {
    const t = scimLeases;
    const now = request.now.getTime();
    // The owner is decided first; the expiry follows whoever owns the lease after that assignment.
    await this.db
      .insert(t)
      .values({ name: request.name, owner: request.owner, expiresAt: now + request.ttlMs })
      .onDuplicateKeyUpdate({
        set: {
          owner: sql`if(${t.owner} = ${proposed(t.owner)} or ${t.expiresAt} <= ${now}, ${proposed(t.owner)}, ${t.owner})`,
          expiresAt: sql`if(${t.owner} = ${proposed(t.owner)}, ${proposed(t.expiresAt)}, ${t.expiresAt})`,
        },
      });
    const [row] = await this.db.select({ owner: t.owner }).from(t).where(eq(t.name, request.name));
    return row?.owner === request.owner;
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
      all: async (query: SQL) => ((await this.db.execute(query)) as unknown as [Record<string, unknown>[]])[0],
      run: (query: SQL) => this.db.execute(query),
      returning: false,
    };
    return linkUsersByEmail(this.users, statements, organizationId, emailLinks);
  }
}
