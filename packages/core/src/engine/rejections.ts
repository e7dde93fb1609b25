import type { ScimAdapter } from '../adapter/contract.js';
import type { InboxRecord } from '../adapter/records.js';
import type { Applier } from '../apply/applier.js';
import type { Effect } from '../apply/effects.js';
import { isPermanentFailure, isScimError, ScimError } from '../errors.js';
import { parseDirectoryEventJson } from '../events/parse.js';
import type { DirectoryEvent } from '../events/types.js';
import { describeError, rejectionReason } from '../log-error.js';
import type { ScimLogger } from '../logger.js';
import { eventChange } from './event-changes.js';
import { EventRun } from './event-run.js';
import type { ApplyOutcome } from './types.js';

export interface RejectionsConfig {
  adapter: ScimAdapter;
  applier: Applier;
  logger: ScimLogger;
  inboxRecord(event: DirectoryEvent, type: string): InboxRecord;
  /** The engine's retry policy for a unit of work (conflicts retried, foreign errors wrapped). */
  retry<T>(event: DirectoryEvent, unit: () => Promise<T>): Promise<T>;
}

export interface Replayed {
  outcome: ApplyOutcome;
  effects: Effect[];
  reason?: string;
}

/**
 * Changes refused for good: recorded in the inbox as `rejected`, with their reason and payload, in a
 * transaction of their own once the change's own transaction has rolled back (so nothing else of the change
 * is kept), and replayed from that payload on request.
 */
export class Rejections {
  constructor(private readonly config: RejectionsConfig) {}

  /** Records the event as rejected; `duplicate` when another delivery got to claim it first. */
  async record(
    event: DirectoryEvent,
    type: string,
    error: unknown,
  ): Promise<{ outcome: ApplyOutcome; reason: string }> {
    const reason = rejectionReason(error);
    this.config.logger.warn('change rejected; recorded and acknowledged, replayable once fixed', {
      eventId: event.id,
      type,
      organizationId: event.organizationId,
      ...describeError(error),
    });
    const record = { ...this.config.inboxRecord(event, type), status: 'rejected' as const, reason };
    record.payload = JSON.stringify(event.raw);
    const claimed = await this.config.retry(event, () => this.config.adapter.claimEvents([record]));
    return { outcome: claimed.length === 1 ? 'rejected' : 'duplicate', reason };
  }

  /** Applies a rejected event again from its kept payload. */
  async replay(eventId: string): Promise<{ event: DirectoryEvent; type: string; replayed: Replayed }> {
    const { adapter, applier, logger } = this.config;
    const record = await adapter.getEvent(eventId);
    if (record === null) throw new ScimError('NOT_FOUND', `No event ${eventId} in the inbox`, { status: 404 });
    if (record.status !== 'rejected' || record.payload === null) {
      throw new ScimError(
        'NOT_REPLAYABLE',
        `Event ${eventId} is ${record.status}; only rejected events can be replayed`,
        {
          status: 409,
        },
      );
    }
    const event = parseDirectoryEventJson(record.payload);
    const change = eventChange(event);
    try {
      const replayed = await this.config.retry(event, async () => {
        const effects: Effect[] = [];
        const run = async (store: Parameters<Parameters<ScimAdapter['transaction']>[0]>[0], tx: unknown) => {
          const outcome = await new EventRun(store, tx, applier, logger).applyAlone({ event, change, effects });
          await store.finishEvents([{ id: event.id, status: outcome, reason: null, payload: null }]);
          return outcome;
        };
        const outcome = adapter.capabilities.transactions
          ? await adapter.transaction(run)
          : await run(adapter, undefined);
        return { outcome, effects };
      });
      return { event, type: record.type, replayed };
    } catch (error) {
      if (!isPermanentFailure(error))
        throw isScimError(error) ? error : new ScimError('STORAGE_FAILURE', 'replay failed', { cause: error });
      const reason = rejectionReason(error);
      await this.config.retry(event, () => adapter.finishEvents([{ id: event.id, status: 'rejected', reason }]));
      return { event, type: record.type, replayed: { outcome: 'rejected', effects: [], reason } };
    }
  }
}
