import { ScimError } from '../errors.js';
import { describeError } from '../log-error.js';
import type { ScimLogger } from '../logger.js';
import { sleep } from './retry.js';
import type { ScheduleOptions, SyncOptions, SyncReport, SyncSchedule } from './types.js';

/**
 * Runs a sync of each organization every `intervalMs`, one organization at a time. A sync another
 * instance is already running is skipped for this round (the lease says so at once). `stop()`
 * aborts the running sync and resolves when the loop has ended.
 */
export function scheduleSyncs(
  sync: (options: SyncOptions) => Promise<SyncReport>,
  options: ScheduleOptions,
  logger: ScimLogger,
): SyncSchedule {
  if (!(options.intervalMs > 0)) throw new ScimError('CONFIGURATION_ERROR', 'scheduleSync needs intervalMs > 0');
  const controller = new AbortController();
  const { signal } = controller;

  const round = async () => {
    const organizations =
      typeof options.organizations === 'function' ? await options.organizations() : options.organizations;
    for (const organizationId of organizations) {
      if (signal.aborted) return;
      try {
        const report = await sync({
          organizationId,
          mode: options.mode ?? 'full',
          signal,
          lockTimeoutMs: 0,
        });
        options.onReport?.(report);
      } catch (error) {
        if (signal.aborted) return;
        if (options.onError) options.onError(error, organizationId);
        else {
          logger.error('scheduled sync failed', { organizationId, ...describeError(error) });
        }
      }
    }
  };

  const loop = (async () => {
    if (options.runImmediately === false) await sleep(options.intervalMs, signal).catch(() => undefined);
    while (!signal.aborted) {
      await round().catch((error) => logger.error('scheduled sync round failed', describeError(error)));
      await sleep(options.intervalMs, signal).catch(() => undefined);
    }
  })();

  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
