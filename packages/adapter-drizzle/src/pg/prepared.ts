import { createHash } from 'node:crypto';
import { is, Placeholder, type SQL } from 'drizzle-orm';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';

type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

const dialect = new PgDialect();

/** The rows of a raw result: node-postgres and PGlite answer `{ rows }`, postgres.js an array. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
}

/**
 * A statement whose text is built once and run with positional parameters through the session of
 * whatever database or transaction is at hand. The webhook path runs the same few statements for
 * every event: building them with the query builder each time cost more CPU than the driver. The
 * name is derived from the text, so node-postgres parses each statement once per connection
 * (a server-side prepared statement) and two different texts never share a name.
 */
export class PreparedText {
  readonly name: string;

  constructor(readonly text: string) {
    this.name = `scim_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  }

  /** A statement from a Drizzle SQL whose only parameters are `sql.placeholder('1')`, `'2'`, ... in order. */
  static fromSql(query: SQL): PreparedText {
    const { sql: text, params } = dialect.sqlToQuery(query);
    params.forEach((param, index) => {
      if (!is(param, Placeholder) || param.name !== String(index + 1))
        throw new TypeError(`PreparedText: parameter ${index + 1} is not sql.placeholder('${index + 1}')`);
    });
    return new PreparedText(text);
  }

  async run(db: Db, params: unknown[]): Promise<Record<string, unknown>[]> {
    const result = await db._.session.prepareQuery({ sql: this.text, params }, undefined, this.name, false).execute();
    return rowsOf(result);
  }
}
