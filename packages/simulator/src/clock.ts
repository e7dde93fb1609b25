const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/**
 * The simulator's event clock: nanoseconds since the epoch, close to the wall clock and strictly
 * increasing, so every event (and every API `updatedAt`) of one simulator has its own instant.
 */
export class EventClock {
  private last = 0n;

  now(): bigint {
    // Wall-clock milliseconds, with the sub-millisecond digits taken from the monotonic clock.
    const wall = BigInt(Date.now()) * NS_PER_MS + (process.hrtime.bigint() % NS_PER_MS);
    this.last = wall > this.last ? wall : this.last + 1n;
    return this.last;
  }
}

/** RFC 3339 in UTC with exactly nine fractional digits, the form Scalekit's `occurred_at` takes. */
export function formatNanos(nanos: bigint): string {
  const iso = new Date(Number(nanos / NS_PER_MS)).toISOString();
  const fraction = (nanos % NS_PER_S).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** Splits nanoseconds into the parts of a protobuf Timestamp. */
export function nanosToTimestampParts(nanos: bigint): { seconds: bigint; nanos: number } {
  return { seconds: nanos / NS_PER_S, nanos: Number(nanos % NS_PER_S) };
}

/** Nanoseconds since the epoch of a protobuf Timestamp. */
export function timestampPartsToNanos(ts: { seconds: bigint; nanos: number }): bigint {
  return ts.seconds * NS_PER_S + BigInt(ts.nanos);
}
