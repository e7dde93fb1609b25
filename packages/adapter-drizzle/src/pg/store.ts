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
import { and, asc, type Column, desc, eq, getTableColumns, gt, lt, or, type SQL, sql, type Table } from 'drizzle-orm';
import type {
  PgColumn,
  PgDatabase,
  PgInsertValue,
  PgQueryResultHKT,
  PgTable,
  PgUpdateSetSource,
} from 'drizzle-orm/pg-core';
import { chunkRows, decodeRoles, encodeRoles, unique } from '../batches.js';
import { type EmailLink, linkUsersByEmail } from '../email-links.js';
import { eventPageFilter } from '../event-page.js';
import { requireUserTable, type UserRows } from '../user-rows.js';
import { arrayLiteral } from './array-literal.js';
import { canSendAsJson, jsonRowsDocument, jsonRowsSource } from './json-rows.js';
import * as links from './links.js';
import { anyOf, excluded } from './operators.js';
import { PreparedText, rowsOf } from './prepared.js';
import { PgResources } from './resources.js';
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

type InboxRow = typeof scimEvents.$inferSelect;

/** A decoder of raw rows (SQL column names) into what Drizzle's select of the table answers. */
function rowDecoder<T extends Table>(table: T): (row: Record<string, unknown>) => T['$inferSelect'] {
  const columns = Object.entries(getTableColumns(table));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = row[column.name];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out as T['$inferSelect'];
  };
}
const decodeEntity = rowDecoder(scimEntities);
type EntityRow = typeof scimEntities.$inferSelect;

/**
 * The statements of the webhook path, written once. Their text is the same whatever the number of
 * rows (arrays travel as one parameter each), so the batch calls share them.
 */
