const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const NS_PER_SECOND = 1_000_000_000n;

// Date.UTC reads the years 0 to 99 as 1900 to 1999. The Gregorian calendar repeats every 400 years
// (146,097 days), so computing 400 years later and stepping back gives every year its own calendar.
const YEARS_SHIFT = 400;
const SHIFT_MS = 146_097 * 86_400_000;

/**
 * Parses an RFC 3339 timestamp into nanoseconds since the Unix epoch, keeping the sub-millisecond
 * digits a JS Date drops. Returns null when the text is not a valid RFC 3339 timestamp.
 */
export function rfc3339ToNanos(text: string): bigint | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  if (day > new Date(Date.UTC(year + YEARS_SHIFT, month, 0)).getUTCDate()) return null;
  let offsetMinutes = 0;
  if (z === undefined) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  // A leap second (:60) is folded onto :59, which keeps the order of distinct instants.
  const utcMs = Date.UTC(year + YEARS_SHIFT, month - 1, day, hour, minute, Math.min(second, 59)) - SHIFT_MS;
  const utcSeconds = Math.floor(utcMs / 1000) - offsetMinutes * 60;
  const nanos = frac === undefined ? 0n : BigInt(frac.padEnd(9, '0'));
  return BigInt(utcSeconds) * NS_PER_SECOND + nanos;
}

/** RFC 3339 in UTC with exactly nine fractional digits, the form of Scalekit's `occurred_at`. */
export function nanosToRfc3339(nanos: bigint): string {
  const whole = new Date(Number(nanos / NS_PER_SECOND) * 1000).toISOString().slice(0, 19);
  const fraction = (((nanos % NS_PER_SECOND) + NS_PER_SECOND) % NS_PER_SECOND).toString().padStart(9, '0');
  return `${whole}.${fraction}Z`;
}

/** Nanoseconds since the epoch from a Date (millisecond precision). */
export function dateToNanos(date: Date): bigint {
  return BigInt(date.getTime()) * 1_000_000n;
}

/** Nanoseconds since the epoch from a protobuf Timestamp. */
export function timestampToNanos(ts: { seconds: bigint | number; nanos: number }): bigint {
  return BigInt(ts.seconds) * NS_PER_SECOND + BigInt(ts.nanos);
}

/** A Date (millisecond precision) from nanoseconds since the epoch. */
export function nanosToDate(nanos: bigint): Date {
  return new Date(Number(nanos / 1_000_000n));
}
