import pg from 'pg';

/**
 * Counts every statement this process sends PostgreSQL through `pg` (BEGIN and COMMIT included: they all go
 * through `Client#query`), to report round trips per request. Resolves the running count.
 */
export function countPgStatements(): () => number {
  let statements = 0;
  const clientQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof clientQuery;
  return () => statements;
}
