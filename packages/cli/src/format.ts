import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { CliIO } from './io.js';

export type Colors = ReturnType<typeof createColors>;

/** Colours on a terminal only, and never with NO_COLOR set (https://no-color.org). */
export function colors(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): Colors {
  return createColors(Boolean(io[stream].isTTY) && !io.env.NO_COLOR);
}

/**
 * A table as text: boxed on a terminal, plain aligned columns otherwise (for logs, grep and diffs of
 * a CI job's output).
 */
export function table(
  io: CliIO,
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  options: { wrap?: number } = {},
): string {
  const boxed = Boolean(io.stdout.isTTY);
  const c = colors(io);
  // On a terminal a long free-text column (a reason) wraps inside its cell; logs keep one line a row.
  const wrap =
    boxed && options.wrap !== undefined
      ? {
          colWidths: head.map((_, i) => (i === options.wrap ? WRAP_WIDTH : null)),
          wordWrap: true,
          wrapOnWordBoundary: false,
        }
      : {};
  const t = new Table({
    ...wrap,
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [], compact: !boxed, 'padding-left': boxed ? 1 : 0, 'padding-right': boxed ? 1 : 2 },
    ...(boxed ? {} : { chars: PLAIN_CHARS }),
  });
  for (const row of rows) t.push(row.map((cell) => String(cell)));
  const text = t.toString();
  return boxed ? text : text.replace(/[ \t]+$/gm, '');
}

/** Width of a wrapped column on a terminal, borders and padding included. */
const WRAP_WIDTH = 52;

const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always', style: 'long' });
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "3 minutes ago", "in 2 hours", "just now": how far a date is from now, in its largest whole unit. */
export function ago(date: Date, now: Date = new Date()): string {
  const ms = date.getTime() - now.getTime();
  if (Math.abs(ms) < 1_000) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return relative.format(Math.trunc(ms / size), unit);
  }
  return 'just now';
}

/** A duration for people: 850 ms, 4.2 s, 3 min 05 s, 2 h 07 min. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An instant as operators compare them across machines: UTC, to the second. */
export function when(date: Date | null | undefined): string {
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'never';
}

/** Writes lines to a stream, each ended by a newline. */
export function writeLines(stream: NodeJS.WritableStream, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}
