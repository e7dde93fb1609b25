import { randomBytes } from 'node:crypto';
import {
  type DirectoryGroupRef,
  type EntityKind,
  type EntityState,
  type InboxRecord,
  ScimError,
  type StoredGroup,
  type SyncState,
  type UserWrite,
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
import { type EmailLink, linkUsersByEmail } from './email-links.js';
import { isUniqueViolation } from './errors.js';
import { PrismaLinks } from './links.js';
import {
  EVENT_COLUMNS,
  getLeases,
  inboxFromRow,
  listEvents,
  listSyncStates,
  SYNC_STATE_COLUMNS,
  syncStateFromRow,
} from './listings.js';
import type { PrismaProvider, PrismaQueryable } from './options.js';
import { PrismaResources } from './resources.js';
import { rounds } from './rounds.js';
import { chunk, listCost, SqlBuilder, toBigInt, toBoolean, toDate, toStringOrNull } from './sql.js';
import type { UserWriter } from './user-writer.js';

type Row = Record<string, unknown>;

const ENTITY_COLUMNS =
  'organization_id, kind, id, version, deleted, active, fingerprint, directory_roles, event_id, updated_at';

function entityFromRow(row: Row): EntityState {
  const roles = toStringOrNull(row.directory_roles);
  return {
    organizationId: String(row.organization_id),
    kind: String(row.kind) as EntityKind,
    id: String(row.id),
    version: toBigInt(row.version),
    deleted: toBoolean(row.deleted),
    active: toBoolean(row.active),
    fingerprint: toStringOrNull(row.fingerprint),
    directoryRoles: roles === null ? null : (JSON.parse(roles) as string[]),
    eventId: toStringOrNull(row.event_id),
    updatedAt: toDate(row.updated_at),
  };
}

function groupFromRow(row: Row): StoredGroup {
  return {
    organizationId: String(row.organization_id),
    id: String(row.id),
    directoryId: toStringOrNull(row.directory_id),
    displayName: toStringOrNull(row.display_name),
    externalId: toStringOrNull(row.external_id),
  };
}

/** An inbox record's values, in the order of `EVENT_COLUMNS`. */
function eventValues(r: InboxRecord): unknown[] {
  return [r.id, r.organizationId, r.type, r.occurredAt, r.receivedAt, r.status, r.reason, r.payload];
}

/** The first item of each id: inserting only what is missing, in order, keeps the first. */
function firstPerId<T extends { id: string }>(items: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()];
}

/**
 * The SDK's bookkeeping in its `scim_` tables, through raw SQL on the Prisma client or on an
 * interactive transaction's client. Every multi-item method is a constant number of statements.
 */
export class PrismaStore implements ScimStore, ResourceStore {
  /**
   * PostgreSQL, in a transaction: users (organization, NUL, id) whose version record this transaction
   * inserted. Their memberships need neither the anti-join delete nor ON CONFLICT (see replaceMemberships).
   */
  private readonly newUsers: Set<string> | undefined;

  private readonly links: PrismaLinks;
  private readonly resources: PrismaResources;

  constructor(
    private readonly db: PrismaQueryable,
    private readonly provider: PrismaProvider,
    private readonly mapping: UserWriter | null,
    inTransaction: boolean,
  ) {
    this.newUsers = inTransaction && provider === 'postgresql' ? new Set() : undefined;
    this.links = new PrismaLinks(db, provider);
    this.resources = new PrismaResources(db);
  }

  /** The SCIM server's records: PostgreSQL only (`capabilities.scimResources`). */
  private get scim(): PrismaResources {
    if (this.provider !== 'postgresql') {
      throw new ScimError('CONFIGURATION_ERROR', `prisma:${this.provider} does not keep SCIM server resources`);
    }
    return this.resources;
  }

  getResource: ResourceStore['getResource'] = (...args) => this.scim.getResource(...args);
  queryResources: ResourceStore['queryResources'] = (...args) => this.scim.queryResources(...args);
  existingResources: ResourceStore['existingResources'] = (...args) => this.scim.existingResources(...args);
  putResource: ResourceStore['putResource'] = (...args) => this.scim.putResource(...args);
  addMemberships: ResourceStore['addMemberships'] = (...args) => this.scim.addMemberships(...args);
  removeMemberships: ResourceStore['removeMemberships'] = (...args) => this.scim.removeMemberships(...args);
  listGroupMembers: ResourceStore['listGroupMembers'] = (...args) => this.scim.listGroupMembers(...args);
  findToken: ResourceStore['findToken'] = (...args) => this.scim.findToken(...args);
  saveToken: ResourceStore['saveToken'] = (...args) => this.scim.saveToken(...args);
  listTokens: ResourceStore['listTokens'] = (...args) => this.scim.listTokens(...args);
  expireTokens: ResourceStore['expireTokens'] = (...args) => this.scim.expireTokens(...args);

