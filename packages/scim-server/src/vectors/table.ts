import type { ScimVectorResult } from './runner.js';

/** A plain-text pass/fail table, failures listed under it. */
export function formatScimVectorTable(results: readonly ScimVectorResult[]): string {
  const rows = results.map((result) => [result.passed ? 'PASS' : 'FAIL', result.provider, result.id, result.title]);
  const header = ['result', 'provider', 'vector', 'what it checks'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const lines = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  const passed = results.filter((result) => result.passed).length;
  lines.push('', `${passed}/${results.length} passed`);
  for (const result of results.filter((r) => !r.passed)) {
    lines.push('', `${result.id}: ${result.fact}`, ...result.failures.map((failure) => `  - ${failure}`));
  }
  return lines.join('\n');
}

/** Prints the table (to stdout by default) and answers whether every vector passed. */
export function printScimVectorTable(
  results: readonly ScimVectorResult[],
  write: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): boolean {
  write(formatScimVectorTable(results));
  return results.every((result) => result.passed);
}
