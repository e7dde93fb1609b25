import type { ScimHeaders } from './types.js';

/** A header's value whatever the caller's casing; repeated headers are joined as HTTP says. */
export function header(headers: ScimHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/** The media type without parameters, lower-cased. */
export function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const type = value.split(';', 1)[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}
