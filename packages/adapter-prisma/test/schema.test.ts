import { sqlSchemaStatements } from '@scim/sql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AnyPrisma, clientFor } from './clients.js';
import { createDatabase, type Provider, unavailable } from './databases.js';

interface RuntimeDataModel {
  models: Record<string, { dbName: string | null; fields: { name: string; kind: string; dbName?: string | null }[] }>;
}

/**
 * The shipped migrations are written by hand (the schema engine cannot run here): every scim_ table and
 * column the fragment declares must exist in the migrated database, and nothing more.
 */
for (const provider of ['postgresql', 'mysql', 'sqlite'] as const satisfies Provider[]) {
  const reason = await unavailable(provider);

  describe.skipIf(reason !== null)(`prisma:${provider}: the migration matches the schema fragment`, () => {
    let client: AnyPrisma;
    /** A database with @scim/sql's own schema, whose statements the adapter runs. */
    let reference: AnyPrisma;
    beforeAll(async () => {
      client = clientFor(provider, await createDatabase(provider, 'scim_prisma_test_schema'));
      reference = clientFor(
        provider,
        await createDatabase(provider, 'scim_prisma_test_sql_schema', sqlSchemaStatements(provider)),
      );
    });
    afterAll(async () => {
      await client?.$disconnect();
      await reference?.$disconnect();
    });

    /**
     * Each scim_ column: its kind (PostgreSQL's and MySQL's data type without its length; SQLite keeps no type
     * worth comparing, its values are what the statements write) and its collation.
     */
    const columnsOf = async (db: AnyPrisma): Promise<Record<string, string>> => {
      const rows =
        provider === 'sqlite'
          ? await db.$queryRawUnsafe<{ t: string; c: string; k: string }[]>(
              `SELECT m.name AS t, p.name AS c, '' AS k FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name LIKE 'scim\\_%' ESCAPE '\\'`,
            )
          : await db.$queryRawUnsafe<{ t: string; c: string; k: string }[]>(
              `SELECT table_name AS t, column_name AS c, concat(data_type, ' ', coalesce(collation_name, '')) AS k FROM information_schema.columns WHERE table_name LIKE 'scim\\_%' AND table_schema = ${provider === 'mysql' ? 'DATABASE()' : 'current_schema()'}`,
            );
      return Object.fromEntries(rows.map((row) => [`${row.t}.${row.c}`, String(row.k).trim()]));
    };

    test("the migrated tables are @scim/sql's: same columns, same types and collations", async () => {
      const migrated = await columnsOf(client);
      expect(Object.keys(migrated).length).toBeGreaterThan(60);
      expect(migrated).toEqual(await columnsOf(reference));
    });

    test('same tables, same columns', async () => {
      const { models } = (client as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
      const expected: Record<string, string[]> = {};
      for (const [name, model] of Object.entries(models)) {
        if (!name.startsWith('Scim')) continue;
        expected[model.dbName ?? name] = model.fields
          .filter((field) => field.kind === 'scalar')
          .map((field) => field.dbName ?? field.name)
          .sort();
      }

      const columns =
        provider === 'sqlite'
          ? await client.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
              `SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name LIKE 'scim\\_%' ESCAPE '\\'`,
            )
          : await client.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
              `SELECT table_name AS table_name, column_name AS column_name FROM information_schema.columns WHERE table_name LIKE 'scim\\_%' AND table_schema = ${provider === 'mysql' ? 'DATABASE()' : 'current_schema()'}`,
            );
      const actual: Record<string, string[]> = {};
      for (const { table_name, column_name } of columns) {
        actual[table_name] = [...(actual[table_name] ?? []), column_name];
      }
      for (const list of Object.values(actual)) list.sort();

      // Every provider keeps the SCIM server's records too (scim_resources, scim_resource_emails, scim_tokens).
      expect(Object.keys(expected)).toHaveLength(11);
      expect(actual).toEqual(expected);
    });
  });
}
