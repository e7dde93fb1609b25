import { type Column, type SQL, sql } from 'drizzle-orm';
import { getTableConfig, PgArray, type PgTable } from 'drizzle-orm/pg-core';

/**
 * Column types whose values PostgreSQL reads back exactly from JSON (a JSON string goes through the
 * type's own input function). Anything else (json, bytea, bigint, custom types) keeps the
 * multi-row VALUES path, where Drizzle binds each value as it always does.
 */
const SCALARS = new Set([
  'PgText',
  'PgVarchar',
  'PgChar',
  'PgBoolean',
  'PgInteger',
  'PgSmallInt',
  'PgDoublePrecision',
  'PgReal',
  'PgNumeric',
  'PgUUID',
  'PgTimestamp',
  'PgTimestampString',
  'PgDate',
  'PgDateString',
]);

function jsonSafe(column: Column): boolean {
  if (column instanceof PgArray)
    return SCALARS.has(column.baseColumn.columnType) && !/^PgTimestamp|^PgDate/.test(column.baseColumn.columnType);
  return SCALARS.has(column.columnType);
}

/** Whether rows setting these columns can travel as one JSON document. */
export function canSendAsJson(columns: readonly Column[]): boolean {
  return columns.every(jsonSafe);
}

/**
 * The rows as one JSON parameter, unpacked by `json_populate_recordset` into the table's own row
 * type: one short statement whatever the number of rows, instead of a VALUES list with a parameter
 * per cell that PostgreSQL has to parse and bind.
 */
export function jsonRowsSource(
  table: PgTable,
  columns: readonly [key: string, column: Column][],
  rows: readonly Record<string, unknown>[],
): SQL {
  const documents = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = row[key];
      out[column.name] =
        value === null || value === undefined || column instanceof PgArray ? value : column.mapToDriverValue(value);
    }
    return out;
  });
  const { name, schema } = getTableConfig(table);
  const rowType = schema === undefined ? sql.identifier(name) : sql`${sql.identifier(schema)}.${sql.identifier(name)}`;
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  return sql`select ${names} from json_populate_recordset(null::${rowType}, ${JSON.stringify(documents)}::json)`;
}