// Arrays of the same length, one per column; a repeated id is left to ON CONFLICT (DO NOTHING skips it).
const CLAIM_EVENTS = new PreparedText(
  'insert into "scim_events" ("id", "organization_id", "type", "occurred_at", "received_at", "status", "reason", ' +
    '"payload") select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], ' +
    '$7::text[], $8::text[]) on conflict ("id") do nothing returning "id"',
);
// A reason or payload is written only where its entry gives one (the flags), else kept.
const FINISH_EVENTS = new PreparedText(
  'update "scim_events" as e set "status" = u.status, ' +
    '"reason" = case when u.set_reason then u.reason else e."reason" end, ' +
    '"payload" = case when u.set_payload then u.payload else e."payload" end ' +
    'from unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::boolean[], $6::text[]) ' +
    'as u(id, status, set_reason, reason, set_payload, payload) where e."id" = u.id',
);
// One primary-key lookup per id, whatever the statistics say: during a first sync the table grows
// from empty faster than autovacuum analyzes it, and a plain `id = any($1)` is then planned as a
// scan of the whole organization with the ids as a filter.
const GET_ENTITIES = new PreparedText(
  'select e.* from unnest($1::text[]) as w(id) cross join lateral (select * from "scim_entities" ' +
    'where "organization_id" = $2 and "kind" = $3 and "id" = w.id limit 1) as e',
);
// The rows travel as one array per column, unnested by the database; the version rule is decided
// by the database under the row lock.
const ADVANCE_ENTITIES = new PreparedText(
  'insert into "scim_entities" ("organization_id", "kind", "id", "version", "deleted", "active", "fingerprint", ' +
    '"directory_roles", "event_id", "updated_at") ' +
    'select $1::text, $2::text, u.*, now() from unnest($3::text[], $4::bigint[], $5::boolean[], $6::boolean[], ' +
    '$7::text[], $8::text[], $9::text[]) as u ' +
    'on conflict ("organization_id", "kind", "id") do update set "version" = excluded."version", ' +
    '"deleted" = excluded."deleted", "active" = excluded."active", "fingerprint" = excluded."fingerprint", ' +
    '"directory_roles" = excluded."directory_roles", "event_id" = excluded."event_id", ' +
    '"updated_at" = excluded."updated_at" ' +
    'where "scim_entities"."version" < excluded."version" or ("scim_entities"."version" = excluded."version" ' +
    'and "scim_entities"."event_id" is not null and "scim_entities"."event_id" = excluded."event_id") ' +
    // A row this statement inserted has no xmax; one it updated carries this transaction's lock.
    'returning "id", "xmax" = 0 as "inserted"',
);
// Compare-and-set, in one statement whatever the mix: an item that expects no record is inserted where
// none exists (the unique key decides, waiting for a concurrent insert of the same id); one that expects
// a version is an UPDATE whose condition names it, under the row lock and, at READ COMMITTED, against
// the newest committed row (an UPDATE re-checks its condition on a row a concurrent transaction changed).
// The ids are distinct (`inOrder` makes rounds), so the two parts touch different rows.
const CAS_ENTITIES = new PreparedText(
  'with u as (select * from unnest($3::text[], $4::bigint[], $5::boolean[], $6::boolean[], $7::text[], ' +
    '$8::text[], $9::text[], $10::bigint[]) as u(id, version, deleted, active, fingerprint, directory_roles, ' +
    'event_id, expected)), ' +
    'ins as (insert into "scim_entities" ("organization_id", "kind", "id", "version", "deleted", "active", ' +
    '"fingerprint", "directory_roles", "event_id", "updated_at") select $1::text, $2::text, u.id, u.version, ' +
    'u.deleted, u.active, u.fingerprint, u.directory_roles, u.event_id, now() from u where u.expected is null ' +
    'on conflict ("organization_id", "kind", "id") do nothing returning "id"), ' +
    'upd as (update "scim_entities" as e set "version" = u.version, "deleted" = u.deleted, "active" = u.active, ' +
    '"fingerprint" = u.fingerprint, "directory_roles" = u.directory_roles, "event_id" = u.event_id, ' +
    '"updated_at" = now() from u where u.expected is not null and e."organization_id" = $1::text ' +
    'and e."kind" = $2::text and e."id" = u.id and e."version" = u.expected and (e."version" < u.version ' +
    'or (e."version" = u.version and e."event_id" is not null and e."event_id" = u.event_id)) returning e."id") ' +
    'select "id", true as "inserted" from ins union all select "id", false as "inserted" from upd',
);
const ENSURE_GROUPS = new PreparedText(
  'insert into "scim_groups" ("organization_id", "id", "display_name") ' +
    'select $1::text, g.id, g.display_name from unnest($2::text[], $3::text[]) as g(id, display_name) ' +
    'on conflict do nothing',
);
// Only memberships no longer wanted go (an anti-join on the wanted pairs), wanted ones are added if
// missing, in one statement: the two touch disjoint rows, and a data-modifying WITH always runs.
// The memberships of users whose version record the transaction has just created: there are none
// yet (memberships are only written under their user's version record, whose new row stays locked
// until commit), so they are inserted without the anti-join delete and without ON CONFLICT, which
// cost about a third of the statement. Nothing is inserted, and "clash" says so, if some are there
// after all (rows the app wrote itself): the caller then replaces them the general way.
// The check probes the primary key once per user (as GET_ENTITIES does): planned as
// `user_id = any($2)`, it read the organization's every membership during a first sync.
const INSERT_NEW_MEMBERSHIPS = new PreparedText(
  'with clash as (select exists (select 1 from unnest($2::text[]) as u(id) cross join lateral ' +
    '(select 1 from "scim_memberships" m where m."organization_id" = $1::text and m."user_id" = u.id limit 1) as m) ' +
    'as found), ' +
    'added as (insert into "scim_memberships" ("organization_id", "user_id", "group_id") ' +
    'select $1::text, w.user_id, w.group_id from unnest($3::text[], $4::text[]) as w(user_id, group_id) ' +
    'where not (select found from clash)) ' +
    'select found as "clash" from clash',
);
// The rows to delete are found by one primary-key probe per user (the lateral subquery, kept from
// being flattened into a join by OFFSET 0), then deleted by their row address: planned as
// `user_id = any($2)`, the delete could read the organization's every membership.
const REPLACE_MEMBERSHIPS = new PreparedText(
  'with w as (select * from unnest($3::text[], $4::text[]) as w(user_id, group_id)), ' +
    'gone as (delete from "scim_memberships" where ctid = any(array(select s.ctid from unnest($2::text[]) as u(id) ' +
    'cross join lateral (select ctid, "group_id" from "scim_memberships" ' +
    'where "organization_id" = $1::text and "user_id" = u.id offset 0) as s ' +
    'where not exists (select 1 from w where w.user_id = u.id and w.group_id = s."group_id")))) ' +
    'insert into "scim_memberships" ("organization_id", "user_id", "group_id") ' +
    'select $1::text, w.user_id, w.group_id from w on conflict do nothing',
);

/** Statements over the app's users table, built once per mapping (and per row shape). */
interface UserStatements {
  upserts: Map<string, PreparedText | undefined>;
  delete?: PreparedText;
}
const userStatements = new WeakMap<UserRows, UserStatements>();