  /** The table mapping; a CONFIGURATION_ERROR in service mode. */
  private get users(): UserWriter {
    if (this.mapping === null) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        "prismaAdapter was created without a users mapping (service mode): give the engine the app's user functions (users: { create, update, deactivate }), or the adapter a mapping (users: { model, ... })",
      );
    }
    return this.mapping;
  }

  private sql(): SqlBuilder {
    return new SqlBuilder(this.provider);
  }

  private query(text: string, values: unknown[]): Promise<Row[]> {
    return Promise.resolve(this.db.$queryRawUnsafe<Row[]>(text, ...values));
  }

  private execute(text: string, values: unknown[]): Promise<number> {
    return Promise.resolve(this.db.$executeRawUnsafe(text, ...values));
  }

  // Inbox

  async claimEvents(records: readonly InboxRecord[]): Promise<string[]> {
    const seen = new Set<string>();
    const fresh = records.filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined);
    const claimed: string[] = [];
    if (this.provider !== 'mysql') {
      // Inserted in id order: two claims of overlapping batches then take their row locks in the same order,
      // so PostgreSQL makes one wait for the other instead of finding a deadlock. Answered in the caller's order.
      const won = new Set<string>();
      const ordered = [...fresh].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const part of chunk(ordered, 8)) {
        const sql = this.sql();
        const rows = part.map((r) => `(${sql.list(eventValues(r))})`).join(', ');
        const inserted = await this.query(
          `INSERT INTO scim_events (${EVENT_COLUMNS}) VALUES ${rows} ON CONFLICT (id) DO NOTHING RETURNING id`,
          sql.values,
        );
        for (const row of inserted) won.add(String(row.id));
      }
      for (const r of fresh) if (won.has(r.id)) claimed.push(r.id);
      return claimed;
    }
    // MySQL cannot say which rows of a multi-row insert were new, and INSERT IGNORE would hide other
    // errors too. One insert per record: a duplicate key fails only that statement, not the transaction.
    for (const r of fresh) {
      const sql = this.sql();
      try {
        await this.execute(
          `INSERT INTO scim_events (${EVENT_COLUMNS}) VALUES (${sql.list(eventValues(r))})`,
          sql.values,
        );
        claimed.push(r.id);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return claimed;
  }

  async finishEvents(entries: readonly InboxUpdate[]): Promise<void> {
    const parts = rounds(entries, (e) => e.id);
    if (parts.length > 1) {
      for (const part of parts) await this.finishEvents(part);
      return;
    }
    // One update per set of values (a batch finishes with a few statuses; only a replay or a rejection
    // carries a reason or a payload).
    const groups = new Map<string, { set: [string, unknown][]; ids: string[] }>();
    for (const { id, status, reason, payload } of entries) {
      const set: [string, unknown][] = [['status', status]];
      if (reason !== undefined) set.push(['reason', reason]);
      if (payload !== undefined) set.push(['payload', payload]);
      const key = JSON.stringify(set);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { set, ids: [id] });
      else group.ids.push(id);
    }
    for (const { set, ids } of groups.values()) {
      for (const part of chunk(ids, listCost(this.provider))) {
        const sql = this.sql();
        const assignments = set.map(([column, value]) => `${column} = ${sql.param(value)}`).join(', ');
        await this.execute(`UPDATE scim_events SET ${assignments} WHERE ${sql.in('id', part)}`, sql.values);
      }
    }
  }

  listEvents(query: EventQuery): Promise<InboxRecord[]> {
    return listEvents(this.db, this.provider, query);
  }

  async getEvent(id: string): Promise<InboxRecord | null> {
    const sql = this.sql();
    const rows = await this.query(`SELECT ${EVENT_COLUMNS} FROM scim_events WHERE id = ${sql.param(id)}`, sql.values);
    return rows[0] === undefined ? null : inboxFromRow(rows[0]);
  }

  async pruneEvents(before: Date): Promise<number> {
    const sql = this.sql();
    return this.execute(`DELETE FROM scim_events WHERE received_at < ${sql.param(before)}`, sql.values);
  }

  // Versions and tombstones

  async getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]> {
    if (this.provider === 'postgresql') {
      if (ids.length === 0) return [];
      // One primary-key lookup per id, whatever the statistics say: during a first sync the table grows
      // from empty faster than autovacuum analyzes it, and `id = ANY(...)` is then planned as a scan of
      // the organization's every record.
      const sql = this.sql();
      const rows = await this.query(
        `SELECT e.* FROM unnest(${sql.param([...new Set(ids)], 'text[]')}) AS w(id)
           CROSS JOIN LATERAL (SELECT ${ENTITY_COLUMNS} FROM scim_entities
                                WHERE organization_id = ${sql.param(organizationId)} AND kind = ${sql.param(kind)}
                                  AND id = w.id LIMIT 1) AS e`,
        sql.values,
      );
      return rows.map(entityFromRow);
    }
    const out: EntityState[] = [];
    for (const part of chunk([...new Set(ids)], listCost(this.provider))) {
      const sql = this.sql();
      const rows = await this.query(
        `SELECT ${ENTITY_COLUMNS} FROM scim_entities WHERE organization_id = ${sql.param(organizationId)} AND kind = ${sql.param(kind)} AND ${sql.in('id', part)}`,
        sql.values,
      );
      out.push(...rows.map(entityFromRow));
    }
    return out;
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    const parts = rounds(items, (item) => item.id);
    if (parts.length > 1) {
      const written = new Set<string>();
      for (const part of parts)
        for (const id of await this.advanceEntities(organizationId, kind, part)) written.add(id);
      return [...written];
    }
    // In id order: concurrent callers then lock rows in the same order and cannot deadlock each other.
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (sorted.length === 0) return [];
    // Compare-and-set items go one statement each (ids do not repeat in a round, so apart from the rest).
    const unique = sorted.filter((item) => item.expected === undefined);
    if (unique.length < sorted.length) {
      const written: string[] = [];
      for (const item of sorted) {
        if (item.expected !== undefined && (await this.advanceExpected(organizationId, kind, item)))
          written.push(item.id);
      }
      if (unique.length > 0) written.push(...(await this.advanceEntities(organizationId, kind, unique)));
      return written;
    }
    if (this.provider === 'postgresql') return this.advancePostgres(organizationId, kind, unique);
    const written: string[] = [];
    for (const part of chunk(unique, 11)) {
      written.push(...(await this.advanceChunk(organizationId, kind, part)));
    }
    return written;
  }

  /**
   * One compare-and-set item. No record expected: an insert that does nothing where the key exists
   * (MySQL: a no-op assignment, then the row read back by this call's token). A version expected: an
   * UPDATE whose condition names it and the version rule; its locking read sees the newest committed
   * row, and it answers whether it matched.
   */
  private async advanceExpected(organizationId: string, kind: EntityKind, item: EntityAdvance): Promise<boolean> {
    const sql = this.sql();
    const mysql = this.provider === 'mysql';
    const roles = item.directoryRoles === null ? null : JSON.stringify(item.directoryRoles);
    const token = mysql ? randomBytes(12).toString('hex') : null;
    if (item.expected === null) {
      const insert =
        `INSERT INTO scim_entities (${ENTITY_COLUMNS}, write_token) VALUES (${sql.param(organizationId)}, ` +
        `${sql.param(kind)}, ${sql.param(item.id)}, ${sql.param(item.version, 'bigint')}, ${sql.param(item.deleted)}, ` +
        `${sql.param(item.active)}, ${sql.param(item.fingerprint)}, ${sql.param(roles)}, ${sql.param(item.eventId)}, ` +
        `${sql.param(new Date(), 'timestamp(3)')}, ${sql.param(token)})`;
      if (!mysql) {
        const returned = await this.query(
          `${insert} ON CONFLICT (organization_id, kind, id) DO NOTHING RETURNING id`,
          sql.values,
        );
        if (returned.length > 0 && kind === 'user' && this.newUsers !== undefined)
          this.newUsers.add(`${organizationId}\u0000${item.id}`);
        return returned.length > 0;
      }
      await this.execute(`${insert} ON DUPLICATE KEY UPDATE write_token = write_token`, sql.values);
      const read = this.sql();
      const found = await this.query(
        `SELECT id FROM scim_entities WHERE organization_id = ${read.param(organizationId)} AND kind = ${read.param(kind)} AND id = ${read.param(item.id)} AND write_token = ${read.param(token)}`,
        read.values,
      );
      return found.length > 0;
    }
    const version = sql.param(item.version, 'bigint');
    const set =
      `version = ${version}, deleted = ${sql.param(item.deleted)}, active = ${sql.param(item.active)}, ` +
      `fingerprint = ${sql.param(item.fingerprint)}, directory_roles = ${sql.param(roles)}, ` +
      `event_id = ${sql.param(item.eventId)}, updated_at = ${sql.param(new Date(), 'timestamp(3)')}, ` +
      `write_token = ${sql.param(token)}`;
    // MySQL's placeholders are positional: each value is bound again where the text names it again.
    const v = () => sql.param(item.version, 'bigint');
    const count = await this.execute(
      `UPDATE scim_entities SET ${set} WHERE organization_id = ${sql.param(organizationId)} AND kind = ${sql.param(kind)} ` +
        `AND id = ${sql.param(item.id)} AND version = ${sql.param(item.expected, 'bigint')} AND (version < ${v()} ` +
        `OR (version = ${v()} AND event_id IS NOT NULL AND event_id = ${sql.param(item.eventId)}))`,
      sql.values,
    );
    return count > 0;
  }

  /** One statement for the whole call: each column bound as one array and unnested. */
  private async advancePostgres(organizationId: string, kind: EntityKind, items: EntityAdvance[]): Promise<string[]> {
    const sql = this.sql();
    const column = <V>(pick: (item: EntityAdvance) => V, type: string) => sql.param(items.map(pick), type);
    const returned = await this.query(
      `INSERT INTO scim_entities (${ENTITY_COLUMNS})
       SELECT ${sql.param(organizationId)}, ${sql.param(kind)}, x.id, x.version, x.deleted, x.active, x.fingerprint,
              x.directory_roles, x.event_id, ${sql.param(new Date(), 'timestamp(3)')}
         FROM unnest(${column((i) => i.id, 'text[]')}, ${column((i) => i.version.toString(), 'bigint[]')},
                     ${column((i) => i.deleted, 'boolean[]')}, ${column((i) => i.active, 'boolean[]')},
                     ${column((i) => i.fingerprint, 'text[]')},
                     ${column((i) => (i.directoryRoles === null ? null : JSON.stringify(i.directoryRoles)), 'text[]')},
                     ${column((i) => i.eventId, 'text[]')})
           AS x(id, version, deleted, active, fingerprint, directory_roles, event_id)
       ON CONFLICT (organization_id, kind, id) DO UPDATE SET
         version = excluded.version, deleted = excluded.deleted, active = excluded.active,
         fingerprint = excluded.fingerprint, directory_roles = excluded.directory_roles,
         event_id = excluded.event_id, updated_at = excluded.updated_at, write_token = NULL
       WHERE scim_entities.version < excluded.version
          OR (scim_entities.version = excluded.version AND scim_entities.event_id IS NOT NULL
              AND scim_entities.event_id = excluded.event_id)
       RETURNING id, xmax = 0 AS inserted`,
      sql.values,
    );
    // A row this statement inserted has no xmax; one it updated carries this transaction's lock.
    if (kind === 'user' && this.newUsers !== undefined) {
      for (const row of returned) if (row.inserted === true) this.newUsers.add(`${organizationId}\u0000${row.id}`);
    }
    return returned.map((row) => String(row.id));
  }

  private async advanceChunk(organizationId: string, kind: EntityKind, items: EntityAdvance[]): Promise<string[]> {
    const sql = this.sql();
    const now = new Date();
    const mysql = this.provider === 'mysql';
    const token = mysql ? randomBytes(12).toString('hex') : null;
    const rows = items
      .map(
        (item) =>
          `(${sql.param(organizationId)}, ${sql.param(kind)}, ${sql.param(item.id)}, ${sql.param(item.version, 'bigint')}, ${sql.param(item.deleted)}, ${sql.param(item.active)}, ${sql.param(item.fingerprint)}, ${sql.param(item.directoryRoles === null ? null : JSON.stringify(item.directoryRoles))}, ${sql.param(item.eventId)}, ${sql.param(now)}, ${sql.param(token)})`,
      )
      .join(', ');
    const insert = `INSERT INTO scim_entities (${ENTITY_COLUMNS}, write_token) VALUES ${rows}`;
    if (!mysql) {
      const returned = await this.query(
        `${insert} ON CONFLICT (organization_id, kind, id) DO UPDATE SET
           version = excluded.version, deleted = excluded.deleted, active = excluded.active,
           fingerprint = excluded.fingerprint, directory_roles = excluded.directory_roles,
           event_id = excluded.event_id, updated_at = excluded.updated_at, write_token = NULL
         WHERE scim_entities.version < excluded.version
            OR (scim_entities.version = excluded.version AND scim_entities.event_id IS NOT NULL
                AND scim_entities.event_id = excluded.event_id)
         RETURNING id`,
        sql.values,
      );
      return returned.map((row) => String(row.id));
    }
    // MySQL has neither RETURNING nor a WHERE on ON DUPLICATE KEY UPDATE. Every column takes the new
    // value only under the version rule, and the row is stamped with this call's token so that a
    // second read finds exactly the rows written. Assignments run left to right, so version and
    // event_id, which the rule reads, come last.
    const rule = `(version < VALUES(version) OR (version = VALUES(version) AND event_id IS NOT NULL AND event_id = VALUES(event_id)))`;
    const set = (column: string) => `${column} = IF(${rule}, VALUES(${column}), ${column})`;
    await this.execute(
      `${insert} ON DUPLICATE KEY UPDATE ${[
        'write_token',
        'deleted',
        'active',
        'fingerprint',
        'directory_roles',
        'updated_at',
        'event_id',
        'version',
      ]
        .map(set)
        .join(', ')}`,
      sql.values,
    );
    const read = this.sql();
    const found = await this.query(
      `SELECT id FROM scim_entities WHERE organization_id = ${read.param(organizationId)} AND kind = ${read.param(kind)} AND id IN (${read.list(items.map((item) => item.id))}) AND write_token = ${read.param(token)}`,
      read.values,
    );
    return found.map((row) => String(row.id));
  }

  async listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> {
    // Placeholders are bound in the order they are made, which must be their order in the text.
    const sql = this.sql();
    let text = `SELECT ${ENTITY_COLUMNS} FROM scim_entities WHERE organization_id = ${sql.param(organizationId)} AND kind = ${sql.param(kind)}`;
    if (page.after !== undefined) text += ` AND id > ${sql.param(page.after)}`;
    text += ` ORDER BY id LIMIT ${sql.param(page.limit, 'int')}`;
    const rows = await this.query(text, sql.values);
    return rows.map(entityFromRow);
  }

  // The app's users

  upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    return this.users.upsert(this.db, organizationId, users);
  }

  patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    return this.users.patch(this.db, organizationId, patches);
  }

  deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    return this.users.delete(this.db, organizationId, ids);
  }

  linkUsersByEmail(organizationId: string, links: readonly EmailLink[]): Promise<string[]> {
    return linkUsersByEmail(this.db, this.provider, this.users.model, organizationId, links);
  }

  // Identity links

  getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]> {
    return this.links.getLinks(organizationId, directoryUserIds);
  }

  getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]> {
    return this.links.getLinksToAppUsers(organizationId, appUserIds);
  }

  saveLinks(organizationId: string, links: readonly IdentityLink[]): Promise<void> {
    return this.links.saveLinks(organizationId, links);
  }

  deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void> {
    return this.links.deleteLinks(organizationId, directoryUserIds);
  }

  // Groups, memberships, directories

  /**
   * Inserts or updates rows keyed by `keys`; columns a row leaves undefined keep their value. Rows are
   * grouped by the columns they set: one statement per group.
   */
  private async upsertRows(table: string, keys: string[], rows: Row[]): Promise<void> {
    const groups = new Map<string, { columns: string[]; rows: Row[] }>();
    for (const row of rows) {
      const columns = Object.keys(row).filter((column) => row[column] !== undefined);
      const signature = columns.join(',');
      let group = groups.get(signature);
      if (group === undefined) {
        group = { columns, rows: [] };
        groups.set(signature, group);
      }
      group.rows.push(row);
    }
    for (const group of groups.values()) {
      const updates = group.columns.filter((column) => !keys.includes(column));
      for (const part of chunk(group.rows, group.columns.length)) {
        const sql = this.sql();
        const values = part.map((row) => `(${group.columns.map((column) => sql.param(row[column])).join(', ')})`);
        const insert = `INSERT INTO ${table} (${group.columns.join(', ')}) VALUES ${values.join(', ')}`;
        const text =
          this.provider === 'mysql'
            ? `${insert} ON DUPLICATE KEY UPDATE ${updates.map((column) => `${column} = VALUES(${column})`).join(', ')}`
            : `${insert} ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.map((column) => `${column} = excluded.${column}`).join(', ')}`;
        await this.execute(text, sql.values);
      }
    }
  }

  async upsertGroups(organizationId: string, groups: readonly GroupWrite[]): Promise<void> {
    const now = new Date();
    const merged = new Map<string, Row>();
    for (const group of groups) {
      const row: Row = { ...merged.get(group.id), organization_id: organizationId, id: group.id, updated_at: now };
      if (group.directoryId !== undefined) row.directory_id = group.directoryId;
      if (group.displayName !== undefined) row.display_name = group.displayName;
      if (group.externalId !== undefined) row.external_id = group.externalId;
      merged.set(group.id, row);
    }
    await this.upsertRows('scim_groups', ['organization_id', 'id'], [...merged.values()]);
  }

  async ensureGroups(organizationId: string, groups: readonly DirectoryGroupRef[]): Promise<void> {
    const unique = firstPerId(groups);
    const now = new Date();
    for (const part of chunk(unique, 4)) {
      const sql = this.sql();
      const values = part
        .map(
          (group) =>
            `(${sql.param(organizationId)}, ${sql.param(group.id)}, ${sql.param(group.displayName ?? null)}, ${sql.param(now)})`,
        )
        .join(', ');
      const insert = `INSERT INTO scim_groups (organization_id, id, display_name, updated_at) VALUES ${values}`;
      // MySQL: a no-op update on a duplicate, where INSERT IGNORE would also swallow unrelated errors.
      await this.execute(
        this.provider === 'mysql'
          ? `${insert} ON DUPLICATE KEY UPDATE id = id`
          : `${insert} ON CONFLICT (organization_id, id) DO NOTHING`,
        sql.values,
      );
    }
  }

  async deleteGroups(organizationId: string, ids: readonly string[]): Promise<void> {
    // Memberships go with their group through the foreign key (ON DELETE CASCADE).
    for (const part of chunk([...new Set(ids)], listCost(this.provider))) {
      const sql = this.sql();
      await this.execute(
        `DELETE FROM scim_groups WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in('id', part)}`,
        sql.values,
      );
    }
  }

  async getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    const out: StoredGroup[] = [];
    for (const part of chunk([...new Set(ids)], listCost(this.provider))) {
      const sql = this.sql();
      const rows = await this.query(
        `SELECT organization_id, id, directory_id, display_name, external_id FROM scim_groups WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in('id', part)}`,
        sql.values,
      );
      out.push(...rows.map(groupFromRow));
    }
    return out;
  }

  async replaceMemberships(
    organizationId: string,
    entries: readonly { userId: string; groupIds: readonly string[] }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const groupsOf = new Map<string, Set<string>>();
    for (const entry of entries) groupsOf.set(entry.userId, new Set(entry.groupIds));
    if (this.newUsers !== undefined) {
      await this.addNewUsersMemberships(organizationId, this.newUsers, groupsOf);
      if (groupsOf.size === 0) return;
    }
    const pairs = [...groupsOf].flatMap(([userId, groupIds]) => [...groupIds].map((groupId) => [userId, groupId]));
    if (this.provider === 'postgresql') {
      // One statement: delete the memberships no longer wanted, add the missing ones. Both touch disjoint
      // rows, and memberships that stay are not rewritten (a re-sync of unchanged users writes nothing).
      // The rows to delete are found by one primary-key probe per user (the lateral subquery, kept from
      // being flattened into a join by OFFSET 0), then deleted by their row address: as
      // `user_id = ANY(...)`, Prisma's statements (planned for their values each time) read the
      // organization's every membership once its table outgrew its statistics.
      const sql = this.sql();
      const org = sql.param(organizationId);
      const users = sql.param([...groupsOf.keys()], 'text[]');
      const wantedUsers = sql.param(
        pairs.map((p) => p[0]),
        'text[]',
      );
      const wantedGroups = sql.param(
        pairs.map((p) => p[1]),
        'text[]',
      );
      await this.execute(
        `WITH wanted AS (SELECT w.user_id, w.group_id FROM unnest(${wantedUsers}, ${wantedGroups}) AS w(user_id, group_id)),
              gone AS (DELETE FROM scim_memberships
                        WHERE ctid = ANY(ARRAY(
                          SELECT s.ctid FROM unnest(${users}) AS u(id)
                           CROSS JOIN LATERAL (SELECT ctid, group_id FROM scim_memberships
                                                WHERE organization_id = ${org} AND user_id = u.id OFFSET 0) AS s
                           WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE w.user_id = u.id AND w.group_id = s.group_id))))
         INSERT INTO scim_memberships (organization_id, user_id, group_id)
         SELECT ${org}, w.user_id, w.group_id FROM wanted w
         ON CONFLICT (organization_id, user_id, group_id) DO NOTHING`,
        sql.values,
      );
      return;
    }
    for (const part of chunk([...groupsOf.keys()], listCost(this.provider))) {
      const sql = this.sql();
      await this.execute(
        `DELETE FROM scim_memberships WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in('user_id', part)}`,
        sql.values,
      );
    }
    for (const part of chunk(pairs, 3)) {
      const sql = this.sql();
      const values = part
        .map(([userId, groupId]) => `(${sql.param(organizationId)}, ${sql.param(userId)}, ${sql.param(groupId)})`)
        .join(', ');
      await this.execute(
        `INSERT INTO scim_memberships (organization_id, user_id, group_id) VALUES ${values}`,
        sql.values,
      );
    }
  }

  /**
   * PostgreSQL: the memberships of users whose version record this transaction has just inserted, taken
   * out of `groupsOf` once written. They have none yet (memberships are only written under their user's
   * version record, whose new row stays locked until commit), so a plain insert does, without the
   * anti-join delete and ON CONFLICT (about a third of the statement). If some are there after all (rows
   * the app wrote itself), nothing is inserted and the users stay in `groupsOf` for the general replace.
   */
  private async addNewUsersMemberships(
    organizationId: string,
    newUsers: Set<string>,
    groupsOf: Map<string, Set<string>>,
  ): Promise<void> {
    const users: string[] = [];
    const pairUsers: string[] = [];
    const pairGroups: string[] = [];
    let others = false;
    for (const [userId, groupIds] of groupsOf) {
      // Only the first write of a new user's memberships in this transaction can skip the checks.
      if (!newUsers.delete(`${organizationId}\u0000${userId}`)) {
        others = true;
        continue;
      }
      users.push(userId);
      for (const groupId of groupIds) {
        pairUsers.push(userId);
        pairGroups.push(groupId);
      }
    }
    // With users to replace anyway, one statement for all beats two (a webhook batch mixes both).
    if (users.length === 0 || others) return;
    const sql = this.sql();
    const org = sql.param(organizationId);
    const [answer] = await this.query(
      // One primary-key probe per user: planned as `user_id = ANY(...)` with the statistics of a table
      // that a first sync fills faster than autovacuum analyzes it, the check read every membership.
      `WITH clash AS (SELECT EXISTS (SELECT 1 FROM unnest(${sql.param(users, 'text[]')}) AS u(id)
                                      CROSS JOIN LATERAL (SELECT 1 FROM scim_memberships m
                                       WHERE m.organization_id = ${org} AND m.user_id = u.id LIMIT 1) AS m) AS found),
            added AS (INSERT INTO scim_memberships (organization_id, user_id, group_id)
                      SELECT ${org}, w.user_id, w.group_id
                        FROM unnest(${sql.param(pairUsers, 'text[]')}, ${sql.param(pairGroups, 'text[]')}) AS w(user_id, group_id)
                       WHERE NOT (SELECT found FROM clash))
       SELECT found AS clash FROM clash`,
      sql.values,
    );
    if (answer?.clash === false) for (const userId of users) groupsOf.delete(userId);
  }

  async removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    const removed: Membership[] = [];
    for (const part of chunk([...new Set(groupIds)], listCost(this.provider))) {
      const sql = this.sql();
      const where = `WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in('group_id', part)}`;
      let rows: Row[];
      if (this.provider === 'mysql') {
        // No DELETE ... RETURNING on MySQL: lock the rows, read them, then delete them.
        rows = await this.query(`SELECT user_id, group_id FROM scim_memberships ${where} FOR UPDATE`, sql.values);
        await this.execute(`DELETE FROM scim_memberships ${where}`, sql.values);
      } else {
        rows = await this.query(`DELETE FROM scim_memberships ${where} RETURNING user_id, group_id`, sql.values);
      }
      for (const row of rows) {
        removed.push({ organizationId, userId: String(row.user_id), groupId: String(row.group_id) });
      }
    }
    return removed;
  }

  async listMemberships(
    organizationId: string,
    filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
  ): Promise<Membership[]> {
    const [column, ids] = 'userIds' in filter ? ['user_id', filter.userIds] : ['group_id', filter.groupIds];
    const out: Membership[] = [];
    for (const part of chunk([...new Set(ids)], listCost(this.provider))) {
      const sql = this.sql();
      const rows = await this.query(
        `SELECT user_id, group_id FROM scim_memberships WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in(column, part)}`,
        sql.values,
      );
      for (const row of rows) out.push({ organizationId, userId: String(row.user_id), groupId: String(row.group_id) });
    }
    return out;
  }

  async upsertDirectory(organizationId: string, directory: DirectoryWrite): Promise<void> {
    const row: Row = {
      organization_id: organizationId,
      id: directory.id,
      enabled: directory.enabled,
      provider: directory.provider,
      directory_type: directory.directoryType,
      status: directory.status,
      updated_at: new Date(),
    };
    await this.upsertRows('scim_directories', ['organization_id', 'id'], [row]);
  }

  async getDirectory(organizationId: string, id: string): Promise<StoredDirectory | null> {
    const sql = this.sql();
    const rows = await this.query(
      `SELECT organization_id, id, enabled, provider, directory_type, status FROM scim_directories WHERE organization_id = ${sql.param(organizationId)} AND id = ${sql.param(id)}`,
      sql.values,
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      organizationId: String(row.organization_id),
      id: String(row.id),
      enabled: toBoolean(row.enabled),
      provider: toStringOrNull(row.provider),
      directoryType: toStringOrNull(row.directory_type),
      status: toStringOrNull(row.status),
    };
  }

  // Sync bookkeeping

  async getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null> {
    const sql = this.sql();
    const rows = await this.query(
      `SELECT ${SYNC_STATE_COLUMNS} FROM scim_sync_states WHERE organization_id = ${sql.param(organizationId)} AND directory_id = ${sql.param(directoryId)}`,
      sql.values,
    );
    return rows[0] === undefined ? null : syncStateFromRow(rows[0]);
  }

  listSyncStates(organizationId?: string): Promise<SyncState[]> {
    return listSyncStates(this.db, this.provider, organizationId);
  }

  async saveSyncState(state: SyncState): Promise<void> {
    await this.upsertRows(
      'scim_sync_states',
      ['organization_id', 'directory_id'],
      [
        {
          organization_id: state.organizationId,
          directory_id: state.directoryId,
          status: state.status,
          watermark: state.watermark,
          checkpoint: state.checkpoint,
          last_started_at: state.lastStartedAt,
          last_finished_at: state.lastFinishedAt,
          last_error: state.lastError,
          updated_at: state.updatedAt,
        },
      ],
    );
  }

  async acquireLease(request: LeaseRequest): Promise<boolean> {
    const sql = this.sql();
    const expiresAt = new Date(request.now.getTime() + request.ttlMs);
    const insert = `INSERT INTO scim_leases (name, owner, expires_at) VALUES (${sql.list([request.name, request.owner, expiresAt])})`;
    if (this.provider !== 'mysql') {
      const rows = await this.query(
        `${insert} ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE scim_leases.owner = excluded.owner OR scim_leases.expires_at <= ${sql.param(request.now)}
         RETURNING name`,
        sql.values,
      );
      return rows.length === 1;
    }
    // Owner first: once it is ours, the expiry follows; when it stays another's, neither changes.
    const rule = `(owner = VALUES(owner) OR expires_at <= ${sql.param(request.now)})`;
    const ruleAgain = `(owner = VALUES(owner) OR expires_at <= ${sql.param(request.now)})`;
    await this.execute(
      `${insert} ON DUPLICATE KEY UPDATE owner = IF(${rule}, VALUES(owner), owner), expires_at = IF(${ruleAgain}, VALUES(expires_at), expires_at)`,
      sql.values,
    );
    const read = this.sql();
    const rows = await this.query(
      `SELECT owner FROM scim_leases WHERE name = ${read.param(request.name)}`,
      read.values,
    );
    return rows[0]?.owner === request.owner;
  }

  getLeases(names: readonly string[], now: Date): Promise<HeldLease[]> {
    return getLeases(this.db, this.provider, names, now);
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    const sql = this.sql();
    await this.execute(
      `DELETE FROM scim_leases WHERE name = ${sql.param(name)} AND owner = ${sql.param(owner)}`,
      sql.values,
    );
  }
}
