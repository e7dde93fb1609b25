import type {
  DirectoryGroupRef,
  DirectoryWrite,
  EntityAdvance,
  EntityKind,
  EntityState,
  GroupWrite,
  InboxRecord,
  InboxStatus,
  LeaseRequest,
  ListPage,
  Membership,
  ScimStore,
  StoredDirectory,
  StoredGroup,
  SyncState,
  UserPatch,
  UserWrite,
} from '@scim/core';
import { and, asc, type Column, eq, getTableColumns, gt, lt, or, type SQL, sql, type Table } from 'drizzle-orm';
import type {
  PgColumn,
  PgDatabase,
  PgInsertValue,
  PgQueryResultHKT,
  PgTable,
  PgUpdateSetSource,
} from 'drizzle-orm/pg-core';
import { chunkRows, decodeRoles, dedupeAdvances, encodeRoles, unique } from '../batches.js';
import type { UserRows } from '../user-rows.js';
import { canSendAsJson, jsonRowsSource } from './json-rows.js';
import {
  scimDirectories,
  scimEntities,
  scimEvents,
  scimGroups,
  scimLeases,
  scimMemberships,
  scimSyncStates,
} from './schema.js';

/** A PostgreSQL database or transaction of any driver (node-postgres, PGlite, postgres.js, ...). */
export type PgDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * `column = any($1)`: one array parameter however many ids, so the statement text (and its parse)
 * stays the same size.
 */
const anyOf = (column: Column, values: readonly string[]): SQL =>
  sql`${column} = any(${sql.param(unique(values))}::text[])`;

/** The value the insert proposed for a column (`excluded.<column>`). */
const excluded = (column: Column): SQL => sql`excluded.${sql.identifier(column.name)}`;

type InboxRow = typeof scimEvents.$inferSelect;

/** The rows of `db.execute`: node-postgres and PGlite answer `{ rows }`, postgres.js an array. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
}

/** A raw row (SQL column names) decoded the way Drizzle decodes a select of the table. */
function decodeRow<T extends Table>(table: T, row: Record<string, unknown>): T['$inferSelect'] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}
type EntityRow = typeof scimEntities.$inferSelect;

function inboxRecord(row: InboxRow): InboxRecord {
  return { ...row, status: row.status as InboxStatus };
}

function entityState(row: EntityRow): EntityState {
  return { ...row, kind: row.kind as EntityKind, directoryRoles: decodeRoles(row.directoryRoles) };
}

/** The `ScimStore` over one PostgreSQL database or transaction. */
export class PgStore implements ScimStore {
  constructor(
    private readonly db: PgDb,
    private readonly users: UserRows,
  ) {}

  async claimEvent(record: InboxRecord): Promise<boolean> {
    const inserted = await this.db
      .insert(scimEvents)
      .values(record)
      .onConflictDoNothing({ target: scimEvents.id })
      .returning({ id: scimEvents.id });
    return inserted.length === 1;
  }

  async finishEvent(id: string, status: InboxStatus): Promise<void> {
    await this.db.update(scimEvents).set({ status }).where(eq(scimEvents.id, id));
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
    const t = scimEntities;
    // One primary-key lookup per id, whatever the statistics say: during a first sync the table grows
    // from empty faster than autovacuum analyzes it, and a plain `id = any($1)` is then planned as a
    // scan of the whole organization with the ids as a filter.
    const result = await this.db.execute(
      sql`select e.* from unnest(${sql.param(unique(ids))}::text[]) as w(id) cross join lateral (select * from ${t} where ${t.organizationId} = ${organizationId} and ${t.kind} = ${kind} and ${t.id} = w.id limit 1) as e`,
    );
    return rowsOf(result).map((row) => entityState(decodeRow(t, row)));
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    if (items.length === 0) return [];
    const t = scimEntities;
    const rows = dedupeAdvances(items);
    // The rows travel as one array per column, unnested by the database: the statement is the same
    // short text for 1 row or 10,000, so neither its parse nor the parameter count grows with them.
    const column = <T>(pick: (item: EntityAdvance) => T) => sql.param(rows.map(pick));
    // Columns in the table's order, which is the order Drizzle's INSERT ... SELECT names them in.
    const incoming = sql`select ${organizationId}::text, ${kind}::text, u.*, now() from unnest(
      ${column((r) => r.id)}::text[],
      ${column((r) => r.version.toString())}::bigint[],
      ${column((r) => r.deleted)}::boolean[],
      ${column((r) => r.active)}::boolean[],
      ${column((r) => r.fingerprint)}::text[],
      ${column((r) => encodeRoles(r.directoryRoles))}::text[],
      ${column((r) => r.eventId)}::text[]
    ) as u`;
    const written = await this.db
      .insert(t)
      .select(incoming)
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
    return written.map((row) => row.id);
  }

