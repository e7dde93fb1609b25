import { expect, it } from 'vitest';
import { secretsScenario } from '../src/scenarios/secrets.js';
import { expectScenario } from './expect-scenario.js';

it('keeps secrets and payload emails out of every log line, answer and error', async (context) => {
  const result = await expectScenario(secretsScenario, context);
  expect(result.figures['texts captured (log lines, answers, errors, console writes)']).toBeGreaterThan(100);
});
