import type { ScimIndexValues, ScimStoreFilter } from './port.js';

/** A stored resource's indexed values as the memory store keeps them. */
export interface IndexedRecord {
  id: string;
  index: ScimIndexValues;
  lastModified: Date;
}

function compareString(op: 'eq' | 'sw' | 'co', actual: string | null, expected: string): boolean {
  if (actual === null) return false;
  if (op === 'eq') return actual === expected;
  if (op === 'sw') return actual.startsWith(expected);
  return actual.includes(expected);
}

/** `ScimStoreFilter` evaluated as a database would, on the index values the writes carried. */
export function matchesStoreFilter(filter: ScimStoreFilter, record: IndexedRecord): boolean {
  if (filter.op === 'and') return filter.filters.every((child) => matchesStoreFilter(child, record));
  switch (filter.attribute) {
    case 'active':
      return record.index.active === filter.value;
    case 'meta.lastModified': {
      const left = record.lastModified.getTime();
      const right = filter.value.getTime();
      if (filter.op === 'gt') return left > right;
      if (filter.op === 'ge') return left >= right;
      if (filter.op === 'lt') return left < right;
      if (filter.op === 'le') return left <= right;
      return left === right;
    }
    case 'emails.value':
      return record.index.emails.some((email) => compareString(filter.op, email, filter.value));
    case 'id':
      return compareString(filter.op, record.id, filter.value);
    default:
      return compareString(filter.op, record.index[filter.attribute], filter.value);
  }
}

/** Code-point order, as the port requires (not `localeCompare`). */
export function byId(left: { id: string }, right: { id: string }): number {
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}
