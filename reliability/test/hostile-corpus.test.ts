import { expect, it } from 'vitest';
import { runScenario } from '../src/scenario.js';
import { hostileCorpusScenario } from '../src/scenarios/hostile-corpus.js';

it('refuses every hostile request over real HTTP on both bindings and writes nothing', async () => {
  const result = await runScenario(hostileCorpusScenario);
  expect(result.failures).toEqual([]);
  expect(result.figures.cases).toBeGreaterThanOrEqual(50);
});
