import { createContext } from './context.js';
import type { ConformanceTest } from './define-suite.js';
import type { ConformanceOptions } from './options.js';
import { CONFORMANCE_SUITES, type ConformanceTestId } from './suites/index.js';

export type ConformanceTestResult =
  | { status: 'passed' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: unknown };

class Skipped extends Error {}

/**
 * Runs one conformance test on its own, outside vitest's `describe` blocks: to check, for instance,
 * that the suite catches an adapter broken on purpose (a mutant). `setup` and `peer` are used as in
 * `runAdapterConformance`, teardowns included.
 */
export async function runConformanceTest(
  id: ConformanceTestId,
  options: Pick<ConformanceOptions, 'setup' | 'peer'>,
): Promise<ConformanceTestResult> {
  const at = id.indexOf('/');
  const suite = CONFORMANCE_SUITES.find((s) => s.name === id.slice(0, at));
  const body = (suite?.tests as Record<string, ConformanceTest> | undefined)?.[id.slice(at + 1)];
  if (at < 0 || body === undefined) throw new Error(`runConformanceTest: no conformance test '${id}'`);
  const setup = await options.setup();
  const handle = createContext(setup, { name: id, ...options }, (reason) => {
    throw new Skipped(reason);
  });
  try {
    await body(handle.context);
    return { status: 'passed' };
  } catch (error) {
    return error instanceof Skipped ? { status: 'skipped', reason: error.message } : { status: 'failed', error };
  } finally {
    try {
      await handle.dispose();
    } finally {
      await setup.teardown?.();
    }
  }
}
