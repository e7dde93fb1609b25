import type { Dialect } from './dialect.js';
import type { SqlValue } from './port.js';

/**
 * PostgreSQL's array literal of text values, sent as one parameter and cast in the statement
 * (`$1::text[]`): one parameter whatever the number of values, so the statement text stays the same.
 * JSON quotes like an array literal (`"a","b"`, bare null), and the two escape alike all but `\`: an
 * array whose JSON holds no backslash is its own literal, the rest is escaped element by element.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  const json = JSON.stringify(values);
  if (!json.includes('\\')) return `{${json.slice(1, -1)}}`;
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}

/**
 * One statement's parameters, collected while its text is written. MySQL's and SQLite's placeholders are
 * positional: every `p()` of a statement must be called in the order its placeholder appears in the text.
 */
export class Statement {
  readonly params: SqlValue[] = [];

  constructor(readonly dialect: Dialect) {}

  /** A parameter's placeholder. */
  p(value: SqlValue): string {
    this.params.push(value);
    return this.dialect.placeholder(this.params.length);
  }

  instant(value: Date | null): string {
    return this.dialect.instantSql(this.p(value === null ? null : this.dialect.instant(value)));
  }

  flag(value: boolean | null): string {
    return this.dialect.flagSql(this.p(value === null ? null : this.dialect.flag(value)));
  }

  int64(value: bigint): string {
    return this.dialect.int64Sql(this.p(value.toString()));
  }

  /** PostgreSQL: a column of values as one array parameter. */
  array(values: readonly (string | null)[], type = 'text'): string {
    return `${this.p(arrayLiteral(values))}::${type}[]`;
  }

  /** `column IN (...)`: one array parameter on PostgreSQL, one placeholder a value elsewhere. Never empty. */
  in(column: string, values: readonly string[]): string {
    if (values.length === 0) return '1 = 0';
    if (this.dialect.name === 'postgresql') return `${column} = any(${this.array(values)})`;
    return `${column} IN (${values.map((v) => this.p(v)).join(', ')})`;
  }
}
