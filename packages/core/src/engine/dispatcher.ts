import { retryOnConflict } from '../adapter/conflict-retry.js';
import type { InboxRecord, InboxStatus, ScimAdapter, ScimStore } from '../adapter/contract.js';
import type { Applier } from '../apply/applier.js';
import { inChunks, readInChunks } from '../apply/batching.js';
import { type Effect, runEffects } from '../apply/effects.js';
import { isPermanentFailure, isScimError, ScimError } from '../errors.js';
import type { DirectoryEvent } from '../events/types.js';
import type { ScimLogger } from '../logger.js';
import { type EventChange, eventChange, orderKey } from './event-changes.js';
import { type ChangeOutcome, EventRun } from './event-run.js';
import { GroupCommit } from './group-commit.js';
import { Rejections } from './rejections.js';
import type { ApplyOutcome, ApplyResult } from './types.js';

export interface DispatcherConfig {
  adapter: ScimAdapter;
  applier: Applier;
  logger: ScimLogger;
  now: () => Date;
  conflictRetries: number;
  /** Group commit of concurrent events (adapters with transactions only); null applies each alone. */
  batching: { concurrency: number; maxEvents: number } | null;
  /** Set with `directScim`: whether an organization is provisioned by the app's SCIM server instead. */
  scimOnly?: (store: ScimStore, organizationId: string) => Promise<boolean>;
}

/** An event waiting for a transaction, and how to answer its caller. */
interface Queued {
  event: DirectoryEvent;
  /** What the event changes, worked out once. */
  change: EventChange;
  type: string;
  resolve(result: ApplyResult): void;
  reject(error: unknown): void;
}

/** An event on its way to a transaction. */
type Item = Pick<Queued, 'event' | 'change' | 'type'>;

/** What a committed event leaves to do: its answer and its hooks. */
type Committed = { outcome: ApplyOutcome; effects: Effect[]; reason?: string } | { error: unknown };

/**
 * Takes directory events to the apply path under the inbox rule: each event id is claimed once, in
 * the same transaction as its change, and answered only after that commit; its hooks run after it.
 *
 * Group commit (`GroupCommit`): concurrent events of one organization are claimed together in one
 * transaction, applied in arrival order, each answered with its own outcome after the commit. If a batch
 * fails, its events are applied again one by one, so one bad event only fails itself.
 */
export class Dispatcher {
  private readonly commits: GroupCommit<Queued, Committed[]> | null;
  private readonly rejections: Rejections;

  constructor(private readonly config: DispatcherConfig) {
    this.rejections = new Rejections({
      adapter: config.adapter,
      applier: config.applier,
      logger: config.logger,
      inboxRecord: (event, type) => this.inboxRecord(event, type, 'rejected'),
      retry: (event, unit) => this.withRetries(event, unit),
    });
    const { batching } = config;
    this.commits =
      batching === null || !config.adapter.capabilities.transactions
        ? null
        : new GroupCommit(
            { concurrency: batching.concurrency, maxItems: batching.maxEvents },
            { commit: (batch) => this.commitMany(batch), settle: (batch, committed) => this.settle(batch, committed) },
          );
  }

  /** Applies a rejected event again (see `ScimEngine.replay`); its hooks run before it resolves. */
  async replay(eventId: string): Promise<ApplyResult> {
    const { event, type, replayed } = await this.rejections.replay(eventId);
    return this.answer(event, type, replayed);
  }

  apply(event: DirectoryEvent): Promise<ApplyResult> {
    const type = event.type === 'unknown' ? event.rawType : event.type;
    const change = eventChange(event);
    const commits = this.commits;
    if (commits === null) {
      return this.commitAlone({ event, change, type }).then((committed) => this.answer(event, type, committed));
    }
    return new Promise<ApplyResult>((resolve, reject) => {
      commits.push(event.organizationId, { event, change, type, resolve, reject });
    });
  }

