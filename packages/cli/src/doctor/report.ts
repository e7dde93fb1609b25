import { createColors } from 'picocolors';
import type { CheckResult, CheckStatus } from './types.js';

const MARK: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖', skip: '-' };

/** The `--json` document: stable ids and statuses for CI. */
export function doctorJson(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warnings = results.filter((r) => r.status === 'warn').length;
  return `${JSON.stringify({ ok: failed === 0, failed, warnings, checks: results }, null, 2)}\n`;
}

/** The checklist: a mark and a line per check, and under each failure or warning what to do. */
export function doctorText(results: readonly CheckResult[], color: boolean): string {
  const c = createColors(color);
  const paint: Record<CheckStatus, (s: string) => string> = { pass: c.green, warn: c.yellow, fail: c.red, skip: c.dim };
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${paint[result.status](MARK[result.status])} ${c.bold(result.title)}: ${result.detail}`);
    if (result.fix && (result.status === 'fail' || result.status === 'warn'))
      lines.push(`    ${c.dim('fix:')} ${result.fix}`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warnings = results.filter((r) => r.status === 'warn').length;
  lines.push('');
  lines.push(
    failed === 0
      ? c.green(`All checks passed${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}.`)
      : c.red(
          `${failed} check${failed === 1 ? '' : 's'} failed${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`,
        ),
  );
  return `${lines.join('\n')}\n`;
}