function inboxRecord(row: InboxRow): InboxRecord {
  return { ...row, status: row.status as InboxStatus };
}

function entityState(row: EntityRow): EntityState {
  return { ...row, kind: row.kind as EntityKind, directoryRoles: decodeRoles(row.directoryRoles) };
}

/** Wanted memberships: the users whose memberships are replaced, and the pairs, column by column. */
interface MembershipRows {
  users: string[];
  pairUsers: string[];
  pairGroups: string[];
}

/**
 * The `ScimStore` over one PostgreSQL database or transaction.
 * Reached through `inOrder()`: no multi-row write names an id twice.
 */
export class PgStore implements ScimStore, ResourceStore {
  /** Users (organization, NUL, id) whose version record this store's transaction inserted. */
  private readonly newUsers = new Set<string>();
  private readonly resources: PgResources;

  constructor(
    private readonly db: PgDb,
    private readonly mapping: UserRows | null,
  ) {
    this.resources = new PgResources(db);
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
    if (records.length === 0) return [];
    const inserted = await CLAIM_EVENTS.run(this.db, [
      records.map((r) => r.id),
      records.map((r) => r.organizationId),
      records.map((r) => r.type),
      records.map((r) => r.occurredAt),
      records.map((r) => scimEvents.receivedAt.mapToDriverValue(r.receivedAt)),
      records.map((r) => r.status),
      records.map((r) => r.reason ?? null),
      records.map((r) => r.payload ?? null),
    ]);
    return inserted.map((row) => row.id as string);
  }

