import type { ConformanceBackdoor } from '@scim/adapter-test-suite';
import type { EntityKind, InboxStatus, SyncState } from '@scim/core';
import { type SQL, sql } from 'drizzle-orm';

type Row = Record<string, unknown>;

/** How the test reads raw rows: the driver's own answer to a plain SQL statement. */
export interface RawReader {
  rows(query: SQL): Promise<Row[]>;
  /** The cast that turns a BIGINT into exact text (`text` or `char`). */
  textType: 'text' | 'char';
  /** Runs an INSERT of one row into a table with an integer `id`; resolves that id. */
  insert(query: SQL): Promise<string>;
}

/**
 * The conformance backdoor with the table-mode linking readers, which this package's test apps have (their
 * `app_users` key columns are nullable).
 */
export type LinkingBackdoor = ConformanceBackdoor &
  Required<Pick<ConformanceBackdoor, 'insertUnlinkedUser' | 'readUnlinkedUser'>>;

/** How the test app says "inactive". */
export type ActiveStyle = 'column' | 'deactivatedAt';

const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';

function date(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  // PostgreSQL text is `YYYY-MM-DD hh:mm:ss.mmm+00`; MySQL DATETIME the same without an offset, in UTC.
  let text = String(v).replace(' ', 'T');
  if (/[+-]\d\d$/.test(text)) text += ':00';
  else if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) text += 'Z';
  return new Date(text);
}

const maybeDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function roles(v: unknown): string[] | undefined {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map(String);
  return JSON.parse(String(v)) as string[];
}

/**
 * Reads the real tables with plain SQL, never through the adapter. One implementation for the three
 * dialects: only the driver's value types differ, and they are normalised here.
 */
export function rawBackdoor(reader: RawReader, active: ActiveStyle): LinkingBackdoor {
  const one = async (query: SQL): Promise<Row | null> => (await reader.rows(query))[0] ?? null;
  const asText = sql.raw(reader.textType);
  return {
    async readUser(organizationId, userId) {
      const row = await one(
        sql`select * from app_users where scim_organization_id = ${organizationId} and scim_user_id = ${userId}`,
      );
      if (row === null) return null;
      return {
        id: String(row.scim_user_id),
        organizationId: String(row.scim_organization_id),
        email: str(row.email),
        givenName: str(row.given_name),
        familyName: str(row.family_name),
        displayName: str(row.display_name),
        username: str(row.username),
        active: active === 'column' ? bool(row.is_active) : row.deactivated_at === null,
        roles: roles(row.roles),
      };
    },
    async readEntity(organizationId, kind, id) {
      const row = await one(
        sql`select e.*, cast(e.version as ${asText}) as version_text from scim_entities e where organization_id = ${organizationId} and kind = ${kind} and id = ${id}`,
      );
      if (row === null) return null;
      return {
        organizationId: String(row.organization_id),
        kind: row.kind as EntityKind,
        id: String(row.id),
        version: BigInt(String(row.version_text)),
        deleted: bool(row.deleted),
        active: bool(row.active),
        fingerprint: str(row.fingerprint),
        directoryRoles: row.directory_roles === null ? null : (JSON.parse(String(row.directory_roles)) as string[]),
        eventId: str(row.event_id),
        updatedAt: date(row.updated_at),
      };
    },
    async readInbox(eventId) {
      const row = await one(sql`select * from scim_events where id = ${eventId}`);
      if (row === null) return null;
      return {
        id: String(row.id),
        organizationId: String(row.organization_id),
        type: String(row.type),
        occurredAt: String(row.occurred_at),
        receivedAt: date(row.received_at),
        status: row.status as InboxStatus,
        reason: str(row.reason),
        payload: str(row.payload),
      };
    },
    async readGroup(organizationId, groupId) {
      const row = await one(
        sql`select * from scim_groups where organization_id = ${organizationId} and id = ${groupId}`,
      );
      if (row === null) return null;
      return {
        organizationId: String(row.organization_id),
        id: String(row.id),
        directoryId: str(row.directory_id),
        displayName: str(row.display_name),
        externalId: str(row.external_id),
      };
    },
    async readMemberships(organizationId, { userId, groupId }) {
      const rows = await reader.rows(
        sql`select user_id, group_id from scim_memberships where organization_id = ${organizationId}${
          userId === undefined ? sql`` : sql` and user_id = ${userId}`
        }${groupId === undefined ? sql`` : sql` and group_id = ${groupId}`}`,
      );
      return rows.map((row) => ({ userId: String(row.user_id), groupId: String(row.group_id) }));
    },
    async readDirectory(organizationId, directoryId) {
      const row = await one(
        sql`select * from scim_directories where organization_id = ${organizationId} and id = ${directoryId}`,
      );
      if (row === null) return null;
      return {
        organizationId: String(row.organization_id),
        id: String(row.id),
        enabled: bool(row.enabled),
        provider: str(row.provider),
        directoryType: str(row.directory_type),
        status: str(row.status),
      };
    },
    async readSyncState(organizationId, directoryId) {
      const row = await one(
        sql`select * from scim_sync_states where organization_id = ${organizationId} and directory_id = ${directoryId}`,
      );
      if (row === null) return null;
      return {
        organizationId: String(row.organization_id),
        directoryId: String(row.directory_id),
        status: row.status as SyncState['status'],
        watermark: maybeDate(row.watermark),
        checkpoint: str(row.checkpoint),
        lastStartedAt: maybeDate(row.last_started_at),
        lastFinishedAt: maybeDate(row.last_finished_at),
        lastError: str(row.last_error),
        updatedAt: date(row.updated_at),
      };
    },
    async readLink(organizationId, directoryUserId) {
      const row = await one(
        sql`select * from scim_links where organization_id = ${organizationId} and directory_user_id = ${directoryUserId}`,
      );
      return row === null
        ? null
        : { directoryUserId: String(row.directory_user_id), appUserId: String(row.app_user_id) };
    },
    insertUnlinkedUser: ({ email, displayName }) =>
      reader.insert(sql`insert into app_users (email, display_name) values (${email}, ${displayName ?? null})`),
    async readUnlinkedUser(rowId) {
      const row = await one(sql`select * from app_users where id = ${Number(rowId)}`);
      if (row === null) return null;
      return {
        organizationId: str(row.scim_organization_id),
        userId: str(row.scim_user_id),
        email: str(row.email),
        active: active === 'column' ? bool(row.is_active) : row.deactivated_at === null,
        displayName: str(row.display_name),
      };
    },
  };
}
