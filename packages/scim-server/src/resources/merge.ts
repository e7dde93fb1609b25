import type { Json } from './representation.js';

function deepEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left)) {
    const other = right as unknown[];
    return left.length === other.length && left.every((item, index) => deepEqual(item, other[index]));
  }
  const leftKeys = Object.keys(left);
  const rightObject = right as Json;
  return (
    leftKeys.length === Object.keys(rightObject).length &&
    leftKeys.every((key) => key in rightObject && deepEqual((left as Json)[key], rightObject[key]))
  );
}

function mergeLevel(base: Json, theirs: Json, ours: Json, nested: ReadonlySet<string>): Json {
  const result: Json = {};
  for (const key of new Set([...Object.keys(theirs), ...Object.keys(ours), ...Object.keys(base)])) {
    let value: unknown;
    if (nested.has(key)) {
      const merged = mergeLevel(
        (base[key] ?? {}) as Json,
        (theirs[key] ?? {}) as Json,
        (ours[key] ?? {}) as Json,
        new Set(),
      );
      value = Object.keys(merged).length === 0 ? undefined : merged;
    } else {
      // Unchanged by the other writers since this request read it: this request's value stands.
      value = deepEqual(base[key], theirs[key]) ? ours[key] : theirs[key];
    }
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/**
 * A request that lost a race to a request received after it: its result is merged attribute by attribute
 * (extension attributes one by one) so that where the later request changed an attribute, the later value
 * stays, and elsewhere this request's changes apply. The state then equals applying both in receive order,
 * attribute by attribute.
 */
export function mergeUnderLaterWrite(base: Json, theirs: Json, ours: Json, extensionIds: readonly string[]): Json {
  return mergeLevel(base, theirs, ours, new Set(extensionIds));
}
