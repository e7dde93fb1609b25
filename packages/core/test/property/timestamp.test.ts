import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nanosToRfc3339, rfc3339ToNanos } from '../../src/events/timestamp.js';

/**
 * Days from 0000-03-01 based civil dates to the Unix epoch, in integer arithmetic only (Hinnant's
 * algorithm): an oracle that shares nothing with the parser's use of `Date.UTC`.
 */
function daysFromCivil(year: number, month: number, day: number): bigint {
  const y = BigInt(month <= 2 ? year - 1 : year);
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const m = BigInt(month);
  const doy = (153n * (m > 2n ? m - 3n : m + 9n) + 2n) / 5n + BigInt(day) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146_097n + doe - 719_468n;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const componentsArb = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
  hour: fc.integer({ min: 0, max: 24 }),
  minute: fc.integer({ min: 0, max: 60 }),
  second: fc.integer({ min: 0, max: 61 }),
  fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
  offset: fc.option(fc.record({ sign: fc.constantFrom('+', '-'), h: fc.nat(25), m: fc.nat(60) }), { nil: undefined }),
});

describe('timestamp properties', () => {
  it('rfc3339ToNanos accepts exactly the valid dates and agrees with an integer-only oracle', () => {
    fc.assert(
      fc.property(componentsArb, (c) => {
        const zone = c.offset === undefined ? 'Z' : `${c.offset.sign}${pad(c.offset.h)}:${pad(c.offset.m)}`;
        const text = `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${
          c.fraction === undefined ? '' : `.${c.fraction}`
        }${zone}`;
        const valid =
          c.month >= 1 &&
          c.month <= 12 &&
          c.day >= 1 &&
          c.day <= daysIn(c.year, c.month) &&
          c.hour <= 23 &&
          c.minute <= 59 &&
          c.second <= 60 &&
          (c.offset === undefined || (c.offset.h <= 23 && c.offset.m <= 59));
        const parsed = rfc3339ToNanos(text);
        if (!valid) {
          expect(parsed).toBeNull();
          return;
        }
        const offsetSeconds =
          c.offset === undefined
            ? 0n
            : BigInt((c.offset.sign === '-' ? -1 : 1) * (c.offset.h * 3600 + c.offset.m * 60));
        const seconds =
          daysFromCivil(c.year, c.month, c.day) * 86_400n +
          BigInt(c.hour * 3600 + c.minute * 60 + Math.min(c.second, 59)) -
          offsetSeconds;
        const nanos = c.fraction === undefined ? 0n : BigInt(c.fraction.padEnd(9, '0'));
        expect(parsed).toBe(seconds * 1_000_000_000n + nanos);
      }),
      { numRuns: 1000 },
    );
  });

  it('nanosToRfc3339 and rfc3339ToNanos are inverse over the storable range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (nanos) => {
        expect(rfc3339ToNanos(nanosToRfc3339(nanos))).toBe(nanos);
      }),
      { numRuns: 500 },
    );
  });
});
