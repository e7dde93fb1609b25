import { type Filter, parse as parseWithLibrary } from 'scim2-parse-filter';
import { badRequest } from '../http/errors.js';
import type { ScimAttributeDefinition } from '../schema/attribute.js';
import { findAttribute } from '../schema/attribute.js';
import { keysOf, leafOf, type ResourceSchemas, resolvePath } from '../schema/registry.js';
import type { AttributeRef, CompareValue, FilterNode } from './ast.js';
import { foldSubAttributeComparisons, protectLiterals } from './literals.js';

/** Where names resolve: the resource's schemas, or the sub-attributes of a multi-valued attribute. */
export type FilterScope = { schemas: ResourceSchemas } | { parent: ScimAttributeDefinition };

const MAX_FILTER_LENGTH = 4096;

function resolveRef(scope: FilterScope, name: string): AttributeRef {
  if ('parent' in scope) {
    const sub = findAttribute(scope.parent.subAttributes ?? [], name);
    if (sub === undefined) throw badRequest('invalidFilter', `${scope.parent.name} has no sub-attribute ${name}`);
    return { name: sub.name, keys: [sub.name], leaf: sub };
  }
  const resolved = resolvePath(scope.schemas, name);
  if (resolved === undefined || 'wholeExtension' in resolved) {
    throw badRequest('invalidFilter', `The filter names an unknown attribute: ${name}`);
  }
  const keys = keysOf(resolved);
  const dotted =
    resolved.sub === undefined ? resolved.attribute.name : `${resolved.attribute.name}.${resolved.sub.name}`;
  return {
    name: resolved.extension === null ? dotted : `${resolved.extension}:${dotted}`,
    keys,
    leaf: leafOf(resolved),
  };
}

/** A comparison on a complex attribute compares its `value` sub-attribute (`emails co "@x"`). */
function comparable(ref: AttributeRef): AttributeRef {
  if (ref.leaf.type !== 'complex') return ref;
  const value = findAttribute(ref.leaf.subAttributes ?? [], 'value');
  if (value === undefined) throw badRequest('invalidFilter', `${ref.name} cannot be compared`);
  return { name: `${ref.name}.value`, keys: [...ref.keys, 'value'], leaf: value };
}

function convert(node: Filter, scope: FilterScope, literals: string[]): FilterNode {
  switch (node.op) {
    case 'and':
    case 'or':
      return { kind: node.op, filters: node.filters.map((child) => convert(child, scope, literals)) };
    case 'not':
      return { kind: 'not', filter: convert(node.filter, scope, literals) };
    case 'pr':
      return { kind: 'present', path: resolveRef(scope, node.attrPath) };
    case '[]': {
      if ('parent' in scope) throw badRequest('invalidFilter', 'Value filters cannot be nested');
      const path = resolveRef(scope, node.attrPath);
      if (path.leaf.type !== 'complex' || !path.leaf.multiValued) {
        throw badRequest('invalidFilter', `${path.name} is not a multi-valued complex attribute`);
      }
      return { kind: 'valuePath', path, filter: convert(node.valFilter, { parent: path.leaf }, literals) };
    }
    default: {
      const path = comparable(resolveRef(scope, node.attrPath));
      let value: CompareValue = node.compValue;
      if (typeof value === 'string') {
        const literal = literals[Number(value)];
        if (literal === undefined) throw badRequest('invalidFilter', 'The filter could not be read');
        value = literal;
      }
      if (['gt', 'ge', 'lt', 'le'].includes(node.op) && (path.leaf.type === 'boolean' || value === null)) {
        throw badRequest('invalidFilter', `${node.op} does not apply to ${path.name}`);
      }
      if (['co', 'sw', 'ew'].includes(node.op) && typeof value !== 'string') {
        throw badRequest('invalidFilter', `${node.op} needs a string value`);
      }
      return { kind: 'compare', op: node.op, path, value };
    }
  }
}

/**
 * Parses a SCIM filter (RFC 7644 3.4.2.2) with `scim2-parse-filter`, after taking its literals out and folding
 * `attr[...].sub op value` into the value filter, and resolves every attribute against the schemas: an unknown
 * attribute, an unknown operator or bad syntax is a 400 `invalidFilter`.
 */
export function parseFilter(filter: string, scope: FilterScope): FilterNode {
  if (filter.length > MAX_FILTER_LENGTH) throw badRequest('invalidFilter', 'The filter is too long');
  if (filter.trim() === '') throw badRequest('invalidFilter', 'The filter is empty');
  const { text, literals } = protectLiterals(filter);
  let ast: Filter;
  try {
    ast = parseWithLibrary(foldSubAttributeComparisons(text));
  } catch (error) {
    throw badRequest('invalidFilter', 'The filter does not parse', error);
  }
  return convert(ast, scope, literals);
}
