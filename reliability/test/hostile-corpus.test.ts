import { expect, it } from 'vitest';
import { hostileCorpusScenario } from '../src/scenarios/hostile-corpus.js';
import { expectScenario } from './expect-scenario.js';

it('refuses every hostile request over real HTTP on both bindings and writes nothing', async (context) => {
  const result = await expectScenario(hostileCorpusScenario, context);
  expect(result.figures.cases).toBeGreaterThanOrEqual(50);
});
