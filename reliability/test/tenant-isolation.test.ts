import { it } from 'vitest';
import { tenantIsolationScenario } from '../src/scenarios/tenant-isolation.js';
import { expectScenario } from './expect-scenario.js';

it('keeps organizations that reuse the same ids apart under concurrent traffic', async (context) => {
  await expectScenario(tenantIsolationScenario, context);
});
