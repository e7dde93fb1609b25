import type { ConformanceContext } from './context.js';

export type ConformanceTest = (ctx: ConformanceContext) => Promise<void>;

/** A named suite (a `describe` block) of conformance tests; test names are the keys of `tests`. */
export interface ConformanceSuite<Name extends string = string, TestName extends string = string> {
  readonly name: Name;
  readonly tests: Readonly<Record<TestName, ConformanceTest>>;
}

export function defineSuite<const Name extends string, const Tests extends Record<string, ConformanceTest>>(
  name: Name,
  tests: Tests,
): ConformanceSuite<Name, keyof Tests & string> {
  return { name, tests };
}

/** `'suite'` or `'suite/test name'` for every test of a suite. */
export type TestIdOf<S> = S extends ConformanceSuite<infer Name, infer TestName> ? Name | `${Name}/${TestName}` : never;
