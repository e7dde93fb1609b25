import type { ConformanceContext } from './context.js';

export type ConformanceTest = (ctx: ConformanceContext) => Promise<void>;

/**
 * How the app's users are written: `table`, the adapter's table mapping (`setup`); `service`, the app's
 * own user functions over the test app's table (`serviceMode`), the SDK keeping identity links.
 */
export type ConformanceMode = 'table' | 'service';

/** A test that runs in one mode only. */
export type OnlyIn<M extends ConformanceMode> = ConformanceTest & { readonly onlyIn: M };

/** A test of the table mapping, or one that writes no user (in service mode it would check nothing more). */
export function tableOnly(test: ConformanceTest): OnlyIn<'table'> {
  return Object.assign(test, { onlyIn: 'table' as const });
}

/** A test of the app's own user functions. */
export function serviceOnly(test: ConformanceTest): OnlyIn<'service'> {
  return Object.assign(test, { onlyIn: 'service' as const });
}

/** Whether a test of a suite runs in this mode. */
export function runsIn(test: ConformanceTest, mode: ConformanceMode): boolean {
  const only = (test as Partial<OnlyIn<ConformanceMode>>).onlyIn;
  return only === undefined || only === mode;
}

/** The names of the tests that run in mode `M`. */
type TestsIn<Tests, M extends ConformanceMode> = {
  [K in keyof Tests & string]: Tests[K] extends OnlyIn<infer Only> ? (Only extends M ? K : never) : K;
}[keyof Tests & string];

/**
 * A named suite (a `describe` block) of conformance tests; test names are the keys of `tests`. A suite
 * about users runs a second time in service mode, as `service:<name>`.
 */
export interface ConformanceSuite<
  Name extends string = string,
  TableTest extends string = string,
  ServiceTest = never,
> {
  readonly name: Name;
  readonly tests: Readonly<Record<string, ConformanceTest>>;
  /** Whether the suite runs in service mode too. */
  readonly service: boolean;
  /** Types only: the names of the tests of each mode. */
  readonly modes?: { table: TableTest; service: ServiceTest };
}

/** A suite of table mode only: its tests write no user, or reach the store itself. */
export function defineSuite<const Name extends string, const Tests extends Record<string, ConformanceTest>>(
  name: Name,
  tests: Tests,
): ConformanceSuite<Name, TestsIn<Tests, 'table'>> {
  return { name, tests, service: false };
}

/**
 * A suite about users: it runs in table mode, then again in service mode (`service:<name>`). A test
 * marked `tableOnly` or `serviceOnly` runs in that mode only.
 */
export function defineUserSuite<const Name extends string, const Tests extends Record<string, ConformanceTest>>(
  name: Name,
  tests: Tests,
): ConformanceSuite<Name, TestsIn<Tests, 'table'>, TestsIn<Tests, 'service'>> {
  return { name, tests, service: true };
}

/** The `describe` name of a suite in a mode: its own in table mode, `service:<name>` in service mode. */
export function suiteTitle(name: string, mode: ConformanceMode): string {
  return mode === 'table' ? name : `service:${name}`;
}

/**
 * `'suite'` or `'suite/test name'` for every table-mode test of a suite, and `'service:suite'` or
 * `'service:suite/test name'` for its service-mode tests.
 */
export type TestIdOf<S> =
  S extends ConformanceSuite<infer Name, infer TableTest, infer ServiceTest>
    ?
        | Name
        | `${Name}/${TableTest}`
        | ([ServiceTest] extends [never] ? never : `service:${Name}` | `service:${Name}/${ServiceTest & string}`)
    : never;
