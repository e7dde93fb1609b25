import type { ScimResourceType } from '../schema/extensions.js';
import type { ScimStoreFilter, ScimStringIndex } from '../store/port.js';
import type { FilterNode } from './ast.js';

/** What the store runs, and whether that is the whole filter (no evaluation left for the server). */
export interface Pushdown {
  filter: ScimStoreFilter | null;
  exact: boolean;
}

const STRING_INDEXES: Record<ScimResourceType, Record<string, { index: ScimStringIndex; lower: boolean }>> = {
  User: {
    id: { index: 'id', lower: false },
    userName: { index: 'userName', lower: true },
    externalId: { index: 'externalId', lower: false },
    displayName: { index: 'displayName', lower: true },
    'emails.value': { index: 'emails.value', lower: true },
  },
  Group: {
    id: { index: 'id', lower: false },
    externalId: { index: 'externalId', lower: false },
    displayName: { index: 'displayName', lower: true },
  },
};

const NONE: Pushdown = { filter: null, exact: false };

function leaf(node: FilterNode, type: ScimResourceType, prefix: string): Pushdown {
  if (node.kind !== 'compare') return NONE;
  const name = prefix + node.path.name;
  const { op, value } = node;
  const stringIndex = STRING_INDEXES[type][name];
  if (stringIndex !== undefined) {
    if ((op !== 'eq' && op !== 'sw' && op !== 'co') || typeof value !== 'string') return NONE;
    const compared = stringIndex.lower ? value.toLowerCase() : value;
    return { filter: { op, attribute: stringIndex.index, value: compared }, exact: true };
  }
  if (name === 'active' && type === 'User' && op === 'eq' && typeof value === 'boolean') {
    return { filter: { op, attribute: 'active', value }, exact: true };
  }
  if (name === 'meta.lastModified' && typeof value === 'string' && ['eq', 'gt', 'ge', 'lt', 'le'].includes(op)) {
    const instant = Date.parse(value);
    if (Number.isNaN(instant)) return NONE;
    return {
      filter: { op: op as 'eq' | 'gt' | 'ge' | 'lt' | 'le', attribute: 'meta.lastModified', value: new Date(instant) },
      exact: true,
    };
  }
  return NONE;
}

function conjunction(parts: Pushdown[], allExact: boolean): Pushdown {
  const filters = parts.flatMap((part) => (part.filter === null ? [] : [part.filter]));
  const exact = allExact && parts.every((part) => part.exact);
  if (filters.length === 0) return { filter: null, exact: false };
  return { filter: filters.length === 1 ? filters[0]! : { op: 'and', filters }, exact };
}

/**
 * The part of a filter the store can run: comparisons on indexed attributes and `and` of them. An `and` with
 * other conditions keeps its indexed conjuncts (a superset the server then filters); `or` and `not` are
 * not pushed. `emails[type eq "work" and value eq "x"]` pushes `emails.value eq "x"`.
 */
export function pushdown(node: FilterNode, type: ScimResourceType): Pushdown {
  switch (node.kind) {
    case 'compare':
      return leaf(node, type, '');
    case 'and':
      return conjunction(
        node.filters.map((child) => pushdown(child, type)),
        true,
      );
    case 'valuePath': {
      const conjuncts = node.filter.kind === 'and' ? node.filter.filters : [node.filter];
      const parts = conjuncts.map((child) => leaf(child, type, `${node.path.name}.`));
      // Two conditions on one element are not two conditions on the attribute: only a single one is exact.
      return conjunction(parts, conjuncts.length === 1);
    }
    default:
      return NONE;
  }
}
