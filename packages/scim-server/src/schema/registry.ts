import type { ScimAttributeDefinition, ScimSchemaDefinition } from './attribute.js';
import { findAttribute } from './attribute.js';
import { commonAttributes } from './common-attributes.js';
import { ENTERPRISE_USER_SCHEMA, enterpriseUserSchema } from './enterprise-schema.js';
import { type ResolvedExtension, resolveExtension, type ScimExtension, type ScimResourceType } from './extensions.js';
import { GROUP_SCHEMA, groupSchema, LEGACY_ENTRA_GROUP_SCHEMA } from './group-schema.js';
import { USER_SCHEMA, userSchema } from './user-schema.js';

/** The schemas of one resource type: its core schema, its extensions, and the URIs accepted as aliases. */
export interface ResourceSchemas {
  resourceType: ScimResourceType;
  endpoint: '/Users' | '/Groups';
  core: ScimSchemaDefinition;
  extensions: ResolvedExtension[];
  /** Schema URIs treated as the core schema (Entra's legacy group URI). */
  coreAliases: string[];
}

/** An attribute path resolved against the schemas, with canonical names. */
export interface ResolvedPath {
  /** The schema id; `null` for the core schema and the common attributes. */
  extension: string | null;
  attribute: ScimAttributeDefinition;
  sub: ScimAttributeDefinition | undefined;
}

export type PathResolution = ResolvedPath | { wholeExtension: string } | undefined;

export interface SchemaRegistry {
  user: ResourceSchemas;
  group: ResourceSchemas;
  of(type: ScimResourceType): ResourceSchemas;
  all(): ScimSchemaDefinition[];
}

export function createSchemaRegistry(extensions: readonly ScimExtension[] = []): SchemaRegistry {
  const reserved = [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, LEGACY_ENTRA_GROUP_SCHEMA];
  const resolved: { type: ScimResourceType; extension: ResolvedExtension }[] = [];
  for (const extension of extensions) {
    const result = resolveExtension(extension, reserved);
    reserved.push(result.schema.id);
    resolved.push({ type: extension.resourceType ?? 'User', extension: result });
  }
  const enterprise: ResolvedExtension = {
    schema: enterpriseUserSchema,
    required: false,
    customAttributes: new Map(),
  };
  const user: ResourceSchemas = {
    resourceType: 'User',
    endpoint: '/Users',
    core: userSchema,
    extensions: [enterprise, ...resolved.filter((r) => r.type === 'User').map((r) => r.extension)],
    coreAliases: [],
  };
  const group: ResourceSchemas = {
    resourceType: 'Group',
    endpoint: '/Groups',
    core: groupSchema,
    extensions: resolved.filter((r) => r.type === 'Group').map((r) => r.extension),
    coreAliases: [LEGACY_ENTRA_GROUP_SCHEMA],
  };
  return {
    user,
    group,
    of: (type) => (type === 'User' ? user : group),
    all: () => [
      userSchema,
      groupSchema,
      ...user.extensions.map((e) => e.schema),
      ...group.extensions.map((e) => e.schema),
    ],
  };
}

/** The extension whose URN starts `path` (longest first), or the core schema. */
function splitSchema(schemas: ResourceSchemas, path: string): { extension: ResolvedExtension | null; rest: string } {
  const lower = path.toLowerCase();
  let best: ResolvedExtension | null = null;
  for (const extension of schemas.extensions) {
    const id = extension.schema.id.toLowerCase();
    if ((lower === id || lower.startsWith(`${id}:`)) && id.length > (best?.schema.id.length ?? 0)) best = extension;
  }
  if (best !== null) return { extension: best, rest: path.slice(best.schema.id.length + 1) };
  for (const id of [schemas.core.id, ...schemas.coreAliases]) {
    if (lower.startsWith(`${id.toLowerCase()}:`)) return { extension: null, rest: path.slice(id.length + 1) };
  }
  return { extension: null, rest: path };
}

/** The extension schema `key` names (case-insensitive), if it names one. */
export function findExtension(schemas: ResourceSchemas, key: string): ResolvedExtension | undefined {
  const lower = key.toLowerCase();
  return schemas.extensions.find((extension) => extension.schema.id.toLowerCase() === lower);
}

/**
 * Resolves `name`, `name.sub`, `urn:...:name` or `urn:...:name.sub` (names case-insensitive, RFC 7644 3.10),
 * or a whole extension's URN. Undefined when the path names nothing the schemas define.
 */
export function resolvePath(schemas: ResourceSchemas, path: string): PathResolution {
  const { extension, rest } = splitSchema(schemas, path);
  if (extension !== null && rest === '') return { wholeExtension: extension.schema.id };
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((part) => part === '')) return undefined;
  const [name, subName] = parts as [string, string | undefined];
  const pool = extension === null ? [...commonAttributes, ...schemas.core.attributes] : extension.schema.attributes;
  const found = findAttribute(pool, name);
  if (found === undefined) return undefined;
  if (subName === undefined) return { extension: extension?.schema.id ?? null, attribute: found, sub: undefined };
  const sub = findAttribute(found.subAttributes ?? [], subName);
  if (sub === undefined) return undefined;
  return { extension: extension?.schema.id ?? null, attribute: found, sub };
}

/** The keys under which a resolved path sits in a resource object. */
export function keysOf(path: ResolvedPath): string[] {
  const keys = path.extension === null ? [path.attribute.name] : [path.extension, path.attribute.name];
  if (path.sub !== undefined) keys.push(path.sub.name);
  return keys;
}

/** The definition the path ends at. */
export function leafOf(path: ResolvedPath): ScimAttributeDefinition {
  return path.sub ?? path.attribute;
}
