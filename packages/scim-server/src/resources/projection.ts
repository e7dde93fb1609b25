import { keysOf, type ResourceSchemas, resolvePath } from '../schema/registry.js';

type Json = Record<string, unknown>;

const ALWAYS = new Set(['id', 'schemas']);

/** Which attributes an answer carries: RFC 7644 3.4.2.5 `attributes` / `excludedAttributes`. */
export interface Projection {
  /** Whether anything under the top-level key survives (so `members` is not even read when excluded). */
  wants(key: string): boolean;
  apply(resource: Json): Json;
}

function resolveAll(schemas: ResourceSchemas, names: readonly string[]): string[][] {
  const paths: string[][] = [];
  for (const name of names) {
    const resolved = resolvePath(schemas, name);
    if (resolved === undefined) continue;
    paths.push('wholeExtension' in resolved ? [resolved.wholeExtension] : keysOf(resolved));
  }
  return paths;
}

function copyPath(source: unknown, target: Json, keys: readonly string[]): void {
  if (source === null || typeof source !== 'object') return;
  const [key, ...rest] = keys as [string, ...string[]];
  const value = (source as Json)[key];
  if (value === undefined) return;
  if (rest.length === 0) {
    target[key] = value;
    return;
  }
  if (Array.isArray(value)) {
    const existing = Array.isArray(target[key]) ? (target[key] as Json[]) : value.map(() => ({}));
    value.forEach((item, index) => {
      copyPath(item, existing[index] as Json, rest);
    });
    target[key] = existing;
    return;
  }
  const child = (target[key] as Json | undefined) ?? {};
  copyPath(value, child, rest);
  if (Object.keys(child).length > 0) target[key] = child;
}

function deletePath(target: unknown, keys: readonly string[]): void {
  if (target === null || typeof target !== 'object') return;
  const [key, ...rest] = keys as [string, ...string[]];
  if (rest.length === 0) {
    delete (target as Json)[key];
    return;
  }
  const value = (target as Json)[key];
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) deletePath(item, rest);
}

export function createProjection(
  schemas: ResourceSchemas,
  attributes: readonly string[] | undefined,
  excluded: readonly string[] | undefined,
): Projection {
  if (attributes !== undefined) {
    const paths = resolveAll(schemas, attributes).filter((path) => !ALWAYS.has(path[0]!));
    const tops = new Set(paths.map((path) => path[0]!));
    return {
      wants: (key) => ALWAYS.has(key) || tops.has(key),
      apply(resource) {
        const result: Json = { schemas: resource.schemas, id: resource.id };
        for (const path of paths) copyPath(resource, result, path);
        return result;
      },
    };
  }
  const paths = resolveAll(schemas, excluded ?? []).filter((path) => !ALWAYS.has(path[0]!));
  const dropped = new Set(paths.filter((path) => path.length === 1).map((path) => path[0]!));
  return {
    wants: (key) => !dropped.has(key),
    apply(resource) {
      if (paths.length === 0) return resource;
      const result = structuredClone(resource);
      for (const path of paths) deletePath(result, path);
      return result;
    },
  };
}
