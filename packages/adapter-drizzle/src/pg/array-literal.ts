/**
 * An array parameter as PostgreSQL's array literal, built by `JSON.stringify`: node-postgres builds it
 * element by element, with two regular-expression replaces and a few intermediate strings each (about
 * 4 KB of garbage per user a sync writes). JSON and an array literal quote alike (`"a","b"`, bare
 * `null`, numbers and booleans); they escape alike only `"` and `\`, so an array whose JSON holds a
 * backslash (a quote, a backslash or a control character in a value) is left for the driver.
 *
 * Only for parameters cast to an array type in the statement (`$1::text[]`): the driver then sends
 * the string as it is, and the server parses it as that type.
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string | unknown[] {
  const json = JSON.stringify(values);
  if (json.includes('\\')) return [...values];
  return `{${json.slice(1, -1)}}`;
}
