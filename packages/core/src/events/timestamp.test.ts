import { describe, expect, it } from 'vitest';
import { dateToNanos, nanosToDate, nanosToRfc3339, rfc3339ToNanos, timestampToNanos } from './timestamp.js';

describe('rfc3339ToNanos', () => {
  it('keeps nanoseconds a Date would drop', () => {
    const a = rfc3339ToNanos('2024-03-10T12:34:56.123456789Z');
    const b = rfc3339ToNanos('2024-03-10T12:34:56.123456790Z');
    expect(a).toBe(1710074096123456789n);
    expect(b! - a!).toBe(1n);
  });

  it('agrees with Date.parse at millisecond precision', () => {
    for (const text of ['2024-01-01T00:00:00Z', '1999-12-31T23:59:59.999Z', '2026-11-29T02:36:16.5Z']) {
      expect(rfc3339ToNanos(text)).toBe(BigInt(Date.parse(text)) * 1_000_000n);
    }
  });

  it('applies offsets', () => {
    expect(rfc3339ToNanos('2024-03-10T14:34:56.000000001+02:00')).toBe(
      rfc3339ToNanos('2024-03-10T12:34:56.000000001Z'),
    );
    expect(rfc3339ToNanos('2024-03-10T07:04:56-05:30')).toBe(rfc3339ToNanos('2024-03-10T12:34:56Z'));
  });

  it('pads short fractions', () => {
    expect(rfc3339ToNanos('1970-01-01T00:00:00.5Z')).toBe(500_000_000n);
  });

  it('rejects text that is not RFC 3339', () => {
    for (const text of [
      '',
      '2024-03-10',
      '2024-03-10T12:34:56',
      '2024-13-10T12:34:56Z',
      '2024-02-30T12:34:56Z',
      '2024-03-10T24:00:00Z',
      '2024-03-10T12:34:56.1234567891Z',
      'yesterday',
      '2024-03-10T12:34:56Z ',
    ]) {
      expect(rfc3339ToNanos(text), text).toBeNull();
    }
  });

  it('formats nanoseconds back, round trip', () => {
    expect(nanosToRfc3339(1710074096123456789n)).toBe('2024-03-10T12:34:56.123456789Z');
    expect(nanosToRfc3339(500_000_000n)).toBe('1970-01-01T00:00:00.500000000Z');
    for (const text of ['2026-11-29T02:36:16.000000001Z', '1999-12-31T23:59:59.999999999Z']) {
      expect(nanosToRfc3339(rfc3339ToNanos(text)!)).toBe(text);
    }
  });

  it('converts Dates and protobuf Timestamps', () => {
    expect(dateToNanos(new Date(1234))).toBe(1_234_000_000n);
    expect(timestampToNanos({ seconds: 10n, nanos: 5 })).toBe(10_000_000_005n);
    expect(nanosToDate(1_234_999_999n).getTime()).toBe(1234);
  });
});
