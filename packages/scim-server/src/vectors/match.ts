import type { JsonPath, VectorCheck } from './types.js';

export function pathKeys(path: JsonPath): string[] {
  return typeof path === 'string' ? path.split('.') : [...path];
}

export function valueAt(root: unknown, path: JsonPath): unknown {
  let current = root;
  for (const key of pathKeys(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Objects: every expected key matches; arrays: every expected element matches some actual element. */
export function partialMatch(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((item) => actual.some((candidate) => partialMatch(candidate, item)));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      partialMatch((actual as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(actual, expected);
}

function deepEqual(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

/** The failure of one check, or undefined when it holds. */
export function failedCheck(body: unknown, check: VectorCheck): string | undefined {
  const at = typeof check.at === 'string' ? check.at : check.at.join(' > ');
  const actual = valueAt(body, check.at);
  if ('equals' in check) {
    return deepEqual(actual, check.equals) ? undefined : `${at}: expected ${show(check.equals)}, got ${show(actual)}`;
  }
  if ('matches' in check) {
    return partialMatch(actual, check.matches)
      ? undefined
      : `${at}: expected to match ${show(check.matches)}, got ${show(actual)}`;
  }
  if ('absent' in check) return actual === undefined ? undefined : `${at}: expected absent, got ${show(actual)}`;
  if ('lacks' in check) {
    if (actual === undefined) return undefined;
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${show(actual)}`;
    return actual.some((item) => partialMatch(item, check.lacks))
      ? `${at}: expected no element like ${show(check.lacks)}`
      : undefined;
  }
  const length = Array.isArray(actual) ? actual.length : undefined;
  return length === check.length
    ? undefined
    : `${at}: expected ${check.length} elements, got ${show(length ?? actual)}`;
}

/** Replaces `{{name}}` in every string of a JSON value. */
export function substitute<T>(value: T, variables: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') {
    return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => variables[name] ?? whole) as T;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, variables)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [substitute(key, variables), substitute(item, variables)]),
    ) as T;
  }
  return value;
}
