import { expect, it } from 'vitest';
import { runScenario } from '../src/scenario.js';
import { tenantIsolationScenario } from '../src/scenarios/tenant-isolation.js';

it('keeps organizations that reuse the same ids apart under concurrent traffic', async () => {
  const result = await runScenario(tenantIsolationScenario);
  expect(result.failures).toEqual([]);
});