  async listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> {
    const t = scimEntities;
    const rows = await this.db
      .select()
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
    return and(eq(this.users.organizationIdColumn, organizationId), anyOf(this.users.userIdColumn, ids));
  }

  async upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    const table = this.users.table as PgTable;
    const target = [this.users.organizationIdColumn, this.users.userIdColumn] as PgColumn[];
    for (const shape of this.users.shapes(organizationId, users)) {
      const updateKeys = this.users.updateKeys(shape);
      const columns = shape.keys.map((key) => [key, this.users.column(key)] as [string, Column]);
      if (canSendAsJson(columns.map(([, column]) => column))) {
        const onConflict =
          updateKeys.length === 0
            ? sql`do nothing`
            : sql`do update set ${sql.join(
                updateKeys.map((key) => {
                  const column = this.users.column(key);
                  return sql`${sql.identifier(column.name)} = ${excluded(column)}`;
                }),
                sql`, `,
              )}`;
        await this.db.execute(
          sql`insert into ${table} (${sql.join(
            columns.map(([, column]) => sql.identifier(column.name)),
            sql`, `,
          )}) ${jsonRowsSource(table, columns, shape.rows)} on conflict (${sql.join(
            target.map((column) => sql.identifier(column.name)),
            sql`, `,
          )}) ${onConflict}`,
        );
        continue;
      }
      const set = Object.fromEntries(
        updateKeys.map((key) => [key, excluded(this.users.column(key))]),
      ) as PgUpdateSetSource<PgTable>;
      for (const chunk of chunkRows(shape.rows, shape.keys.length)) {
        const insert = this.db.insert(table).values(chunk as PgInsertValue<PgTable>[]);
        await (updateKeys.length === 0
          ? insert.onConflictDoNothing({ target })
          : insert.onConflictDoUpdate({ target, set }));
      }
    }
  }

  async patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    const table = this.users.table as PgTable;
    for (const group of this.users.patchGroups(patches)) {
      await this.db
        .update(table)
        .set(group.set as PgUpdateSetSource<PgTable>)
        .where(this.userKey(organizationId, group.ids));
    }
  }

  async deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.delete(this.users.table as PgTable).where(this.userKey(organizationId, ids));
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
      const uniqueRows = [...new Map(rows.map((row) => [row.id, row])).values()];
      const insert = this.db.insert(t).values(uniqueRows);
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
    const rows = [...new Map(groups.map((g) => [g.id, g])).values()].map((g) => ({
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
      .where(and(eq(scimGroups.organizationId, organizationId), anyOf(scimGroups.id, ids)));
  }

  async getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(scimGroups)
      .where(and(eq(scimGroups.organizationId, organizationId), anyOf(scimGroups.id, ids)));
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
    const rows = [...wanted.values()];
    const userIds = sql.param([...byUser.keys()]);
    const wantedUsers = sql.param(rows.map((r) => r.userId));
    const wantedGroups = sql.param(rows.map((r) => r.groupId));
    // Only memberships no longer wanted go (an anti-join on the wanted pairs); wanted ones are added if missing.
    await this.db
      .delete(t)
      .where(
        and(
          eq(t.organizationId, organizationId),
          sql`${t.userId} = any(${userIds}::text[])`,
          sql`not exists (select 1 from unnest(${wantedUsers}::text[], ${wantedGroups}::text[]) as w(user_id, group_id) where w.user_id = ${t.userId} and w.group_id = ${t.groupId})`,
        ),
      );
    if (rows.length === 0) return;
    await this.db
      .insert(t)
      .select(
        sql`select ${organizationId}::text, w.user_id, w.group_id from unnest(${wantedUsers}::text[], ${wantedGroups}::text[]) as w(user_id, group_id)`,
      )
      .onConflictDoNothing();
  }

  async removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    if (groupIds.length === 0) return [];
    const t = scimMemberships;
    return this.db
      .delete(t)
      .where(and(eq(t.organizationId, organizationId), anyOf(t.groupId, groupIds)))
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
      .where(and(eq(t.organizationId, organizationId), anyOf(column, ids)));
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
        setWhere: or(eq(t.owner, request.owner), sql`${t.expiresAt} <= ${now}`),
      })
      .returning({ name: t.name });
    return taken.length === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.delete(scimLeases).where(and(eq(scimLeases.name, name), eq(scimLeases.owner, owner)));
  }
}
