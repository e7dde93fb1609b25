import { randomUUID } from 'node:crypto';
import { retryOnConflict } from '../adapter/conflict-retry.js';
import type { ScimStore, SyncState } from '../adapter/contract.js';
import { type Effect, runEffects } from '../apply/effects.js';
import type { ApplyScope } from '../apply/user-layer.js';
import { isScimError, ScimError } from '../errors.js';
import { dateToNanos } from '../events/timestamp.js';
import { describeError } from '../log-error.js';
import { type Checkpoint, parseCheckpoint } from './checkpoint.js';
import { removeUnlistedUsers, scanUsers } from './deprovision-phase.js';
import { deleteUnlistedGroups, listGroupIds, syncGroups } from './groups-phase.js';
import { SyncGuardError } from './guard.js';
import { SyncLease, syncLeaseName } from './lease.js';
import { emptyReport } from './report.js';
import { abortError, withRetries } from './retry.js';
import type { SyncContext, SyncScope } from './scope.js';
import type { DirectoryApiClient, SyncMode, SyncOptions, SyncPhase, SyncReport } from './types.js';
import { syncUsers } from './users-phase.js';
import { nextWatermark, resolveWindow } from './window.js';

export const DEFAULT_SYNC_SETTINGS: SyncContext['settings'] = {
  batchSize: 500,
  concurrency: 2,
  pageSize: 100,
  groupPageSize: 30,
  includeDetail: true,
  maxDeprovisionShare: 0.25,
  guardMinUsers: 20,
  watermarkSkewMs: 60_000,
  leaseTtlMs: 60_000,
  maxRetries: 8,
  retryBaseMs: 500,
};

/**
 * One reconciliation of an organization's directory against the Directory API: the lease, the paged
 * listings, the checkpoint, the guard and the report are its own; every change goes through the apply
 * path like a webhook's. See `ScimEngine.sync` for what it guarantees.
 */
export class SyncRun implements SyncScope {
  readonly org: string;
  readonly dryRun: boolean;
  readonly signal: AbortSignal;
  report!: SyncReport;
  client!: DirectoryApiClient;
  directoryId = '';
  startedAtNs = 0n;
  usersTotal: number | undefined;
  private readonly abort = new AbortController();
  private lease: SyncLease | undefined;
  /** Hooks of committed batches, chained: they run one batch at a time, in commit order. */
  private hookChain: Promise<void> = Promise.resolve();
  /** The directory's sync state as last saved: this run holds the lease, so nobody else writes it. */
  private state: SyncState | null = null;
  private phase: SyncPhase = 'groups';
  /** A windowed sync's `updatedAfter` (see `resolveWindow`). */
  private window: Date | undefined;

  constructor(
    readonly ctx: SyncContext,
    private readonly options: SyncOptions,
  ) {
    this.org = options.organizationId;
    this.dryRun = options.dryRun ?? false;
    this.signal = options.signal ? AbortSignal.any([options.signal, this.abort.signal]) : this.abort.signal;
  }

