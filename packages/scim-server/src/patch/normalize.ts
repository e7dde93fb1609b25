import { badRequest } from '../http/errors.js';
import { type CanonicalOptions, coerceValue } from '../resources/canonical.js';
import type { ScimAttributeDefinition } from '../schema/attribute.js';
import { type ResourceSchemas, resolvePath } from '../schema/registry.js';
import { idsOfValueFilter, MemberPlan, memberIds } from './members.js';
import { canonicalPath, type PatchTarget, parsePatchPath } from './path.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** An operation on the resource's attributes, canonical and coerced, for `scim-patch` (or ours). */
export type AttributeOperation =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'removeExtension'; id: string };

export interface NormalizedPatch {
  operations: AttributeOperation[];
  members: MemberPlan;
}

export interface NormalizeContext {
  schemas: ResourceSchemas;
  /** The resource's id: Okta repeats it in a path-less replace (`{"id": ..., "displayName": ...}`). */
  id: string;
  canonical: CanonicalOptions;
}

type Op = 'add' | 'replace' | 'remove';

function readOp(value: unknown, index: number): Op {
  // Entra ID sends "Add", "Replace", "Remove".
  const op = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (op === 'add' || op === 'replace' || op === 'remove') return op;
  throw badRequest('invalidSyntax', `Operation ${index + 1} has an unknown op`);
}

function isMembers(target: PatchTarget, schemas: ResourceSchemas): boolean {
  return (
    schemas.resourceType === 'Group' &&
    target.kind === 'attribute' &&
    target.resolved.extension === null &&
    target.resolved.attribute.name === 'members'
  );
}

function membersOperation(op: Op, target: PatchTarget, value: unknown, hasValue: boolean, plan: MemberPlan) {
  if (target.kind !== 'attribute') return;
  const { filter, subAfterFilter, resolved } = target;
  if (resolved.sub !== undefined || subAfterFilter !== undefined || (filter !== undefined && op !== 'remove')) {
    throw badRequest('invalidPath', 'Members are added or replaced as a whole, and removed by value or filter');
  }
  if (filter !== undefined) {
    const ids = idsOfValueFilter(filter.node);
    if (ids !== undefined) plan.remove(ids);
    else plan.removeWhere(filter.node);
  } else if (op === 'add') plan.add(memberIds(value));
  else if (op === 'replace') plan.replace(value === null ? [] : memberIds(value));
  // Entra ID removes a member with `path: "members"` and the member in `value`: by value, not the whole list.
  else if (hasValue && value !== null) plan.remove(memberIds(value));
  else plan.replace([]);
}

function leafDefinition(target: Extract<PatchTarget, { kind: 'attribute' }>): ScimAttributeDefinition {
  const { resolved, filter, subAfterFilter } = target;
  if (subAfterFilter !== undefined) return subAfterFilter;
  if (filter !== undefined) return { ...resolved.attribute, multiValued: false };
  if (resolved.sub !== undefined) {
    if (resolved.attribute.multiValued) {
      throw badRequest('invalidPath', `${resolved.attribute.name}.${resolved.sub.name} needs a value filter`);
    }
    return resolved.sub;
  }
  return resolved.attribute;
}

function checkMutability(target: Extract<PatchTarget, { kind: 'attribute' }>, op: Op): void {
  const { resolved, subAfterFilter } = target;
  const defs = [resolved.attribute, resolved.sub, subAfterFilter].filter((d) => d !== undefined);
  if (defs.some((def) => def.mutability === 'readOnly')) {
    throw badRequest('mutability', `${resolved.attribute.name} is read-only`);
  }
  if (op === 'remove' && resolved.sub === undefined && resolved.extension === null && resolved.attribute.required) {
    throw badRequest('mutability', `${resolved.attribute.name} is required and cannot be removed`);
  }
}

class Normalizer {
  readonly operations: AttributeOperation[] = [];
  readonly members = new MemberPlan();

  constructor(private readonly context: NormalizeContext) {}

