import type {
  EntityState,
  IdentityLink,
  InboxRecord,
  StoredDirectory,
  StoredGroup,
  SyncState,
} from '@scim/core/adapter';
import { DIALECTS } from '../dialect.js';
import type { SqlDialect, SqlRow, SqlSession } from '../port.js';
import { Statement } from '../statement.js';
import { entitySelect, entityState } from '../store/entities.js';
import { storedGroup } from '../store/groups.js';
import { eventSelect, inboxRecord } from '../store/inbox.js';
import { DIRECTORY_COLUMNS, storedDirectory, syncState, syncStateSelect } from '../store/sync.js';
import { text } from '../values.js';

/**
 * Readers of the bookkeeping tables with plain SELECTs, for the conformance suite of `@scim/adapter-test-suite`
 * (its `ConformanceBackdoor`, all but `readUser`, which reads the app's own table): they never go through a
 * store, so the suite checks what the database holds, not what the store says it wrote.
 */
export interface SqlBackdoor {
  readEntity(organizationId: string, kind: EntityState['kind'], id: string): Promise<EntityState | null>;
  readInbox(eventId: string): Promise<InboxRecord | null>;
  readGroup(organizationId: string, groupId: string): Promise<StoredGroup | null>;
  readMemberships(
    organizationId: string,
    filter: { userId?: string; groupId?: string },
  ): Promise<{ userId: string; groupId: string }[]>;
  readDirectory(organizationId: string, directoryId: string): Promise<StoredDirectory | null>;
  readSyncState(organizationId: string, directoryId: string): Promise<SyncState | null>;
  readLink(organizationId: string, directoryUserId: string): Promise<IdentityLink | null>;
}

/** The backdoor over a session of the database (outside any transaction: what committed). */
export function sqlBackdoor(session: SqlSession, dialect: SqlDialect): SqlBackdoor {
  const d = DIALECTS[dialect];
  const one = async (build: (s: Statement) => string): Promise<SqlRow | null> => {
    const s = new Statement(d);
    const sql = build(s);
    return (await session.query(sql, s.params))[0] ?? null;
  };
  return {
    async readEntity(organizationId, kind, id) {
      const row = await one(
        (s) =>
          `SELECT ${entitySelect(d)} FROM scim_entities WHERE organization_id = ${s.p(organizationId)} ` +
          `AND kind = ${s.p(kind)} AND id = ${s.p(id)}`,
      );
      return row === null ? null : entityState(row);
    },
    async readInbox(eventId) {
      const row = await one((s) => `SELECT ${eventSelect(d)} FROM scim_events WHERE id = ${s.p(eventId)}`);
      return row === null ? null : inboxRecord(row);
    },
    async readGroup(organizationId, groupId) {
      const row = await one(
        (s) =>
          'SELECT organization_id, id, directory_id, display_name, external_id FROM scim_groups ' +
          `WHERE organization_id = ${s.p(organizationId)} AND id = ${s.p(groupId)}`,
      );
      return row === null ? null : storedGroup(row);
    },
    async readMemberships(organizationId, { userId, groupId }) {
      const s = new Statement(d);
      let where = `organization_id = ${s.p(organizationId)}`;
      if (userId !== undefined) where += ` AND user_id = ${s.p(userId)}`;
      if (groupId !== undefined) where += ` AND group_id = ${s.p(groupId)}`;
      const rows = await session.query(
        `SELECT user_id, group_id FROM scim_memberships WHERE ${where} ORDER BY user_id, group_id`,
        s.params,
      );
      return rows.map((row) => ({ userId: text(row.user_id), groupId: text(row.group_id) }));
    },
    async readDirectory(organizationId, directoryId) {
      const row = await one(
        (s) =>
          `SELECT ${DIRECTORY_COLUMNS} FROM scim_directories ` +
          `WHERE organization_id = ${s.p(organizationId)} AND id = ${s.p(directoryId)}`,
      );
      return row === null ? null : storedDirectory(row);
    },
    async readSyncState(organizationId, directoryId) {
      const row = await one(
        (s) =>
          `SELECT ${syncStateSelect(d)} FROM scim_sync_states ` +
          `WHERE organization_id = ${s.p(organizationId)} AND directory_id = ${s.p(directoryId)}`,
      );
      return row === null ? null : syncState(row);
    },
    async readLink(organizationId, directoryUserId) {
      const row = await one(
        (s) =>
          'SELECT directory_user_id, app_user_id FROM scim_links ' +
          `WHERE organization_id = ${s.p(organizationId)} AND directory_user_id = ${s.p(directoryUserId)}`,
      );
      return row === null ? null : { directoryUserId: text(row.directory_user_id), appUserId: text(row.app_user_id) };
    },
  };
}
