import type { ConformanceOptions } from './options.js';
import { runTest } from './run-test.js';
import { type ConformanceTestId, findTest } from './suites/index.js';

export type ConformanceTestResult =
  | { status: 'passed' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: unknown };

class Skipped extends Error {}

/**
 * Runs one conformance test on its own, outside vitest's `describe` blocks: to check, for instance,
 * that the suite catches an adapter broken on purpose (a mutant). `setup`, `serviceMode` (for a
 * `service:` test) and `peer` are used as in `runAdapterConformance`, teardowns included.
 */
export async function runConformanceTest(
  id: ConformanceTestId,
  options: Pick<ConformanceOptions, 'setup' | 'peer' | 'serviceMode'>,
): Promise<ConformanceTestResult> {
  const found = findTest(id);
  if (found === null) throw new Error(`runConformanceTest: no conformance test '${id}'`);
  try {
    await runTest(found.mode, found.test, options, (reason) => {
      throw new Skipped(reason);
    });
    return { status: 'passed' };
  } catch (error) {
    return error instanceof Skipped ? { status: 'skipped', reason: error.message } : { status: 'failed', error };
  }
}