  /**
   * Answers a committed batch. Hooks run in arrival order per user, group or directory; those of different
   * ones do not wait for each other, so a slow hook holds back only its own delivery and the later ones of
   * the same entity.
   */
  private async settle(batch: readonly Queued[], committed: readonly Committed[]): Promise<void> {
    const tails = new Map<string, Promise<void>>();
    const answered = batch.map(({ event, change, type, resolve, reject }, i) => {
      const key = orderKey(change);
      const answer = (tails.get(key) ?? Promise.resolve())
        .then(() => this.answer(event, type, committed[i]!))
        .then(resolve, reject);
      tails.set(key, answer);
      return answer;
    });
    await Promise.all(answered);
  }

  /** Commits the batch in one transaction, or its events one by one if that fails. Never throws. */
  private async commitMany(batch: readonly Queued[]): Promise<Committed[]> {
    if (batch.length > 1) {
      try {
        return await this.withRetries(batch[0]!.event, async () => {
          const effects = batch.map((): Effect[] => []);
          const outcomes = await this.config.adapter.transaction((store, tx) =>
            this.applyBatchInTransaction(store, tx, batch, effects),
          );
          return outcomes.map((outcome, i) => ({ outcome, effects: effects[i]! }));
        });
      } catch (error) {
        this.config.logger.debug('a batch of events failed; applying them one by one', {
          events: batch.length,
          code: isScimError(error) ? error.code : undefined,
        });
      }
    }
    const committed: Committed[] = [];
    for (const item of batch) {
      try {
        committed.push(await this.commitAlone(item));
      } catch (error) {
        committed.push({ error });
      }
    }
    return committed;
  }

  private async answer(event: DirectoryEvent, type: string, committed: Committed): Promise<ApplyResult> {
    if ('error' in committed) throw committed.error;
    const { outcome, effects, reason } = committed;
    if (effects.length > 0 && outcome !== 'duplicate') {
      await runEffects(effects, this.config.logger, { eventId: event.id, organizationId: event.organizationId });
    }
    return reason === undefined ? { outcome, eventId: event.id, type } : { outcome, eventId: event.id, type, reason };
  }

  /** Runs `attempt` again after a transaction conflict; an error that is not a `ScimError` becomes a STORAGE_FAILURE. */
  private withRetries<T>(event: DirectoryEvent, attempt: () => Promise<T>): Promise<T> {
    const { conflictRetries, logger } = this.config;
    return retryOnConflict(attempt, {
      retries: conflictRetries,
      onRetry: (n) => logger.debug('transaction conflict, retrying', { eventId: event.id, attempt: n }),
    }).catch((error: unknown) => {
      throw isScimError(error)
        ? error
        : new ScimError('STORAGE_FAILURE', `Could not apply event ${event.id}`, {
            cause: error,
            status: 500,
            retryable: true,
          });
    });
  }

  /**
   * One event in a transaction of its own. A permanent failure (the app refused the user, a constraint
   * the row) is recorded as rejected once the transaction has rolled back; a duplicate-key failure is
   * tried once more first, as it may be a concurrent delivery of the same person.
   */
  private async commitAlone(item: Item): Promise<{ outcome: ApplyOutcome; effects: Effect[]; reason?: string }> {
    try {
      return await this.commitOnce(item);
    } catch (error) {
      if (!isPermanentFailure(error)) throw error;
      let failure = error;
      if (isScimError(error) && error.code === 'UNIQUE_VIOLATION') {
        try {
          return await this.commitOnce(item);
        } catch (again) {
          if (!isPermanentFailure(again)) throw again;
          failure = again;
        }
      }
      const { outcome, reason } = await this.rejections.record(item.event, item.type, failure);
      return { outcome, effects: [], reason };
    }
  }

  private commitOnce(item: Item): Promise<{ outcome: ApplyOutcome; effects: Effect[] }> {
    const { adapter } = this.config;
    return this.withRetries(item.event, async () => {
      const effects: Effect[] = [];
      const outcome = adapter.capabilities.transactions
        ? await adapter.transaction(
            async (store, tx) => (await this.applyBatchInTransaction(store, tx, [item], [effects]))[0]!,
          )
        : await this.applyWithoutTransaction(adapter, item, effects);
      return { outcome, effects };
    });
  }

