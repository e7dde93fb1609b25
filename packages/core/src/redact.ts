/**
 * What must never reach a log line, even inside an error's message: secrets the engine was given, and
 * the values of the changes a failed write carried (a driver's error may quote the row it refused).
 */

const secrets = new Set<string>();
const sensitive = new WeakMap<object, readonly string[]>();
const MIN_LENGTH = 3;
const MAX_VALUES = 2_000;

/** Registers a secret (a webhook secret, a client secret) to be blanked from every logged error. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_LENGTH) secrets.add(value);
}

/** Attaches the values a failed write carried to its error, so that logging the error blanks them. */
export function markSensitive(error: unknown, values: Iterable<string>): void {
  if (typeof error !== 'object' || error === null) return;
  const list = [...(sensitive.get(error) ?? [])];
  for (const value of values) {
    if (value.length >= MIN_LENGTH && list.length < MAX_VALUES) list.push(value);
  }
  sensitive.set(error, list);
}

/** The values attached to an error or any of its causes. */
export function sensitiveValues(error: unknown): string[] {
  const out: string[] = [];
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 8; depth++) {
    out.push(...(sensitive.get(current) ?? []));
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

/** The password of a URL (`postgres://user:password@host`). */
const URL_PASSWORD = /(\/\/[^/\s:@]*:)[^@\s]+@/g;
/** A credential a message names: `password=x`, `secret: x`, `(password x)`, `token x`. */
const NAMED_CREDENTIAL = /\b(password|passwd|pwd|secret|token|api[_-]?key)(\s*[=:]\s*|\s+)([^\s,;)'"]+)/gi;

/**
 * `text` with every registered secret and every given value replaced (longest first, so no part of a
 * value survives), and with what reads as a credential: a URL's password, a value after `password`,
 * `secret`, `token` or `api_key`. Drivers quote connection strings in their connection errors.
 */
export function redact(text: string, values: readonly string[] = []): string {
  const all = [...secrets, ...values].filter((v) => text.includes(v)).sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of all) out = out.split(value).join('[redacted]');
  return out.replace(URL_PASSWORD, '$1[redacted]@').replace(NAMED_CREDENTIAL, '$1$2[redacted]');
}

/** Every string of a JSON-like value (a payload, a user record), for `markSensitive`. */
export function stringsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (out.length >= MAX_VALUES || depth > 16) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out, depth + 1);
  else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) stringsOf(item, out, depth + 1);
  }
  return out;
}
