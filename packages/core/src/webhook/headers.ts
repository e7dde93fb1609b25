/**
 * The header shapes a webhook verifier meets in practice:
 * - a Fetch `Headers` (undici, Hono, Next.js route handlers, Workers);
 * - a plain object in any letter case whose values are `string | string[] | undefined`
 *   (Node's `IncomingHttpHeaders`, Express `req.headers`, Fastify `request.headers`);
 * - Node's flat `rawHeaders` array `[name, value, name, value, ...]`;
 * - any iterable of `[name, value]` pairs (a `Map`, `Object.entries(...)`).
 */
export type HeadersLike =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | readonly string[]
  | Iterable<readonly [string, string]>;

/**
 * Reads one header by name, ignoring letter case.
 *
 * When the header occurs several times (an array value, repeated `rawHeaders` entries, repeated pairs),
 * the values are joined with a single space. That is exactly the `webhook-signature` semantics of Standard
 * Webhooks, where the value is a space-separated list of candidate signatures: several signature headers
 * simply mean more candidates. For a single-valued header such as `webhook-id` or `webhook-timestamp`, a
 * repeated header yields a value that no longer verifies, which is the safe outcome.
 *
 * A Fetch `Headers` already combines repeated headers into one value (joined with `", "`); the signature
 * parser tolerates that separator because a trailing comma after a signature is ignored.
 */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  // Plain-JS callers can pass null or a primitive; that is a delivery without headers, not a TypeError.
  if (typeof headers !== 'object' || headers === null) return undefined;
  const wanted = name.toLowerCase();
  if (Array.isArray(headers)) {
    return headers.length > 0 && typeof headers[0] === 'string'
      ? fromRawHeaders(headers as readonly string[], wanted)
      : fromPairs(headers as Iterable<readonly [string, string]>, wanted);
  }
  // Plain objects go first among the rest: Node's IncomingHttpHeaders is the common case, read on every delivery.
  if (!isPlainObject(headers)) {
    if (typeof Headers === 'function' && headers instanceof Headers) return headers.get(wanted) ?? undefined;
    if (isIterable(headers)) return fromPairs(headers, wanted);
  }
  return fromRecord(headers as HeaderRecord, wanted);
}

type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isIterable(value: object): value is Iterable<readonly [string, string]> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

function sameName(candidate: string, wanted: string): boolean {
  return candidate === wanted || (candidate.length === wanted.length && candidate.toLowerCase() === wanted);
}

function fromRawHeaders(raw: readonly string[], wanted: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (sameName(raw[i]!, wanted)) found = append(found, raw[i + 1]!);
  }
  return found;
}

function fromPairs(pairs: Iterable<readonly [string, string]>, wanted: string): string | undefined {
  let found: string | undefined;
  for (const pair of pairs) {
    // An entry that is not a [name, value] pair names no header; destructuring it would throw.
    if (!Array.isArray(pair)) continue;
    const [key, value] = pair;
    if (typeof key === 'string' && sameName(key, wanted)) found = appendValue(found, value);
  }
  return found;
}

function fromRecord(record: HeaderRecord, wanted: string): string | undefined {
  let found: string | undefined;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (sameName(key, wanted)) found = appendValue(found, record[key]);
  }
  return found;
}

function appendValue(found: string | undefined, value: unknown): string | undefined {
  if (typeof value === 'string') return append(found, value);
  if (Array.isArray(value)) {
    let result = found;
    for (const item of value) {
      if (typeof item === 'string') result = append(result, item);
    }
    return result;
  }
  return found;
}

function append(found: string | undefined, value: string): string {
  return found === undefined ? value : `${found} ${value}`;
}
