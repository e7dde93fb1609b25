import mysqlSchema from '../schema/mysql.sql';
import postgresqlSchema from '../schema/postgresql.sql';
import sqliteSchema from '../schema/sqlite.sql';
import type { SqlDialect, SqlPort } from './port.js';

const SCHEMAS: Record<SqlDialect, string> = { postgresql: postgresqlSchema, mysql: mysqlSchema, sqlite: sqliteSchema };

/**
 * The bookkeeping schema of a dialect as SQL text: the file `@scim/sql/schema/<dialect>.sql`, for a
 * migration tool (copy it into a migration) or a reader.
 */
export function sqlSchema(dialect: SqlDialect): string {
  const schema = SCHEMAS[dialect];
  if (schema === undefined) throw new TypeError(`@scim/sql: unknown dialect ${String(dialect)}`);
  return schema;
}

/** The schema's statements, one by one (comments dropped), in the order they must run. */
export function sqlSchemaStatements(dialect: SqlDialect): string[] {
  return sqlSchema(dialect)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

/**
 * Creates the bookkeeping tables and indexes that are missing (every statement is `IF NOT EXISTS`), for
 * apps without a migration tool and for tests. PostgreSQL and SQLite apply the schema in one transaction
 * (PostgreSQL under an advisory lock, so two processes starting together do not race); MySQL commits each
 * statement of its own. It never alters or drops an existing table.
 */
export async function applySqlSchema(port: SqlPort): Promise<void> {
  const statements = sqlSchemaStatements(port.dialect);
  if (port.dialect === 'mysql') {
    for (const statement of statements) await port.execute(statement, []);
    return;
  }
  await port.transaction(async (session) => {
    if (port.dialect === 'postgresql')
      // A column of a plain type: some clients (Prisma) cannot read pg_advisory_xact_lock's void.
      await session.query("SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('@scim/sql schema'))", []);
    for (const statement of statements) await session.execute(statement, []);
  });
}
