import { arrayLiteral } from './array-literal.js';
import type { PrismaProvider } from './options.js';

/** Bind parameters per statement, under every provider's limit (PostgreSQL and MySQL 65 535, SQLite 32 766). */
export const MAX_PARAMS = 30_000;

/** One statement's text and values, with placeholders in the provider's style. */
export class SqlBuilder {
  readonly values: unknown[] = [];

  constructor(private readonly provider: PrismaProvider) {}

  /**
   * A placeholder for `value`; `cast` is a PostgreSQL type, ignored elsewhere. An array cast to an
   * array type travels as its literal when it can (see `arrayLiteral`).
   */
  param(value: unknown, cast?: string): string {
    if (this.provider !== 'postgresql') {
      this.values.push(value);
      return '?';
    }
    const literal = Array.isArray(value) && cast?.endsWith('[]') ? arrayLiteral(value) : null;
    this.values.push(literal ?? value);
    return cast === undefined ? `$${this.values.length}` : `$${this.values.length}::${cast}`;
  }

  list(values: readonly unknown[]): string {
    return values.map((value) => this.param(value)).join(', ');
  }

  /**
   * `column IN (...)` over text values. PostgreSQL binds the whole list as one array (`= ANY($n)`): one
   * parameter instead of thousands, which Prisma and the server both handle much faster.
   */
  in(column: string, values: readonly string[]): string {
    if (this.provider === 'postgresql') return `${column} = ANY(${this.param([...values], 'text[]')})`;
    return `${column} IN (${this.list(values)})`;
  }
}

/** How many items of a list one statement binds: all of them as one array on PostgreSQL, else one each. */
export function listCost(provider: PrismaProvider): number {
  return provider === 'postgresql' ? 0 : 1;
}

export function quoteIdentifier(provider: PrismaProvider, name: string): string {
  return provider === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** Splits `items` so that each part binds at most `MAX_PARAMS` values at `perItem` values each. */
export function chunk<T>(items: readonly T[], perItem: number): T[][] {
  if (perItem === 0) return items.length === 0 ? [] : [[...items]];
  const size = Math.max(1, Math.floor(MAX_PARAMS / perItem));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
