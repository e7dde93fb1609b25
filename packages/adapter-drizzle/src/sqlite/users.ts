import type { UserWrite } from '@scim/core';
import type { UserPatch, UserTableStore } from '@scim/core/adapter';
import { and, type Column, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteInsertValue, SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { chunkRows, unique } from '../batches.js';
import { type EmailLink, linkUsersByEmail } from '../email-links.js';
import type { SQLiteDb } from '../port.js';
import type { UserRows } from '../user-rows.js';

/** The value the insert proposed for a column (`excluded.<column>`). */
const excluded = (column: Column): SQL => sql`excluded.${sql.identifier(column.name)}`;

/** The table mapping's writes on SQLite, in the adapter's transaction (on the database itself). */
export class SQLiteUsers implements UserTableStore {
  constructor(
    private readonly db: SQLiteDb,
    private readonly users: UserRows,
  ) {}

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

  linkUsersByEmail(organizationId: string, emailLinks: readonly EmailLink[]): Promise<string[]> {
    const statements = {
      all: async (query: SQL) => this.db.all<Record<string, unknown>>(query),
      run: async (query: SQL) => this.db.run(query),
      returning: true,
    };
    return linkUsersByEmail(this.users, statements, organizationId, emailLinks);
  }
}
