import type { UserWrite } from '@scim/core';
import type { UserPatch, UserTableStore } from '@scim/core/adapter';
import { and, type Column, eq, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgInsertValue, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { chunkRows, unique } from '../batches.js';
import { type EmailLink, linkUsersByEmail } from '../email-links.js';
import type { PgDb } from '../port.js';
import type { UserRows } from '../user-rows.js';
import { canSendAsJson, jsonRowsDocument, jsonRowsSource } from './json-rows.js';
import { anyOf, excluded } from './operators.js';
import { PreparedText, rowsOf } from './prepared.js';

/** Statements over the app's users table, built once per mapping (and per row shape). */
interface UserStatements {
  upserts: Map<string, PreparedText | undefined>;
  delete?: PreparedText;
}
const userStatements = new WeakMap<UserRows, UserStatements>();

/** The table mapping's writes on PostgreSQL, in the adapter's transaction (`tx`). */
export class PgUsers implements UserTableStore {
  constructor(
    private readonly db: PgDb,
    private readonly users: UserRows,
  ) {}

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

  linkUsersByEmail(organizationId: string, emailLinks: readonly EmailLink[]): Promise<string[]> {
    const statements = {
      all: async (query: SQL) => rowsOf(await this.db.execute(query)),
      run: (query: SQL) => this.db.execute(query),
      returning: true,
    };
    return linkUsersByEmail(this.users, statements, organizationId, emailLinks);
  }
}
