import { describe, expect, test } from 'vitest';
import { type ConformanceTestId, runConformanceTest } from '../src/index.js';
import { contractMutants } from './contract-mutants.js';
import { keyMutants } from './key-mutants.js';
import { type Mutant, patched, serviceSetup } from './mutant-adapter.js';
import { v2Mutants } from './v2-mutants.js';

/**
 * The suite checks itself: each mutant is the memory adapter with one contract rule broken, and
 * the listed conformance tests must fail against it. A test that cannot fail would pass here.
 */
const mutants: Mutant[] = [...contractMutants, ...keyMutants, ...v2Mutants];

async function failureOf(id: ConformanceTestId, mutant: Pick<Mutant, 'make' | 'service'>): Promise<unknown> {
  const result = await runConformanceTest(id, { setup: mutant.make, serviceMode: mutant.service ?? serviceSetup() });
  if (result.status === 'skipped') throw new Error(`${id} skipped itself: ${result.reason}`);
  return result.status === 'failed' ? result.error : null;
}

describe('the conformance suite catches broken adapters', () => {
  for (const mutant of mutants) {
    test(mutant.name, async () => {
      for (const id of mutant.breaks) {
        const error = await failureOf(id, mutant);
        expect(error, `${id} must fail against "${mutant.name}"`).not.toBeNull();
      }
    });
  }

  test('the getLeases tests skip, saying why, on an adapter without the optional method', async () => {
    const setup = patched(() => ({ getLeases: undefined }));
    for (const id of [
      'sync-state/getLeases: the held leases among the names asked for, with their owner and expiry',
      'sync-state/getLeases leaves out a lease that ran out or was released',
    ] as const) {
      const result = await runConformanceTest(id, { setup });
      expect(result.status, id).toBe('skipped');
      expect(result.status === 'skipped' && result.reason).toMatch(/no getLeases/);
    }
  });

  test('every listed test passes against the intact memory adapter', async () => {
    const intact = { make: patched(() => ({})), service: serviceSetup() };
    for (const id of new Set(mutants.flatMap((m) => m.breaks))) {
      expect(await failureOf(id, intact), id).toBeNull();
    }
  });
});
