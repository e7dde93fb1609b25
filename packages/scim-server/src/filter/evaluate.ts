import type { AttributeRef, CompareOperator, CompareValue, FilterNode } from './ast.js';

/** Every value at `keys`, descending through multi-valued attributes. */
export function valuesAt(root: unknown, keys: readonly string[]): unknown[] {
  let current: unknown[] = [root];
  for (const key of keys) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const value = (item as Record<string, unknown>)[key];
      if (Array.isArray(value)) next.push(...value);
      else if (value !== undefined && value !== null) next.push(value);
    }
    current = next;
  }
  return current;
}

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function ordered(op: CompareOperator, left: number | string, right: number | string): boolean {
  switch (op) {
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    default:
      return left === right;
  }
}

function compareOne(path: AttributeRef, op: CompareOperator, actual: unknown, expected: CompareValue): boolean {
  const { leaf } = path;
  if (expected === null) return false;
  if (leaf.type === 'boolean' || typeof actual === 'boolean') {
    return op === 'eq' && actual === expected;
  }
  if (leaf.type === 'dateTime' && typeof actual === 'string' && typeof expected === 'string') {
    const left = Date.parse(actual);
    const right = Date.parse(expected);
    if (Number.isNaN(left) || Number.isNaN(right)) return false;
    return ordered(op, left, right);
  }
  if (typeof actual === 'number' && typeof expected === 'number') return ordered(op, actual, expected);
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  const left = leaf.caseExact ? actual : actual.toLowerCase();
  const right = leaf.caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return left.includes(right);
    case 'sw':
      return left.startsWith(right);
    case 'ew':
      return left.endsWith(right);
    default:
      return ordered(op, left, right);
  }
}

/**
 * Evaluates a filter on one resource (or, inside a value filter, one element of a multi-valued attribute),
 * following RFC 7644: a multi-valued attribute matches when any value does, `caseExact` decides string
 * comparisons, dateTimes compare as instants, and `ne` is true for an absent attribute.
 */
export function matches(node: FilterNode, root: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.filters.every((child) => matches(child, root));
    case 'or':
      return node.filters.some((child) => matches(child, root));
    case 'not':
      return !matches(node.filter, root);
    case 'present':
      return valuesAt(root, node.path.keys).some(isPresent);
    case 'valuePath':
      return valuesAt(root, node.path.keys).some((element) => matches(node.filter, element));
    case 'compare': {
      const values = valuesAt(root, node.path.keys);
      if (node.op === 'ne') return !values.some((value) => compareOne(node.path, 'eq', value, node.value));
      return values.some((value) => compareOne(node.path, node.op, value, node.value));
    }
  }
}
