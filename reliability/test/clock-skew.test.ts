import { expect, it } from 'vitest';
import { runScenario } from '../src/scenario.js';
import { clockSkewScenario } from '../src/scenarios/clock-skew.js';

it('accepts deliveries within the tolerance, refuses them beyond it, and a sync recovers', async () => {
  const result = await runScenario(clockSkewScenario);
  expect(result.failures).toEqual([]);
});