  async finishEvents(entries: readonly InboxUpdate[]): Promise<void> {
    if (entries.length === 0) return;
    await FINISH_EVENTS.run(this.db, [
      entries.map((e) => e.id),
      entries.map((e) => e.status),
      arrayLiteral(entries.map((e) => e.reason !== undefined)),
      entries.map((e) => e.reason ?? null),
      arrayLiteral(entries.map((e) => e.payload !== undefined)),
      entries.map((e) => e.payload ?? null),
    ]);
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
    const rows = await GET_ENTITIES.run(this.db, [arrayLiteral(unique(ids)), organizationId, kind]);
    return rows.map((row) => entityState(decodeEntity(row)));
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    if (items.length === 0) return [];
    // Ids do not repeat here (`inOrder` splits them into rounds): the three kinds of item may go apart.
    const plain: EntityAdvance[] = [];
    const fresh: EntityAdvance[] = [];
    const existing: EntityAdvance[] = [];
    for (const item of items) {
      if (item.expected === undefined) plain.push(item);
      else (item.expected === null ? fresh : existing).push(item);
    }
    const ids: string[] = [];
    const add = (rows: readonly Record<string, unknown>[], inserted: boolean | undefined) => {
      for (const row of rows) {
        ids.push(row.id as string);
        if (kind === 'user' && (inserted ?? row.inserted === true))
          this.newUsers.add(`${organizationId}\u0000${row.id}`);
      }
    };
    const cas = fresh.length === 0 ? existing : existing.length === 0 ? fresh : [...fresh, ...existing];
    if (cas.length > 0) {
      const params = advanceParams(organizationId, kind, cas);
      params.push(arrayLiteral(cas.map((r) => (r.expected == null ? null : r.expected.toString()))));
      add(await CAS_ENTITIES.run(this.db, params), undefined);
    }
    if (plain.length > 0)
      add(await ADVANCE_ENTITIES.run(this.db, advanceParams(organizationId, kind, plain)), undefined);
    return ids;
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

  private statements(): UserStatements {
    let statements = userStatements.get(this.users);
    if (statements === undefined) {
      statements = { upserts: new Map() };
      userStatements.set(this.users, statements);
    }
    return statements;
  }

  /** The JSON upsert of a row shape, built on its first use; undefined when the columns cannot go as JSON. */
  private upsertStatement(keys: readonly string[]): PreparedText | undefined {
    const upserts = this.statements().upserts;
    const signature = keys.join('\u0000');
    if (upserts.has(signature)) return upserts.get(signature);
    const columns = keys.map((key) => [key, this.users.column(key)] as [string, Column]);
    let statement: PreparedText | undefined;
    if (canSendAsJson(columns.map(([, column]) => column))) {
      const table = this.users.table as PgTable;
      const target = [this.users.organizationIdColumn, this.users.userIdColumn];
      const updateKeys = this.users.updateKeys({ keys: [...keys], rows: [] });
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
      statement = PreparedText.fromSql(
        sql`insert into ${table} (${sql.join(
          columns.map(([, column]) => sql.identifier(column.name)),
          sql`, `,
        )}) ${jsonRowsSource(table, columns, sql`${sql.placeholder('1')}`)} on conflict (${sql.join(
          target.map((column) => sql.identifier(column.name)),
          sql`, `,
        )}) ${onConflict}`,
      );
    }
    upserts.set(signature, statement);
    return statement;
  }

  async upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    const table = this.users.table as PgTable;
    const target = [this.users.organizationIdColumn, this.users.userIdColumn] as PgColumn[];
    for (const shape of this.users.shapes(organizationId, users)) {
      const statement = this.upsertStatement(shape.keys);
      if (statement !== undefined) {
        const columns = shape.keys.map((key) => [key, this.users.column(key)] as [string, Column]);
        await statement.run(this.db, [jsonRowsDocument(columns, shape.rows)]);
        continue;
      }
      const updateKeys = this.users.updateKeys(shape);
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
    const statements = this.statements();
    statements.delete ??= PreparedText.fromSql(
      sql`delete from ${this.users.table} where ${this.users.organizationIdColumn} = ${sql.placeholder('1')} and ${this.users.userIdColumn} = any(${sql.placeholder('2')}::text[])`,
    );
    await statements.delete.run(this.db, [
      this.users.organizationIdColumn.mapToDriverValue(organizationId),
      unique(ids),
    ]);
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
    await ENSURE_GROUPS.run(this.db, [
      organizationId,
      arrayLiteral(groups.map((g) => g.id)),
      arrayLiteral(groups.map((g) => g.displayName ?? null)),
    ]);
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
    // A user named twice keeps its last entry, as if the entries were applied in order.
    const byUser = new Map<string, readonly string[]>();
    for (const entry of entries) byUser.set(entry.userId, entry.groupIds);
    const added: MembershipRows = { users: [], pairUsers: [], pairGroups: [] };
    const replaced: MembershipRows = { users: [], pairUsers: [], pairGroups: [] };
    for (const [userId, groupIds] of byUser) {
      // Only the first write of a new user's memberships in this transaction can skip the checks.
      const rows = this.newUsers.delete(`${organizationId}\u0000${userId}`) ? added : replaced;
      rows.users.push(userId);
      for (const groupId of groupIds.length > 1 ? new Set(groupIds) : groupIds) {
        rows.pairUsers.push(userId);
        rows.pairGroups.push(groupId);
      }
    }
    // With users to replace anyway, one statement for all beats two (a webhook batch mixes both).
    if (added.users.length > 0 && replaced.users.length > 0) {
      replaced.users.push(...added.users);
      replaced.pairUsers.push(...added.pairUsers);
      replaced.pairGroups.push(...added.pairGroups);
    } else if (added.users.length > 0) {
      const [answer] = await INSERT_NEW_MEMBERSHIPS.run(this.db, [
        organizationId,
        arrayLiteral(added.users),
        arrayLiteral(added.pairUsers),
        arrayLiteral(added.pairGroups),
      ]);
      if (answer?.clash !== false) {
        replaced.users.push(...added.users);
        replaced.pairUsers.push(...added.pairUsers);
        replaced.pairGroups.push(...added.pairGroups);
      }
    }
    if (replaced.users.length === 0) return;
    await REPLACE_MEMBERSHIPS.run(this.db, [
      organizationId,
      arrayLiteral(replaced.users),
      arrayLiteral(replaced.pairUsers),
      arrayLiteral(replaced.pairGroups),
    ]);
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
      .where(and(anyOf(t.name, unique(names)), gt(t.expiresAt, now.getTime())));
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
      all: async (query: SQL) => rowsOf(await this.db.execute(query)),
      run: (query: SQL) => this.db.execute(query),
      returning: true,
    };
    return linkUsersByEmail(this.users, statements, organizationId, emailLinks);
  }
}

function advanceParams(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): unknown[] {
  return [
    organizationId,
    kind,
    arrayLiteral(items.map((r) => r.id)),
    arrayLiteral(items.map((r) => r.version.toString())),
    arrayLiteral(items.map((r) => r.deleted)),
    arrayLiteral(items.map((r) => r.active)),
    arrayLiteral(items.map((r) => r.fingerprint)),
    arrayLiteral(items.map((r) => encodeRoles(r.directoryRoles))),
    arrayLiteral(items.map((r) => r.eventId)),
  ];
}
