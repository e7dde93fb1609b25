/**
 * Runs core's property-based tests (fast-check) and summarises them for the report: they are the
 * property part of the reliability promise, and the report cites their real outcome rather than redo them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
}

export interface PropertySummary {
  passed: number;
  total: number;
  files: { file: string; passed: number; total: number; titles: string[] }[];
  durationMs: number;
}

export async function runCorePropertyTests(): Promise<PropertySummary> {
  const core = fileURLToPath(new URL('../../packages/core/', import.meta.url));
  const directory = await mkdtemp(join(tmpdir(), 'scim-properties-'));
  const output = join(directory, 'result.json');
  const started = performance.now();
  try {
    await promisify(execFile)(
      process.execPath,
      [
        fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)),
        'run',
        'test/property',
        '--reporter=json',
        `--outputFile=${output}`,
      ],
      { cwd: core, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: unknown) => {
      // A failing test exits non-zero; the JSON file still says which.
      if (!(error instanceof Error) || !('code' in error)) throw error;
    });
    const result = JSON.parse(await readFile(output, 'utf8')) as VitestJson;
    return {
      passed: result.numPassedTests,
      total: result.numTotalTests,
      durationMs: Math.round(performance.now() - started),
      files: result.testResults.map((file) => ({
        file: file.name.slice(core.length),
        passed: file.assertionResults.filter((test) => test.status === 'passed').length,
        total: file.assertionResults.length,
        titles: file.assertionResults.map((test) => test.title),
      })),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export function renderPropertySummary(summary: PropertySummary): string[] {
  return [
    '## Property-based tests (core, fast-check)',
    '',
    `The parser, the verifier, the engine, secrets in logs and tenant isolation are also covered by fast-check properties in \`packages/core/test/property\` (run in CI by \`pnpm test\`). This run: **${summary.passed} of ${summary.total} passed** in ${(summary.durationMs / 1000).toFixed(1)} s.`,
    '',
    '| file | passed | properties |',
    '|---|---|---|',
    ...summary.files.map(
      (file) =>
        `| \`${file.file}\` | ${file.passed}/${file.total} | ${file.titles.join('; ').replaceAll('|', '\\|')} |`,
    ),
    '',
  ];
}