  private inboxRecord(event: DirectoryEvent, type: string, status: InboxStatus): InboxRecord {
    return {
      id: event.id,
      organizationId: event.organizationId,
      type,
      occurredAt: event.occurredAtRaw,
      receivedAt: this.config.now(),
      status,
      reason: null,
      payload: event.type === 'unknown' ? JSON.stringify(event.raw) : null,
    };
  }

  /**
   * The events of a batch (one organization, as `takeBatch` forms them) in one transaction. Each is
   * claimed as applied, the usual outcome (a repeated id in the batch is a duplicate, as it would be
   * one after the other; nobody sees the record before the commit, and a rollback removes it), then
   * applied in arrival order; the others get their status in one write at the end.
   */
  private async applyBatchInTransaction(
    store: ScimStore,
    tx: unknown,
    batch: readonly Item[],
    effects: Effect[][],
  ): Promise<ApplyOutcome[]> {
    if (batch.length === 1) return [await this.applyOneInTransaction(store, tx, batch[0]!, effects[0]!)];
    const { maxBatchSize } = this.config.adapter.capabilities;
    const outcomes: ApplyOutcome[] = batch.map(() => 'duplicate');
    const first = new Map<string, number>();
    batch.forEach(({ event }, i) => {
      if (!first.has(event.id)) first.set(event.id, i);
    });
    const records = [...first.values()].map((i) => this.inboxRecord(batch[i]!.event, batch[i]!.type, 'applied'));
    const claimed = new Set(await readInChunks(records, maxBatchSize, (chunk) => store.claimEvents(chunk)));
    const todo = [...first.values()].filter((i) => claimed.has(batch[i]!.event.id));
    const run = new EventRun(store, tx, this.config.applier, this.config.logger, this.config.scimOnly);
    const results = await run.apply(
      todo.map((i) => ({ event: batch[i]!.event, change: batch[i]!.change, effects: effects[i]! })),
    );
    todo.forEach((i, k) => {
      outcomes[i] = results[k]!;
    });
    const others = todo.filter((i) => outcomes[i] !== 'applied');
    await inChunks(others, maxBatchSize, (chunk) =>
      store.finishEvents(chunk.map((i) => ({ id: batch[i]!.event.id, status: outcomes[i] as ChangeOutcome }))),
    );
    return outcomes;
  }

  /** One event alone, the common case of a quiet app: the same steps as a batch of one, without its bookkeeping. */
  private async applyOneInTransaction(
    store: ScimStore,
    tx: unknown,
    item: Item,
    effects: Effect[],
  ): Promise<ApplyOutcome> {
    const claimed = await store.claimEvents([this.inboxRecord(item.event, item.type, 'applied')]);
    if (claimed.length === 0) return 'duplicate';
    const outcome = await new EventRun(
      store,
      tx,
      this.config.applier,
      this.config.logger,
      this.config.scimOnly,
    ).applyAlone({
      event: item.event,
      change: item.change,
      effects,
    });
    if (outcome !== 'applied') await store.finishEvents([{ id: item.event.id, status: outcome }]);
    return outcome;
  }

  /**
   * Without transactions the claim comes last: a change interrupted half-way is not in the inbox,
   * and its redelivery passes the version gate again (same version, same event id) and completes it.
   */
  private async applyWithoutTransaction(adapter: ScimAdapter, item: Item, effects: Effect[]): Promise<ApplyOutcome> {
    const { event, type } = item;
    const existing = await adapter.getEvent(event.id);
    if (existing !== null && existing.status !== 'pending') return 'duplicate';
    const [outcome] = await new EventRun(
      adapter,
      undefined,
      this.config.applier,
      this.config.logger,
      this.config.scimOnly,
    ).apply([{ event, change: item.change, effects }]);
    if (existing !== null) {
      await adapter.finishEvents([{ id: event.id, status: outcome! }]);
      return outcome!;
    }
    const claimed = await adapter.claimEvents([this.inboxRecord(event, type, outcome!)]);
    return claimed.length === 1 ? outcome! : 'duplicate';
  }
}
