import { badRequest } from '../http/errors.js';
import { canonicalSpelling, findAttribute, type ScimAttributeDefinition } from '../schema/attribute.js';
import { findExtension, type ResourceSchemas, resolvePath } from '../schema/registry.js';

export type UnknownAttributePolicy = 'reject' | 'ignore';

export interface CanonicalOptions {
  unknownAttributes: UnknownAttributePolicy;
}

type Attributes = Record<string, unknown>;

function unknown(options: CanonicalOptions, name: string): undefined {
  if (options.unknownAttributes === 'reject') throw badRequest('invalidSyntax', `Unknown attribute: ${name}`);
  return undefined;
}

/** Entra ID sends booleans as "True" / "False" (its own reference code says so). */
function toBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw badRequest('invalidValue', `${name} must be a boolean`);
}

function coerceSingle(value: unknown, def: ScimAttributeDefinition, name: string, options: CanonicalOptions): unknown {
  switch (def.type) {
    case 'boolean':
      return toBoolean(value, name);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw badRequest('invalidValue', `${name} must be an integer`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw badRequest('invalidValue', `${name} must be a number`);
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw badRequest('invalidValue', `${name} must be a dateTime`);
    case 'complex':
      return coerceComplex(value, def, name, options);
    default:
      if (typeof value === 'string') return canonicalSpelling(def, value);
      throw badRequest('invalidValue', `${name} must be a string`);
  }
}

function coerceComplex(value: unknown, def: ScimAttributeDefinition, name: string, options: CanonicalOptions) {
  const subAttributes = def.subAttributes ?? [];
  // `manager` as a bare string (Entra ID), or any complex value given as its `value`.
  if (value !== null && typeof value !== 'object' && findAttribute(subAttributes, 'value') !== undefined) {
    return coerceComplex({ value }, def, name, options);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('invalidValue', `${name} must be an object`);
  }
  const result: Attributes = {};
  for (const [key, subValue] of Object.entries(value)) {
    const sub = findAttribute(subAttributes, key);
    if (sub === undefined) {
      unknown(options, `${name}.${key}`);
      continue;
    }
    if (sub.mutability === 'readOnly' || subValue === null || subValue === undefined) continue;
    result[sub.name] = coerceSingle(subValue, sub, `${name}.${sub.name}`, options);
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/** A value for `def`, with the providers' habits undone; undefined when it leaves the attribute unassigned. */
export function coerceValue(value: unknown, def: ScimAttributeDefinition, name: string, options: CanonicalOptions) {
  if (value === null || value === undefined) return undefined;
  if (!def.multiValued) return coerceSingle(value, def, name, options);
  // An element whose `value` was removed (`remove emails[type eq "work"].value`) is no element at all.
  const keyed = def.type === 'complex' && findAttribute(def.subAttributes ?? [], 'value') !== undefined;
  const items = (Array.isArray(value) ? value : [value])
    .map((item) => (item === null ? undefined : coerceSingle(item, def, name, options)))
    .filter((item) => item !== undefined && (!keyed || (item as Attributes).value !== undefined));
  return items.length === 0 ? undefined : items;
}

/** Whether a client may set the attribute (read-only ones are ignored on POST and PUT, RFC 7644 3.5.1). */
export function writable(def: ScimAttributeDefinition): boolean {
  return def.mutability !== 'readOnly';
}

function setAttribute(target: Attributes, def: ScimAttributeDefinition, value: unknown): void {
  if (value === undefined) delete target[def.name];
  else target[def.name] = value;
}

function canonicalExtension(
  value: unknown,
  attributes: ScimAttributeDefinition[],
  id: string,
  options: CanonicalOptions,
) {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('invalidValue', `${id} must be an object`);
  const result: Attributes = {};
  for (const [key, attributeValue] of Object.entries(value)) {
    const def = findAttribute(attributes, key);
    if (def === undefined) {
      unknown(options, `${id}:${key}`);
      continue;
    }
    if (!writable(def) || def.mutability === 'writeOnly') continue;
    setAttribute(result, def, coerceValue(attributeValue, def, `${id}:${def.name}`, options));
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/**
 * A resource body (POST, PUT, or the result of a PATCH) in canonical form: attribute names as the schemas
 * spell them, extensions under their URN, values coerced, read-only attributes (`id`, `meta`, `groups`) and
 * `password` (never stored) dropped, empty values removed. `schemas` is recomputed by the server.
 */
export function canonicalResource(body: Attributes, schemas: ResourceSchemas, options: CanonicalOptions): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') {
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
        throw badRequest('invalidSyntax', 'schemas must be an array of URIs');
      }
      continue;
    }
    const extension = findExtension(schemas, key);
    if (extension !== undefined) {
      const id = extension.schema.id;
      const merged = canonicalExtension(value, extension.schema.attributes, id, options);
      if (merged === undefined) delete result[id];
      else result[id] = { ...(result[id] as Attributes | undefined), ...merged };
      continue;
    }
    const resolved = resolvePath(schemas, key);
    if (resolved === undefined || 'wholeExtension' in resolved) {
      unknown(options, key);
      continue;
    }
    const { attribute, sub } = resolved;
    if (!writable(attribute) || attribute.mutability === 'writeOnly') continue;
    const extensionId = resolved.extension;
    const target: Attributes =
      extensionId === null ? result : { ...((result[extensionId] as Attributes | undefined) ?? {}) };
    if (sub === undefined) {
      setAttribute(target, attribute, coerceValue(value, attribute, key, options));
    } else {
      // A dotted key (`name.givenName`) in a body: the sub-attribute of a single-valued complex attribute.
      if (attribute.multiValued || !writable(sub)) throw badRequest('invalidPath', `${key} cannot be set this way`);
      const parent = { ...((target[attribute.name] as Attributes | undefined) ?? {}) };
      setAttribute(parent, sub, coerceValue(value, sub, key, options));
      setAttribute(target, attribute, Object.keys(parent).length === 0 ? undefined : parent);
    }
    if (extensionId === null) continue;
    if (Object.keys(target).length === 0) delete result[extensionId];
    else result[extensionId] = target;
  }
  return result;
}

/** RFC 7643's `required` attributes of the core schema (`userName`, a group's `displayName`). */
export function checkRequired(attributes: Attributes, schemas: ResourceSchemas): void {
  for (const def of schemas.core.attributes) {
    if (def.required && (attributes[def.name] === undefined || attributes[def.name] === '')) {
      throw badRequest('invalidValue', `${def.name} is required`);
    }
  }
  for (const extension of schemas.extensions) {
    const values = attributes[extension.schema.id] as Attributes | undefined;
    for (const def of extension.schema.attributes) {
      if (def.required && values?.[def.name] === undefined) {
        throw badRequest('invalidValue', `${extension.schema.id}:${def.name} is required`);
      }
    }
  }
}
