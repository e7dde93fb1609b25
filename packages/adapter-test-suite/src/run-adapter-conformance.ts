import { describe, test } from 'vitest';
import { type ConformanceMode, runsIn, suiteTitle } from './define-suite.js';
import type { ConformanceOptions } from './options.js';
import { runTest } from './run-test.js';
import { CONFORMANCE_SUITES, conformanceTestIds } from './suites/index.js';

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Registers the conformance suite for one adapter as vitest `describe` blocks: every suite in table
 * mode, then the suites about users again in service mode (`service:<suite>`). Call it at the top
 * level of a test file.
 *
 * ```ts
 * runAdapterConformance({
 *   name: 'prisma:postgresql',
 *   setup: () => ({ adapter: prismaAdapter(prisma, mapping), backdoor: prismaBackdoor(prisma) }),
 *   serviceMode: () => ({ adapter: prismaAdapter(prisma), app: prismaAppTable(prisma) }),
 * });
 * ```
 */
export function runAdapterConformance(options: ConformanceOptions): void {
  const known = new Set<string>(conformanceTestIds());
  const unknown = (options.skip ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(`runAdapterConformance: unknown test ids in skip: ${unknown.map((id) => `'${id}'`).join(', ')}`);
  }
  const skipped = new Set<string>(options.skip ?? []);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;

  describe(`adapter conformance: ${options.name}`, () => {
    for (const mode of ['table', 'service'] as const satisfies readonly ConformanceMode[]) {
      for (const suite of CONFORMANCE_SUITES) {
        if (mode === 'service' && !suite.service) continue;
        const title = suiteTitle(suite.name, mode);
        describe.skipIf(skipped.has(title))(title, () => {
          for (const [name, body] of Object.entries(suite.tests)) {
            if (!runsIn(body, mode)) continue;
            const register = skipped.has(`${title}/${name}`) ? test.skip : test;
            register(name, ({ skip }) => runTest(mode, body, options, (reason) => skip(reason)), timeout);
          }
        });
      }
    }
  });
}
