import type { UserWrite } from '@scim/core';
import type { UserPatch, UserTableStore } from '@scim/core/adapter';
import { and, type Column, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { MySqlInsertValue, MySqlTable, MySqlUpdateSetSource } from 'drizzle-orm/mysql-core';
import { chunkRows, unique } from '../batches.js';
import { type EmailLink, linkUsersByEmail } from '../email-links.js';
import type { MySqlDb } from '../port.js';
import type { UserRows } from '../user-rows.js';

/** The value the insert proposed for a column, inside ON DUPLICATE KEY UPDATE. */
const proposed = (column: Column): SQL => sql`values(${sql.identifier(column.name)})`;

/** The table mapping's writes on MySQL/MariaDB, in the adapter's transaction (`tx`). */
export class MySqlUsers implements UserTableStore {
  constructor(
    private readonly db: MySqlDb,
    private readonly users: UserRows,
  ) {}

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

  linkUsersByEmail(organizationId: string, emailLinks: readonly EmailLink[]): Promise<string[]> {
    const statements = {
      all: async (query: SQL) => ((await this.db.execute(query)) as unknown as [Record<string, unknown>[]])[0],
      run: (query: SQL) => this.db.execute(query),
      returning: false,
    };
    return linkUsersByEmail(this.users, statements, organizationId, emailLinks);
  }
}
