import { it } from 'vitest';
import { clockSkewScenario } from '../src/scenarios/clock-skew.js';
import { expectScenario } from './expect-scenario.js';

it('accepts deliveries within the tolerance, refuses them beyond it, and a sync recovers', async (context) => {
  await expectScenario(clockSkewScenario, context);
});
