import { expect, it } from 'vitest';
import { runScenario } from '../src/scenario.js';
import { secretsScenario } from '../src/scenarios/secrets.js';

it('keeps secrets and payload emails out of every log line, answer and error', async () => {
  const result = await runScenario(secretsScenario);
  expect(result.failures).toEqual([]);
  expect(result.figures['texts captured (log lines, answers, errors, console writes)']).toBeGreaterThan(100);
});
