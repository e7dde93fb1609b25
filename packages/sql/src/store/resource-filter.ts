import type { ResourceFilter } from '@scim/core/adapter';
import type { Statement } from '../statement.js';

const COLUMNS = {
  id: 'r.id',
  userName: 'r.user_name',
  externalId: 'r.external_id',
  displayName: 'r.display_name',
} as const;

const COMPARISONS = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** `LIKE` with `!` as its escape character (a backslash means different things to the dialects' string literals). */
function likePrefix(value: string): string {
  return `${value.replace(/[!%_]/g, '!$&')}%`;
}

/**
 * A text comparison as the memory adapter makes it: exact and case-sensitive (the SCIM server lower-cases
 * what must compare without case, on both sides). The id columns compare bytes (COLLATE "C", utf8mb4_bin);
 * SQLite's LIKE ignores ASCII case, so there `sw` compares a prefix and `co` looks for the substring.
 */
function textMatch(s: Statement, column: string, op: 'eq' | 'sw' | 'co', value: string): string {
  if (op === 'eq') return `${column} = ${s.p(value)}`;
  const dialect = s.dialect.name;
  if (op === 'sw') {
    if (dialect === 'sqlite') return `substr(${column}, 1, length(${s.p(value)})) = ${s.p(value)}`;
    return `${column} LIKE ${s.p(likePrefix(value))} ESCAPE '!'`;
  }
  if (dialect === 'postgresql') return `strpos(${column}, ${s.p(value)}) > 0`;
  if (dialect === 'mysql') return `LOCATE(${s.p(value)}, ${column}) > 0`;
  return `instr(${column}, ${s.p(value)}) > 0`;
}

/** The WHERE clause of a SCIM filter over `scim_resources r` (and its email index). */
export function filterSql(s: Statement, filter: ResourceFilter): string {
  if (filter.op === 'and') {
    return filter.filters.length === 0 ? '1 = 1' : `(${filter.filters.map((f) => filterSql(s, f)).join(' AND ')})`;
  }
  if (filter.attribute === 'active') return `r.active = ${s.flag(filter.value)}`;
  if (filter.attribute === 'meta.lastModified') {
    return `r.last_modified ${COMPARISONS[filter.op]} ${s.instant(filter.value)}`;
  }
  if (filter.attribute === 'emails.value') {
    return (
      'EXISTS (SELECT 1 FROM scim_resource_emails e WHERE e.organization_id = r.organization_id ' +
      'AND e.resource_type = r.resource_type AND e.resource_id = r.id ' +
      `AND ${textMatch(s, 'e.email', filter.op, filter.value)})`
    );
  }
  return textMatch(s, COLUMNS[filter.attribute], filter.op, filter.value);
}
