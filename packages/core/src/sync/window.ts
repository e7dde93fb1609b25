import { ScimError } from '../errors.js';
import type { SyncMode, SyncOptions } from './types.js';

/**
 * The mode and window a sync runs with. `updatedAfter` makes a windowed incremental sync (a refill of
 * changes the webhooks missed); it is refused with a full sync, which lists everything anyway, and
 * when it is not a date in the past: a window that starts in the future would list nothing and still
 * look like a successful refill.
 */
export function resolveWindow(options: SyncOptions, now: Date): { mode: SyncMode; window: Date | undefined } {
  const { updatedAfter } = options;
  if (updatedAfter === undefined) return { mode: options.mode ?? 'full', window: undefined };
  if (!(updatedAfter instanceof Date) || Number.isNaN(updatedAfter.getTime())) {
    throw new ScimError('CONFIGURATION_ERROR', 'sync: updatedAfter must be a valid Date');
  }
  if (options.mode === 'full') {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      "sync: updatedAfter goes with mode 'incremental' (a full sync lists every user and group anyway)",
    );
  }
  if (updatedAfter.getTime() > now.getTime()) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `sync: updatedAfter (${updatedAfter.toISOString()}) is in the future; a window must start in the past`,
    );
  }
  return { mode: 'incremental', window: updatedAfter };
}

/**
 * The watermark a successful sync leaves. A normal sync leaves its own start. A windowed sync listed only
 * what changed after its window: it can stand for the next incremental sync only when its window starts
 * no later than where that sync would start (the watermark minus the skew margin); then it advances the
 * watermark to its start, as that sync would. Otherwise (a window later than the watermark, or no
 * watermark yet, where the next incremental sync must run as full) the watermark stays as it was. It
 * never moves backwards.
 */
export function nextWatermark(
  stored: Date | null,
  runStart: Date,
  window: Date | undefined,
  skewMs: number,
): Date | null {
  if (window === undefined) return runStart;
  if (stored === null || window.getTime() > stored.getTime() - skewMs) return stored;
  return runStart.getTime() > stored.getTime() ? runStart : stored;
}
