import { describe, test } from 'vitest';
import { createContext } from './context.js';
import type { ConformanceTest } from './define-suite.js';
import type { ConformanceOptions } from './options.js';
import { CONFORMANCE_SUITES, conformanceTestIds } from './suites/index.js';

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Registers the conformance suite for one adapter as vitest `describe` blocks. Call it at the top
 * level of a test file.
 *
 * ```ts
 * runAdapterConformance({
 *   name: 'prisma:postgresql',
 *   setup: () => ({ adapter: prismaAdapter(prisma, mapping), backdoor: prismaBackdoor(prisma) }),
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
    for (const suite of CONFORMANCE_SUITES) {
      describe.skipIf(skipped.has(suite.name))(suite.name, () => {
        for (const [title, body] of Object.entries<ConformanceTest>(suite.tests)) {
          const id = `${suite.name}/${title}`;
          const register = skipped.has(id) ? test.skip : test;
          register(
            title,
            async ({ skip }) => {
              const setup = await options.setup();
              const handle = createContext(setup, options, (reason) => skip(reason));
              try {
                await body(handle.context);
              } finally {
                try {
                  await handle.dispose();
                } finally {
                  await setup.teardown?.();
                }
              }
            },
            timeout,
          );
        }
      });
    }
  });
}
