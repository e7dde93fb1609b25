/**
 * An array parameter as PostgreSQL's array literal, built by `JSON.stringify`, or null when it cannot
 * be. Prisma checks every element of an array parameter and node-postgres then builds the literal
 * element by element, with two regular-expression replaces and a few strings each; a string parameter
 * goes through both as it is. JSON and an array literal quote alike (`"a","b"`, bare `null`, numbers
 * and booleans); they escape alike only `"` and `\`, so an array whose JSON holds a backslash (a quote,
 * a backslash or a control character in a value) is left to the drivers, as is one with anything but
 * strings, finite numbers, booleans and nulls.
 *
 * Only for parameters cast to an array type in the statement (`$1::text[]`).
 */
export function arrayLiteral(values: readonly unknown[]): string | null {
  for (const value of values) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    return null;
  }
  const json = JSON.stringify(values);
  if (json.includes('\\')) return null;
  return `{${json.slice(1, -1)}}`;
}
