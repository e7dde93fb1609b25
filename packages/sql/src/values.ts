/**
 * Readers of the values drivers return, which differ by driver and by its settings: booleans come as
 * booleans or 0/1, instants as Dates, text or milliseconds, 64-bit integers as text (the stores read
 * them with `Dialect.readInt64`).
 */

export function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1' || value === 't' || value === 'true';
}

export function flagOrNull(value: unknown): boolean | null {
  return value === null || value === undefined ? null : flag(value);
}

export function int64(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(value as string | number);
}

/** An instant: a Date, milliseconds, ISO text or PostgreSQL's text form (`2024-01-31 12:00:00.123+00`). */
export function instant(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'bigint') return new Date(Number(value));
  const raw = text(value);
  const date = new Date(raw);
  if (!Number.isNaN(date.getTime())) return date;
  const iso = new Date(raw.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(iso.getTime())) throw new TypeError(`@scim/sql: the driver returned an unreadable instant: ${raw}`);
  return iso;
}

export function instantOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : instant(value);
}

/** Directory roles are kept as JSON text in every dialect. */
export function roles(value: unknown): string[] | null {
  return value === null || value === undefined ? null : (JSON.parse(text(value)) as string[]);
}

export function rolesText(roles: readonly string[] | null): string | null {
  return roles === null ? null : JSON.stringify(roles);
}