  async run(): Promise<SyncReport> {
    if (typeof this.org !== 'string' || !this.org.startsWith('org_')) {
      throw new ScimError('CONFIGURATION_ERROR', 'sync needs an organizationId (org_...)');
    }
    const { mode, window } = resolveWindow(this.options, this.ctx.now());
    this.window = window;
    if (this.ctx.scimOnly !== undefined && (await this.ctx.scimOnly(this.ctx.adapter, this.org))) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        `Organization ${this.org} is provisioned by direct SCIM (it holds a SCIM token): it is not synced from Scalekit`,
      );
    }
    this.client = await this.ctx.client();
    const started = this.ctx.now();
    this.report = emptyReport(this.org, '', mode, this.dryRun, started);
    if (window !== undefined) this.report.updatedAfter = window;
    this.directoryId = await this.resolveDirectory();
    this.report.directoryId = this.directoryId;
    if (!this.dryRun) {
      this.lease = new SyncLease(
        this.ctx.adapter,
        syncLeaseName(this.org, this.directoryId),
        this.ctx.settings.leaseTtlMs,
        this.ctx.now,
        this.ctx.logger,
        (error) => this.abort.abort(error),
      );
      await this.lease.acquire(this.org, this.options.lockTimeoutMs, this.signal);
    }
    try {
      return await this.reconcile(started);
    } catch (error) {
      const finished = this.ctx.now();
      this.finish(finished);
      const failure = this.lease?.lost
        ? new ScimError('SYNC_LOCKED', 'The sync lost its lease to another instance', { cause: error })
        : isScimError(error)
          ? error
          : new ScimError('STORAGE_FAILURE', `The sync of ${this.org} failed`, { cause: error, retryable: true });
      if (!this.dryRun) {
        await this.saveFailure(failure, error instanceof SyncGuardError).catch((saveError) =>
          this.ctx.logger.error('could not record the failed sync', {
            organizationId: this.org,
            ...describeError(saveError),
          }),
        );
      }
      throw failure;
    } finally {
      await this.lease?.release();
    }
  }

  private async reconcile(started: Date): Promise<SyncReport> {
    const state = await this.ctx.adapter.getSyncState(this.org, this.directoryId);
    this.state = state;
    const window = this.window?.toISOString();
    let mode: SyncMode = this.report.mode;
    // A windowed sync lists its window whatever the watermark; only a plain incremental one needs it.
    if (mode === 'incremental' && window === undefined && (state === null || state.watermark === null)) mode = 'full';
    this.report.mode = mode;

    const previous = this.dryRun || state?.status !== 'running' ? null : parseCheckpoint(state.checkpoint);
    const checkpoint: Checkpoint =
      previous !== null && previous.mode === mode && previous.updatedAfter === window
        ? previous
        : {
            runId: randomUUID(),
            mode,
            startedAt: dateToNanos(started).toString(),
            groupsDone: false,
            userPages: 0,
            ...(window === undefined ? {} : { updatedAfter: window }),
          };
    this.report.resumed = checkpoint === previous;
    this.startedAtNs = BigInt(checkpoint.startedAt);
    const updatedAfter =
      window ??
      (mode === 'incremental' && state?.watermark
        ? new Date(state.watermark.getTime() - this.ctx.settings.watermarkSkewMs).toISOString()
        : undefined);

    await this.saveState({ status: 'running', checkpoint, lastStartedAt: started, lastError: null });

    const seenGroups = new Set<string>();
    if (!checkpoint.groupsDone) {
      await syncGroups(this, updatedAfter, seenGroups);
      checkpoint.groupsDone = true;
      await this.saveState({ checkpoint });
    } else if (mode === 'full') {
      await listGroupIds(this, seenGroups);
    }

    const seenUsers = new Set<string>();
    this.phase = 'users';
    // A full sync reads who the store holds while the listing goes on (see `scanUsers`).
    const scan = mode === 'full' ? scanUsers(this) : null;
    scan?.catch(() => undefined);
    await syncUsers(this, updatedAfter, seenUsers, checkpoint);

    if (scan !== null) {
      this.progress('deprovision');
      await removeUnlistedUsers(this, seenUsers, this.options.force ?? false, await scan);
      await deleteUnlistedGroups(this, seenGroups);
    }
    await this.hookChain;

    const finished = this.ctx.now();
    await this.saveState({
      status: 'succeeded',
      checkpoint: null,
      watermark: nextWatermark(
        state?.watermark ?? null,
        new Date(Number(this.startedAtNs / 1_000_000n)),
        this.window,
        this.ctx.settings.watermarkSkewMs,
      ),
      lastFinishedAt: finished,
      lastError: null,
    });
    this.finish(finished);
    this.progress('done');
    return this.report;
  }

  private finish(finished: Date): void {
    this.report.finishedAt = finished;
    this.report.durationMs = finished.getTime() - this.report.startedAt.getTime();
  }

  progress(phase: SyncPhase): void {
    this.phase = phase;
    const { users } = this.report;
    this.options.onProgress?.({
      organizationId: this.org,
      directoryId: this.directoryId,
      phase: this.phase,
      pages: this.report.pages.users + this.report.pages.groups,
      usersListed: users.listed,
      groupsListed: this.report.groups.listed,
      usersWritten: users.created + users.updated + users.reactivated + users.deactivated + users.deleted,
      ...(this.usersTotal === undefined ? {} : { usersTotal: this.usersTotal }),
    });
  }

  checkAborted(): void {
    if (this.signal.aborted) throw abortError(this.signal);
  }

  call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(fn, {
      maxRetries: this.ctx.settings.maxRetries,
      baseMs: this.ctx.settings.retryBaseMs,
      signal: this.signal,
      onRetry: (attempt, error) => {
        this.report.retries++;
        this.ctx.logger.warn('Directory API call failed, retrying', {
          organizationId: this.org,
          attempt,
          ...describeError(error),
        });
      },
    });
  }

  /**
   * Runs `fn` in one transaction, again from the start when it loses a race (up to `conflictRetries`
   * times): `fn` must keep nothing from a failed attempt, and the caller counts only after the commit.
   */
  async transaction<T>(fn: (scope: ApplyScope) => Promise<T>): Promise<T> {
    const { adapter, conflictRetries, logger } = this.ctx;
    if (!adapter.capabilities.transactions) return fn(this.readScope());
    try {
      return await retryOnConflict(() => adapter.transaction((store, tx) => fn(this.applyScope(store, tx))), {
        retries: conflictRetries,
        signal: this.signal,
        onRetry: (attempt) =>
          logger.debug('sync transaction conflict, retrying', { organizationId: this.org, attempt }),
      });
    } catch (error) {
      if (this.signal.aborted && !isScimError(error)) throw abortError(this.signal);
      throw error;
    }
  }

  readScope(): ApplyScope {
    return this.applyScope(this.ctx.adapter, undefined);
  }

  private applyScope(store: ScimStore, tx: unknown): ApplyScope {
    return { store, tx, organizationId: this.org, source: 'sync' };
  }

  hooks(effects: readonly Effect[][]): Promise<void> {
    const flat = effects.flat();
    if (flat.length === 0) return this.hookChain;
    const next = this.hookChain.then(() => runEffects(flat, this.ctx.logger, { organizationId: this.org }));
    this.hookChain = next;
    return next;
  }

  /** Two batches of pages: enough to keep the listing busy while a batch is written. */
  readAheadPages(pageSize: number): number {
    return Math.max(1, Math.ceil(this.ctx.settings.batchSize / pageSize)) + 1;
  }

  saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    return this.saveState({ checkpoint });
  }

  private async resolveDirectory(): Promise<string> {
    if (this.options.directoryId !== undefined) return this.options.directoryId;
    const { directories } = await this.call(() => this.client.directory.listDirectories(this.org));
    const chosen = directories.find((d) => d.enabled) ?? directories[0];
    if (chosen === undefined) {
      throw new ScimError('CONFIGURATION_ERROR', `Organization ${this.org} has no directory`);
    }
    return chosen.id;
  }

  private async saveState(
    change: Partial<Omit<SyncState, 'checkpoint'>> & { checkpoint?: Checkpoint | null },
  ): Promise<void> {
    if (this.dryRun) return;
    const { checkpoint, ...rest } = change;
    const next: SyncState = {
      organizationId: this.org,
      directoryId: this.directoryId,
      status: 'idle',
      watermark: null,
      checkpoint: null,
      lastStartedAt: null,
      lastFinishedAt: null,
      lastError: null,
      ...this.state,
      ...rest,
      ...(checkpoint === undefined ? {} : { checkpoint: checkpoint === null ? null : JSON.stringify(checkpoint) }),
      updatedAt: this.ctx.now(),
    };
    await this.ctx.adapter.saveSyncState(next);
    this.state = next;
  }

  private async saveFailure(error: ScimError, clearCheckpoint: boolean): Promise<void> {
    const change: Partial<SyncState> & { checkpoint?: null } = {
      status: 'failed',
      lastFinishedAt: this.ctx.now(),
      lastError: `${error.code}: ${error.message}`,
    };
    // Keep the checkpoint (status 'running') so the next run resumes, unless the run was refused.
    if (clearCheckpoint) change.checkpoint = null;
    else if (this.state?.checkpoint) change.status = 'running';
    await this.saveState(change);
  }
}
