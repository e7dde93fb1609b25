import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * The start of a window, for `--since`: an ISO 8601 date or date-time, or a duration back from `now`
 * (`90m`, `2h`, `3d`, `1w`). Written out rather than taken from a duration library: those also read a bare
 * number as milliseconds and a leading minus as the future, and a refill window has no use for either.
 * Anything else, and a time in the future, is refused with the forms it takes.
 */
export function parseSince(value: string, now: Date = new Date()): Date {
  const text = value.trim();
  const duration = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(text);
  let at: Date;
  if (duration !== null) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!;
    if (!(ms > 0)) throw new InvalidArgumentError('a window of length 0 lists nothing: give a duration above 0.');
    at = new Date(now.getTime() - ms);
  } else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    at = new Date(text);
  } else {
    throw new InvalidArgumentError(
      'expected an ISO date (2026-05-01, 2026-05-01T08:00Z) or a duration back from now (90m, 2h, 3d, 1w).',
    );
  }
  if (Number.isNaN(at.getTime()) || (duration === null && !isCalendarDay(text))) {
    throw new InvalidArgumentError(`"${value}" is not a real date.`);
  }
  if (at.getTime() > now.getTime()) {
    throw new InvalidArgumentError(`${at.toISOString()} is in the future: a window must start in the past.`);
  }
  return at;
}

/** Whether the date part names a day of the calendar: Date rolls 2026-02-30 over to March 2nd instead of refusing it. */
function isCalendarDay(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
