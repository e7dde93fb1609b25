/**
 * Runs every reliability scenario, the load and soak ones included, and writes RELIABILITY.md at the
 * repository root. `pnpm reliability` (root) or `pnpm --filter @scim/reliability report`.
 * `RELIABILITY_ONLY=id,id` runs a subset (the file then says so).
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FINDINGS } from '../src/findings.js';
import { renderPropertySummary, runCorePropertyTests } from '../src/property-tests.js';
import { renderReport } from '../src/render.js';
import { runScenario, type ScenarioResult } from '../src/scenario.js';
import { scenarios } from '../src/scenarios/index.js';

const only = process.env.RELIABILITY_ONLY?.split(',')
  .map((id) => id.trim())
  .filter(Boolean);
const selected = only === undefined ? scenarios : scenarios.filter((scenario) => only.includes(scenario.id));
const results: ScenarioResult[] = [];
for (const scenario of selected) {
  process.stdout.write(`${scenario.id} ... `);
  const result = await runScenario(scenario);
  results.push(result);
  console.log(`${result.passed ? 'pass' : 'FAIL'} (${(result.durationMs / 1000).toFixed(1)} s)`);
  for (const [name, value] of Object.entries(result.figures)) console.log(`  ${name}: ${value}`);
  for (const failure of result.failures.slice(0, 10)) console.log(`  ! ${failure}`);
}

let preamble: string[] = [...FINDINGS];
if (only === undefined || only.includes('properties')) {
  process.stdout.write('core property tests ... ');
  const summary = await runCorePropertyTests();
  console.log(`${summary.passed}/${summary.total} passed`);
  preamble = [...preamble, ...renderPropertySummary(summary)];
}

const machine = `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
const markdown = renderReport(results, {
  generatedAt: new Date(),
  command: only === undefined ? 'pnpm reliability' : `RELIABILITY_ONLY=${only.join(',')} pnpm reliability`,
  machine,
  preamble,
});
const target = fileURLToPath(new URL('../../RELIABILITY.md', import.meta.url));
await writeFile(target, markdown);
console.log(`wrote ${target}`);
process.exitCode = results.every((result) => result.passed) ? 0 : 1;
