import { type ConformanceSetup, runConformanceTest, withoutErrorTranslation } from '@scim/adapter-test-suite';
import type { ScimAdapter } from '@scim/core';
import { expect, test } from 'vitest';

/** The conformance suite's `conflicts` tests must fail against adapters that translate no driver error. */
export function conflictsCatchUntranslatedErrors(
  name: string,
  make: () => { setup: ConformanceSetup; peer: ScimAdapter },
): void {
  test(`${name}: the conflicts suite catches an adapter that translates no driver error`, async () => {
    for (const id of [
      'conflicts/two transactions that cross on two version records: one commits, the other fails with TRANSACTION_CONFLICT',
      'conflicts/an event caught in a deadlock with the peer ends applied; a lost attempt is retried',
    ] as const) {
      const { setup, peer } = make();
      const result = await runConformanceTest(id, {
        setup: () => ({ ...setup, adapter: withoutErrorTranslation(setup.adapter) }),
        peer: () => ({ adapter: withoutErrorTranslation(peer) }),
      });
      expect(result.status, id).toBe('failed');
    }
  });
}