  withPath(op: Op, path: string, value: unknown, hasValue: boolean): void {
    const { schemas, canonical } = this.context;
    if (canonical.unknownAttributes === 'ignore' && resolvePath(schemas, path.split('[', 1)[0]!.trim()) === undefined) {
      return;
    }
    const target = parsePatchPath(path, schemas);
    if (isMembers(target, schemas)) {
      membersOperation(op, target, value, hasValue, this.members);
      return;
    }
    if (target.kind === 'extension') {
      if (op === 'remove') {
        this.operations.push({ op: 'removeExtension', id: target.id });
        return;
      }
      this.withoutPath(op, { [target.id]: value });
      return;
    }
    checkMutability(target, op);
    const leaf = leafDefinition(target);
    if (leaf.mutability === 'writeOnly') return;
    const canonicalName = canonicalPath(target);
    const { attribute } = target.resolved;
    if (op === 'remove') {
      const removable =
        hasValue && attribute.multiValued && target.filter === undefined && target.resolved.sub === undefined;
      if (!removable || value === null) {
        this.operations.push({ op, path: canonicalName });
        return;
      }
      // Remove by value (`{"op":"remove","path":"emails","value":[{"value":"x"}]}`), as Entra ID does for members.
      for (const id of memberIds(value)) {
        this.operations.push({ op, path: `${canonicalName}[value eq ${JSON.stringify(id)}]` });
      }
      return;
    }
    if (!hasValue) throw badRequest('invalidValue', `${op} on ${path} needs a value`);
    const coerced = coerceValue(value, leaf, path, canonical);
    if (coerced === undefined) this.operations.push({ op: 'remove', path: canonicalName });
    else this.operations.push({ op, path: canonicalName, value: coerced });
  }

  /** A path-less add or replace: each key (`name.givenName`, a full URN path, an extension) is its own path. */
  withoutPath(op: Op, value: unknown): void {
    if (op === 'remove') throw badRequest('noTarget', 'A remove operation needs a path');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest('invalidValue', `A path-less ${op} needs an object value`);
    }
    const { schemas } = this.context;
    for (const [key, item] of Object.entries(value)) {
      const lower = key.toLowerCase();
      if (lower === 'schemas') continue;
      if (lower === 'id') {
        if (item === this.context.id) continue;
        throw badRequest('mutability', 'id is read-only');
      }
      const extension = schemas.extensions.find((e) => e.schema.id.toLowerCase() === lower);
      if (extension !== undefined) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          throw badRequest('invalidValue', `${extension.schema.id} needs an object value`);
        }
        for (const [name, attributeValue] of Object.entries(item)) {
          this.withPath(op, `${extension.schema.id}:${name}`, attributeValue, true);
        }
        continue;
      }
      this.withPath(op, key, item, true);
    }
  }
}

/**
 * Turns a PatchOp body into canonical operations, undoing the identity providers' habits on the way:
 * capitalised ops, string booleans, path-less values with dotted or URN keys, `manager` as a bare string,
 * member removal by value, and Okta's echo of `id`. Members become a plan of deltas; nothing is applied yet.
 */
export function normalizePatch(body: Record<string, unknown>, context: NormalizeContext): NormalizedPatch {
  const schemasKey = Object.keys(body).find((key) => key.toLowerCase() === 'schemas');
  const declared = schemasKey === undefined ? undefined : body[schemasKey];
  if (declared !== undefined && !(Array.isArray(declared) && declared.includes(PATCH_OP_SCHEMA))) {
    throw badRequest('invalidSyntax', `A PATCH body declares the schema ${PATCH_OP_SCHEMA}`);
  }
  const operationsKey = Object.keys(body).find((key) => key.toLowerCase() === 'operations');
  const operations = operationsKey === undefined ? undefined : body[operationsKey];
  if (!Array.isArray(operations) || operations.length === 0) {
    throw badRequest('invalidSyntax', 'A PATCH body needs a non-empty Operations array');
  }
  const normalizer = new Normalizer(context);
  operations.forEach((raw, index) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw badRequest('invalidSyntax', `Operation ${index + 1} is not an object`);
    }
    const entries = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key.toLowerCase(), value]));
    const op = readOp(entries.op, index);
    const hasValue = 'value' in entries;
    const path = entries.path;
    if (path !== undefined && path !== null && typeof path !== 'string') {
      throw badRequest('invalidPath', `Operation ${index + 1} has a path that is not a string`);
    }
    if (typeof path === 'string' && path.trim() !== '') normalizer.withPath(op, path, entries.value, hasValue);
    else normalizer.withoutPath(op, entries.value);
  });
  return { operations: normalizer.operations, members: normalizer.members };
}
