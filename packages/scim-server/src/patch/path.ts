import type { FilterNode } from '../filter/ast.js';
import { parseFilter } from '../filter/parse.js';
import { badRequest } from '../http/errors.js';
import { canonicalSpelling, findAttribute, type ScimAttributeDefinition } from '../schema/attribute.js';
import { type ResolvedPath, type ResourceSchemas, resolvePath } from '../schema/registry.js';

/** A PATCH `path` resolved against the schemas (RFC 7644 3.5.2: `attrPath` or `valuePath [subAttr]`). */
export type PatchTarget =
  | { kind: 'extension'; id: string }
  | {
      kind: 'attribute';
      resolved: ResolvedPath;
      /** `emails[type eq "work"]`: the value filter, and its text rewritten with canonical names. */
      filter?: { node: FilterNode; text: string };
      /** `emails[type eq "work"].value`: the sub-attribute after the filter. */
      subAfterFilter?: ScimAttributeDefinition;
    };

function stringifyFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.filters.map((child) => `(${stringifyFilter(child)})`).join(` ${node.kind} `);
    case 'not':
      return `not (${stringifyFilter(node.filter)})`;
    case 'present':
      return `${node.path.name} pr`;
    case 'valuePath':
      return `${node.path.name}[${stringifyFilter(node.filter)}]`;
    case 'compare': {
      const value = typeof node.value === 'string' ? canonicalSpelling(node.path.leaf, node.value) : node.value;
      return `${node.path.name} ${node.op} ${JSON.stringify(value)}`;
    }
  }
}

export function parsePatchPath(path: string, schemas: ResourceSchemas): PatchTarget {
  const open = path.indexOf('[');
  if (open < 0) {
    const resolved = resolvePath(schemas, path.trim());
    if (resolved === undefined) throw badRequest('invalidPath', `The path names no attribute: ${path}`);
    if ('wholeExtension' in resolved) return { kind: 'extension', id: resolved.wholeExtension };
    return { kind: 'attribute', resolved };
  }
  const close = path.lastIndexOf(']');
  if (close < open) throw badRequest('invalidPath', `The path has an unclosed value filter: ${path}`);
  const resolved = resolvePath(schemas, path.slice(0, open).trim());
  if (resolved === undefined || 'wholeExtension' in resolved || resolved.sub !== undefined) {
    throw badRequest('invalidPath', `The path names no multi-valued attribute: ${path}`);
  }
  const { attribute } = resolved;
  if (attribute.type !== 'complex' || !attribute.multiValued) {
    throw badRequest('invalidPath', `${attribute.name} is not a multi-valued complex attribute`);
  }
  let node: FilterNode;
  try {
    node = parseFilter(path.slice(open + 1, close), { parent: attribute });
  } catch (error) {
    throw badRequest('invalidPath', `The path's value filter is not valid: ${path}`, error);
  }
  const rest = path.slice(close + 1).trim();
  let subAfterFilter: ScimAttributeDefinition | undefined;
  if (rest !== '') {
    const sub = rest.startsWith('.') ? findAttribute(attribute.subAttributes ?? [], rest.slice(1)) : undefined;
    if (sub === undefined) throw badRequest('invalidPath', `The path names no sub-attribute: ${path}`);
    subAfterFilter = sub;
  }
  const target: PatchTarget = { kind: 'attribute', resolved, filter: { node, text: stringifyFilter(node) } };
  if (subAfterFilter !== undefined) target.subAfterFilter = subAfterFilter;
  return target;
}

/** The path in canonical spelling, for `scim-patch` (which matches attribute names case-sensitively). */
export function canonicalPath(target: Extract<PatchTarget, { kind: 'attribute' }>): string {
  const { resolved, filter, subAfterFilter } = target;
  let path = resolved.extension === null ? resolved.attribute.name : `${resolved.extension}:${resolved.attribute.name}`;
  if (resolved.sub !== undefined) path += `.${resolved.sub.name}`;
  if (filter !== undefined) path += `[${filter.text}]`;
  if (subAfterFilter !== undefined) path += `.${subAfterFilter.name}`;
  return path;
}
