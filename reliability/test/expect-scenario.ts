import { expect, type TestContext } from 'vitest';
import { runScenario, type Scenario, type ScenarioResult } from '../src/scenario.js';

/**
 * Runs a scenario under vitest: every failed check is listed in the assertion; a scenario that could not
 * run (no database on a developer's machine) is reported as skipped with its reason. In CI that case is
 * already a failure.
 */
export async function expectScenario(scenario: Scenario, context: TestContext): Promise<ScenarioResult> {
  const result = await runScenario(scenario);
  expect(result.failures).toEqual([]);
  if (result.skipped !== null) context.skip(result.skipped);
  return result;
}
