import { badRequest } from './errors.js';
import type { ScimQuery } from './types.js';

/** Query parameters by lower-cased name (RFC 7644 names them case-insensitively in practice: Entra sends `filter`). */
export type QueryParams = Map<string, string>;

export function readQuery(query: ScimQuery | undefined): QueryParams {
  const params: QueryParams = new Map();
  if (query === undefined) return params;
  const put = (name: string, value: string | string[] | undefined) => {
    if (value === undefined) return;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === 'string') params.set(name.toLowerCase(), last);
  };
  if (typeof query === 'string') {
    for (const [name, value] of new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)) put(name, value);
  } else if (query instanceof URLSearchParams) {
    for (const [name, value] of query) put(name, value);
  } else {
    for (const [name, value] of Object.entries(query)) put(name, value);
  }
  return params;
}

/** A non-negative integer parameter; RFC 7644 3.4.2.4 clamps rather than refuses out-of-range values. */
export function integerParam(params: QueryParams, name: string): number | undefined {
  const raw = params.get(name.toLowerCase());
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw badRequest('invalidValue', `${name} must be an integer`);
  return Number.parseInt(raw, 10);
}

/** `attributes=a,b` style lists. */
export function listParam(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}
