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

/** Splits nanoseconds into the parts of a protobuf Timestamp. */
export function nanosToTimestampParts(nanos: bigint): { seconds: bigint; nanos: number } {
  return { seconds: nanos / NS_PER_S, nanos: Number(nanos % NS_PER_S) };
}
