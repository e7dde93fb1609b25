import { randomUUID } from 'node:crypto';
import type { EntityAdvance, EntityState, ScimAdapter, ScimStore, SyncState, UserWrite } from '../adapter/contract.js';
import { readEntities } from '../adapter/read-entities.js';
import { type Effect, runEffects } from '../engine/effects.js';
import { userFingerprint } from '../engine/fingerprint.js';
import { decideDeprovision, mergeRoles } from '../engine/policies.js';
import type { DeprovisionPolicy, ScimHooks } from '../engine/types.js';
import { toUserWrite } from '../engine/user-write.js';
import { AdapterError, ScimError } from '../errors.js';
import { dateToNanos } from '../events/timestamp.js';
import type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';
import type { ScimLogger } from '../logger.js';
import { BatchPipeline } from './batch-pipeline.js';
import { PageFrontier } from './page-frontier.js';
import { abortError, sleep, withRetries } from './retry.js';
import { apiUserToDirectoryUser, apiVersion } from './source.js';
import type {
  ApiDirectoryGroup,
  DirectoryApiClient,
  PlannedAction,
  PlannedChange,
  SyncEngineOptions,
  SyncMode,
  SyncOptions,
  SyncPhase,
  SyncReport,
} from './types.js';

export interface SyncContext {
  adapter: ScimAdapter;
  client: () => Promise<DirectoryApiClient>;
  deprovision: DeprovisionPolicy;
  roles: ((user: DirectoryUser, groups: DirectoryGroupRef[]) => string[]) | null;
  hooks: ScimHooks;
  logger: ScimLogger;
  now: () => Date;
  /** Retries of a transaction that hit a deadlock or a serialization failure. */
  conflictRetries: number;
  settings: Required<SyncEngineOptions>;
}

export const DEFAULT_SYNC_SETTINGS: Required<SyncEngineOptions> = {
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

/** Raised when a full sync would deprovision more users than the guard allows. */
export class SyncGuardError extends ScimError {
  readonly report: SyncReport;
  readonly candidates: number;
  readonly activeUsers: number;

  constructor(report: SyncReport, candidates: number, activeUsers: number, threshold: number) {
    super(
      'SYNC_GUARD',
      `Sync stopped: it would deprovision ${candidates} of ${activeUsers} active users ` +
        `(more than ${Math.round(threshold * 100)}%). Run it with force: true if this is intended.`,
    );
    this.name = 'SyncGuardError';
    this.report = report;
    this.candidates = candidates;
    this.activeUsers = activeUsers;
  }
}

interface Checkpoint {
  runId: string;
  mode: SyncMode;
  /** Start of the interrupted run, ns: versions of its deprovisions and its watermark. */
  startedAt: string;
  groupsDone: boolean;
  /** User pages whose users are committed. */
  userPages: number;
}

function parseCheckpoint(text: string | null): Checkpoint | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Checkpoint>;
    if (
      typeof value.runId === 'string' &&
      (value.mode === 'full' || value.mode === 'incremental') &&
      typeof value.startedAt === 'string' &&
      /^\d+$/.test(value.startedAt) &&
      typeof value.groupsDone === 'boolean' &&
      typeof value.userPages === 'number'
    ) {
      return value as Checkpoint;
    }
  } catch {
    // An unreadable checkpoint only means the sync starts from the beginning.
  }
  return null;
}

/** A listed user, converted as its page arrived. */
interface ListedUser {
  user: DirectoryUser;
  version: bigint;
}

interface Page<T> {
  items: T[];
  next: string;
}

/**
 * Pages of a listing, read ahead: a background loop keeps fetching (the next page token comes only
 * with each answer, so pages arrive one at a time) while the caller applies earlier ones, up to
 * `limit` pages held at once, which bounds memory. A failed fetch surfaces, after the pages read
 * before it, as the error of the iteration.
 */
async function* readAhead<T>(fetch: (token: string) => Promise<Page<T>>, limit: number): AsyncGenerator<T[]> {
  const queue: T[][] = [];
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const producer = (async () => {
    try {
      let token = '';
      do {
        while (queue.length >= limit && !stopped) await new Promise<void>((resolve) => (wakeProducer = resolve));
        if (stopped) return;
        const page = await fetch(token);
        queue.push(page.items);
        token = page.next;
        wakeConsumer?.();
      } while (token !== '');
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wakeConsumer?.();
    }
  })();
  try {
    for (;;) {
      const items = queue.shift();
      if (items !== undefined) {
        wakeProducer?.();
        yield items;
        continue;
      }
      if (finished) {
        if (failure !== undefined) throw failure.error;
        return;
      }
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    stopped = true;
    wakeProducer?.();
    await producer;
  }
}

/**
 * In id order: concurrent transactions then lock the rows they share (version records, new groups)
 * in the same order, and cannot deadlock each other.
 */
function sortById<T extends { id: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function emptyReport(organizationId: string, directoryId: string, mode: SyncMode, dryRun: boolean, now: Date) {
  const report: SyncReport = {
    organizationId,
    directoryId,
    mode,
    dryRun,
    resumed: false,
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    pages: { users: 0, groups: 0 },
    retries: 0,
    users: { listed: 0, created: 0, updated: 0, reactivated: 0, deactivated: 0, deleted: 0, unchanged: 0, skipped: 0 },
    groups: { listed: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 },
    memberships: 0,
  };
  if (dryRun) report.plan = [];
  return report;
}

/**
 * One reconciliation of an organization's directory against the Directory API. See
 * `ScimEngine.sync` for what it guarantees.
 */
export class SyncRun {
  private readonly org: string;
  private readonly dryRun: boolean;
  private readonly abort = new AbortController();
  private readonly signal: AbortSignal;
  private readonly owner = `sync-${randomUUID()}`;
  private report!: SyncReport;
  private directoryId = '';
  private leaseName = '';
  private leaseTimer: NodeJS.Timeout | undefined;
  private leaseLost = false;
  private startedAtNs = 0n;
  private phase: SyncPhase = 'groups';
  /** Hooks of user batches, chained: they run one at a time, in commit order. */
  private userHooks: Promise<void> = Promise.resolve();
  /** The directory's sync state as last saved: this run holds the lease, so nobody else writes it. */
  private state: SyncState | null = null;

  constructor(
    private readonly ctx: SyncContext,
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
    const client = await this.ctx.client();
    const started = this.ctx.now();
    this.report = emptyReport(this.org, '', this.options.mode ?? 'full', this.dryRun, started);
    this.directoryId = await this.resolveDirectory(client);
    this.report.directoryId = this.directoryId;
    this.leaseName = `scim-sync:${this.org}:${this.directoryId}`;

    if (!this.dryRun) await this.acquireLease();
    try {
      const state = await this.ctx.adapter.getSyncState(this.org, this.directoryId);
      this.state = state;
      let mode: SyncMode = this.options.mode ?? 'full';
      if (mode === 'incremental' && (state === null || state.watermark === null)) mode = 'full';
      this.report.mode = mode;

      const previous = this.dryRun || state?.status !== 'running' ? null : parseCheckpoint(state.checkpoint);
      const checkpoint: Checkpoint =
        previous !== null && previous.mode === mode
          ? previous
          : { runId: randomUUID(), mode, startedAt: dateToNanos(started).toString(), groupsDone: false, userPages: 0 };
      this.report.resumed = checkpoint === previous;
      this.startedAtNs = BigInt(checkpoint.startedAt);
      const updatedAfter =
        mode === 'incremental' && state?.watermark
          ? new Date(state.watermark.getTime() - this.ctx.settings.watermarkSkewMs).toISOString()
          : undefined;

      await this.saveState({ status: 'running', checkpoint, lastStartedAt: started, lastError: null });

      const seenGroups = new Set<string>();
      if (!checkpoint.groupsDone) {
        await this.syncGroups(client, updatedAfter, seenGroups);
        checkpoint.groupsDone = true;
        await this.saveState({ checkpoint });
      } else if (mode === 'full') {
        // A resumed run re-lists the groups it already applied, only to know which still exist.
        await this.listGroupIds(client, seenGroups);
      }

      const seenUsers = new Set<string>();
      await this.syncUsers(client, updatedAfter, seenUsers, checkpoint);

      if (mode === 'full') {
        this.phase = 'deprovision';
        this.progress();
        await this.deprovisionUsers(seenUsers);
        await this.deleteGroups(seenGroups);
      }

      this.phase = 'done';
      const finished = this.ctx.now();
      await this.saveState({
        status: 'succeeded',
        checkpoint: null,
        watermark: new Date(Number(this.startedAtNs / 1_000_000n)),
        lastFinishedAt: finished,
        lastError: null,
      });
      this.finish(finished);
      this.progress();
      return this.report;
    } catch (error) {
      const finished = this.ctx.now();
      this.finish(finished);
      const failure = this.leaseLost
        ? new ScimError('SYNC_LOCKED', 'The sync lost its lease to another instance', { cause: error })
        : error;
      if (!this.dryRun) {
        await this.saveFailure(failure, error instanceof SyncGuardError).catch((saveError) =>
          this.ctx.logger.error('could not record the failed sync', {
            organizationId: this.org,
            error: saveError instanceof Error ? saveError.name : typeof saveError,
          }),
        );
      }
      throw failure;
    } finally {
      await this.releaseLease();
    }
  }

  private finish(finished: Date): void {
    this.report.finishedAt = finished;
    this.report.durationMs = finished.getTime() - this.report.startedAt.getTime();
  }

  private progress(): void {
    this.options.onProgress?.({
      organizationId: this.org,
      directoryId: this.directoryId,
      phase: this.phase,
      pages: this.report.pages.users + this.report.pages.groups,
      usersListed: this.report.users.listed,
      groupsListed: this.report.groups.listed,
      usersWritten:
        this.report.users.created +
        this.report.users.updated +
        this.report.users.reactivated +
        this.report.users.deactivated +
        this.report.users.deleted,
    });
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(fn, {
      maxRetries: this.ctx.settings.maxRetries,
      baseMs: this.ctx.settings.retryBaseMs,
      signal: this.signal,
      onRetry: (attempt, error) => {
        this.report.retries++;
        const status = (error as { grpcStatus?: unknown }).grpcStatus;
        this.ctx.logger.warn('Directory API call failed, retrying', {
          organizationId: this.org,
          attempt,
          grpcStatus: typeof status === 'number' ? status : undefined,
        });
      },
    });
  }

  private async resolveDirectory(client: DirectoryApiClient): Promise<string> {
    if (this.options.directoryId !== undefined) return this.options.directoryId;
    const { directories } = await this.call(() => client.directory.listDirectories(this.org));
    const chosen = directories.find((d) => d.enabled) ?? directories[0];
    if (chosen === undefined) {
      throw new ScimError('CONFIGURATION_ERROR', `Organization ${this.org} has no directory`);
    }
    return chosen.id;
  }

  // The lease: one sync per directory across every instance of the app.

  private async acquireLease(): Promise<void> {
    const ttlMs = this.ctx.settings.leaseTtlMs;
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      if (this.signal.aborted) throw abortError(this.signal);
      const acquired = await this.ctx.adapter.acquireLease({
        name: this.leaseName,
        owner: this.owner,
        ttlMs,
        now: this.ctx.now(),
      });
      if (acquired) break;
      if (Date.now() >= deadline) {
        throw new ScimError('SYNC_LOCKED', `Another sync of ${this.org} is running`, { retryable: true });
      }
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())), this.signal);
    }
    this.leaseTimer = setInterval(() => void this.renewLease(), Math.max(50, Math.floor(ttlMs / 3)));
    this.leaseTimer.unref();
  }

  private async renewLease(): Promise<void> {
    try {
      const held = await this.ctx.adapter.acquireLease({
        name: this.leaseName,
        owner: this.owner,
        ttlMs: this.ctx.settings.leaseTtlMs,
        now: this.ctx.now(),
      });
      if (!held) {
        this.leaseLost = true;
        this.abort.abort(new ScimError('SYNC_LOCKED', 'lease lost'));
      }
    } catch (error) {
      this.ctx.logger.warn('could not renew the sync lease', {
        organizationId: this.org,
        error: error instanceof Error ? error.name : typeof error,
      });
    }
  }

  private async releaseLease(): Promise<void> {
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
    if (this.dryRun || this.leaseName === '') return;
    await this.ctx.adapter.releaseLease(this.leaseName, this.owner).catch(() => undefined);
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

  private async saveFailure(error: unknown, clearCheckpoint: boolean): Promise<void> {
    const message = error instanceof ScimError ? `${error.code}: ${error.message}` : 'sync failed';
    const change: Partial<SyncState> & { checkpoint?: null } = {
      status: 'failed',
      lastFinishedAt: this.ctx.now(),
      lastError: message,
    };
    // Keep the checkpoint (status 'running') so the next run resumes, unless the run was refused.
    if (clearCheckpoint) change.checkpoint = null;
    else if (this.state?.checkpoint) change.status = 'running';
    await this.saveState(change);
  }

  /**
   * Runs `fn` in one transaction, again from the start when it loses a race (a deadlock or a
   * serialization failure, up to `conflictRetries` times): `fn` must keep nothing from a failed
   * attempt, and whatever it counts is added to the report only after the commit.
   */
  private async runInTransaction(fn: (store: ScimStore) => Promise<void>): Promise<void> {
    const { adapter, conflictRetries } = this.ctx;
    if (!adapter.capabilities.transactions) return fn(adapter);
    for (let attempt = 0; ; attempt++) {
      try {
        return await adapter.transaction(fn);
      } catch (error) {
        const conflict = error instanceof AdapterError && error.code === 'TRANSACTION_CONFLICT';
        if (!conflict || attempt >= conflictRetries) throw error;
        this.ctx.logger.debug('sync transaction conflict, retrying', {
          organizationId: this.org,
          attempt: attempt + 1,
        });
        await sleep(Math.random() * 5 * 2 ** attempt, this.signal);
      }
    }
  }

  private runEffects(effects: Effect[]): Promise<void> {
    return runEffects(effects, this.ctx.logger, { organizationId: this.org });
  }

  private plan(kind: 'user' | 'group', id: string, action: PlannedAction): void {
    if (this.report.plan !== undefined && action !== 'unchanged') this.report.plan.push({ kind, id, action });
  }

  // Groups

  private groupPages(client: DirectoryApiClient, updatedAfter: string | undefined) {
    return readAhead<ApiDirectoryGroup>(async (pageToken) => {
      const answer = await this.call(() =>
        client.directory.listDirectoryGroups(this.org, this.directoryId, {
          pageSize: this.ctx.settings.groupPageSize,
          pageToken,
          ...(updatedAfter === undefined ? {} : { updatedAfter }),
        }),
      );
      return { items: answer.groups, next: answer.nextPageToken };
    }, this.readAheadPages());
  }

  /** Two batches of pages: enough to keep the listing busy while a batch is written. */
  private readAheadPages(): number {
    const { batchSize, pageSize } = this.ctx.settings;
    return Math.max(1, Math.ceil(batchSize / pageSize)) + 1;
  }

  private async listGroupIds(client: DirectoryApiClient, seen: Set<string>): Promise<void> {
    for await (const groups of this.groupPages(client, undefined)) {
      for (const group of groups) seen.add(group.id);
    }
  }

  private async syncGroups(client: DirectoryApiClient, updatedAfter: string | undefined, seen: Set<string>) {
    this.phase = 'groups';
    for await (const groups of this.groupPages(client, updatedAfter)) {
      this.report.pages.groups++;
      this.report.groups.listed += groups.length;
      for (const group of groups) seen.add(group.id);
      const size = this.ctx.settings.batchSize;
      for (let i = 0; i < groups.length; i += size) await this.applyGroups(groups.slice(i, i + size));
      this.progress();
    }
  }

  private async applyGroups(groups: ApiDirectoryGroup[]): Promise<void> {
    if (groups.length === 0) return;
    const effects: Effect[] = [];
    const actions = new Map<string, PlannedAction>();
    const written = new Set<string>();
    await this.runInTransaction(async (store) => {
      effects.length = 0;
      actions.clear();
      written.clear();
      const previous = await readEntities(
        store,
        this.org,
        'group',
        groups.map((g) => g.id),
      );
      const advances: EntityAdvance[] = [];
      for (const group of groups) {
        const version = apiVersion(group.updatedAt, this.startedAtNs);
        const prev = previous.get(group.id);
        const action: PlannedAction =
          prev === undefined || prev.deleted
            ? prev !== undefined && prev.version >= version
              ? 'skip'
              : 'create'
            : prev.version >= version
              ? 'unchanged'
              : 'update';
        actions.set(group.id, action);
        if (action === 'create' || action === 'update') {
          advances.push({
            id: group.id,
            version,
            deleted: false,
            active: true,
            fingerprint: null,
            directoryRoles: null,
            eventId: null,
          });
        }
      }
      if (this.dryRun || advances.length === 0) return;
      for (const id of await store.advanceEntities(this.org, 'group', sortById(advances))) written.add(id);
      const writes = groups.filter((g) => written.has(g.id));
      await store.upsertGroups(
        this.org,
        writes.map((g) => ({
          id: g.id,
          organizationId: this.org,
          directoryId: this.directoryId,
          displayName: g.displayName === '' ? null : g.displayName,
          version: apiVersion(g.updatedAt, this.startedAtNs),
        })),
      );
      for (const group of writes) {
        const change = actions.get(group.id) === 'create' ? 'created' : 'updated';
        effects.push(() =>
          this.ctx.hooks.onGroupChanged?.({
            organizationId: this.org,
            change,
            group: { id: group.id, organizationId: this.org, displayName: group.displayName || null },
            affectedUserIds: [],
            source: 'sync',
          }),
        );
      }
    });
    // Counted once committed: a transaction retried after a conflict plans again from scratch.
    for (const { id } of groups) {
      const action = actions.get(id)!;
      this.plan('group', id, action);
      // A dry run counts what it would write; a real run what the version rule let through.
      const applied = this.dryRun || written.has(id);
      if (applied && action === 'create') this.report.groups.created++;
      else if (applied && action === 'update') this.report.groups.updated++;
      else if (action === 'unchanged') this.report.groups.unchanged++;
      else this.report.groups.skipped++;
    }
    await this.runEffects(effects);
  }

  private async deleteGroups(seen: Set<string>): Promise<void> {
    const stale: EntityState[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.ctx.adapter.listEntities(this.org, 'group', { after, limit: 1000 });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      for (const state of page) {
        if (!state.deleted && !seen.has(state.id) && state.version < this.startedAtNs) stale.push(state);
      }
    }
    for (const state of stale) this.plan('group', state.id, 'delete');
    if (this.dryRun) {
      this.report.groups.deleted += stale.length;
      return;
    }
    for (let i = 0; i < stale.length; i += this.ctx.settings.batchSize) {
      const batch = stale.slice(i, i + this.ctx.settings.batchSize);
      const effects: Effect[] = [];
      let deleted = 0;
      await this.runInTransaction(async (store) => {
        effects.length = 0;
        deleted = 0;
        const written = await store.advanceEntities(
          this.org,
          'group',
          batch.map((s) => ({
            id: s.id,
            version: this.startedAtNs,
            deleted: true,
            active: false,
            fingerprint: null,
            directoryRoles: null,
            eventId: null,
          })),
        );
        if (written.length === 0) return;
        const removed = await store.removeGroupMemberships(this.org, written);
        const stored = await store.getGroups(this.org, written);
        await store.deleteGroups(this.org, written);
        deleted = written.length;
        for (const group of stored) {
          effects.push(() =>
            this.ctx.hooks.onGroupChanged?.({
              organizationId: this.org,
              change: 'deleted',
              group,
              affectedUserIds: removed.filter((m) => m.groupId === group.id).map((m) => m.userId),
              source: 'sync',
            }),
          );
        }
      });
      this.report.groups.deleted += deleted;
      await this.runEffects(effects);
    }
  }

  // Users

  private async syncUsers(
    client: DirectoryApiClient,
    updatedAfter: string | undefined,
    seen: Set<string>,
    checkpoint: Checkpoint,
  ): Promise<void> {
    this.phase = 'users';
    const pages = readAhead<ListedUser>(async (pageToken) => {
      const answer = await this.call(() =>
        client.directory.listDirectoryUsers(this.org, this.directoryId, {
          pageSize: this.ctx.settings.pageSize,
          pageToken,
          includeDetail: this.ctx.settings.includeDetail,
          ...(updatedAfter === undefined ? {} : { updatedAfter }),
        }),
      );
      // Converted as soon as the page arrives: the SDK's message objects then die young, instead of
      // waiting in the queue and the batch long enough to be promoted to the old generation (about
      // 1.5 KB a user, which made the heap of a 100,000-user sync grow by 150 MB of garbage).
      const items = answer.users.map((u) => ({
        user: apiUserToDirectoryUser(u, this.org),
        version: apiVersion(u.updatedAt, this.startedAtNs),
      }));
      return { items, next: answer.nextPageToken };
    }, this.readAheadPages());
    const resumeAfter = checkpoint.userPages;
    const size = this.ctx.settings.batchSize;
    const pipeline = new BatchPipeline(this.userConcurrency());
    const frontier = new PageFrontier(resumeAfter);
    // One checkpoint write at a time, each with the latest committed page: out of order, an older
    // checkpoint could overwrite a newer one.
    let saving: Promise<void> = Promise.resolve();
    const saveCheckpoint = () => {
      saving = saving.then(async () => {
        const committed = frontier.committed();
        if (committed <= checkpoint.userPages) return;
        checkpoint.userPages = committed;
        await this.saveState({ checkpoint });
      });
      return saving;
    };
    const submit = async (users: ListedUser[]) => {
      if (this.signal.aborted) throw abortError(this.signal);
      const batch = frontier.startBatch(users.length);
      return pipeline.submit(async () => {
        await this.applyUsers(users);
        frontier.commitBatch(batch);
        await saveCheckpoint();
      });
    };
    let pageIndex = 0;
    let pending: ListedUser[] = [];
    try {
      for await (const users of pages) {
        pageIndex++;
        this.report.pages.users++;
        this.report.users.listed += users.length;
        for (const { user } of users) seen.add(user.id);
        // Pages an interrupted run already committed are only listed again, to know who exists.
        if (pageIndex <= resumeAfter) continue;
        frontier.listPage(pageIndex, users.length);
        for (const user of users) pending.push(user);
        // Batches of exactly `batchSize` users (which the adapter's `maxBatchSize` bounds); a page
        // may straddle two of them, and the checkpoint passes it once both have committed.
        while (pending.length >= size) {
          await submit(pending.slice(0, size));
          pending = pending.slice(size);
        }
        this.progress();
      }
      if (pending.length > 0) await submit(pending);
      await pipeline.drain();
      await saveCheckpoint();
    } finally {
      // Whatever ended the listing, batches in flight finish (their commits are kept and counted)
      // and the checkpoint records them before the failure is reported.
      await pipeline.settle();
      await saveCheckpoint().catch(() => undefined);
    }
  }

  /**
   * User batches written at once, each in its own transaction. One without transactions (each write
   * then stands alone) and in a dry run (whose plan lists users in listing order).
   */
  private userConcurrency(): number {
    if (this.dryRun || !this.ctx.adapter.capabilities.transactions) return 1;
    return this.ctx.settings.concurrency;
  }

  private async applyUsers(users: ListedUser[]): Promise<void> {
    if (this.signal.aborted) throw abortError(this.signal);
    const effects: Effect[] = [];
    const changes: PlannedChange[] = [];
    const counts = { created: 0, updated: 0, reactivated: 0, unchanged: 0, skipped: 0, memberships: 0 };
    await this.runInTransaction(async (store) => {
      effects.length = 0;
      changes.length = 0;
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] = 0;
      const previous = await readEntities(
        store,
        this.org,
        'user',
        users.map((u) => u.user.id),
      );
      const groupIdSet = new Set<string>();
      for (const { user } of users) if (user.groups !== undefined) for (const g of user.groups) groupIdSet.add(g.id);
      const groupIds = [...groupIdSet];
      const deletedGroups = new Set(
        groupIds.length === 0
          ? []
          : (await store.getEntities(this.org, 'group', groupIds)).filter((s) => s.deleted).map((s) => s.id),
      );

      const planned: { user: DirectoryUser; version: bigint; action: PlannedAction; prev: EntityState | undefined }[] =
        [];
      const advances: EntityAdvance[] = [];
      for (const { user: listed, version } of users) {
        // A copy: a retried attempt starts again from the user as listed.
        const user =
          deletedGroups.size > 0 && listed.groups !== undefined
            ? { ...listed, groups: listed.groups.filter((g) => !deletedGroups.has(g.id)) }
            : listed;
        const prev = previous.get(user.id);
        const active = user.active ?? true;
        const fingerprint = userFingerprint(user, active);
        let action: PlannedAction;
        if (prev === undefined) action = active ? 'create' : 'skip';
        // The stored record is this very version of the directory's (a webhook brought it): unchanged,
        // whatever the fingerprint says (a listing without detail carries fewer fields than an event).
        else if (prev.version === version) action = 'unchanged';
        else if (prev.version > version) action = prev.fingerprint === fingerprint ? 'unchanged' : 'skip';
        else if (prev.deleted || !prev.active) action = active ? 'reactivate' : 'unchanged';
        else if (prev.fingerprint === fingerprint) action = 'unchanged';
        else action = 'update';
        if (action !== 'unchanged') changes.push({ kind: 'user', id: user.id, action });
        planned.push({ user, version, action, prev });
        if (action === 'create' || action === 'update' || action === 'reactivate') {
          advances.push({
            id: user.id,
            version,
            deleted: false,
            active,
            fingerprint,
            directoryRoles: prev?.directoryRoles ?? null,
            eventId: null,
          });
        }
      }
      if (this.dryRun || advances.length === 0) {
        for (const { action } of planned) {
          if (action === 'create') counts.created++;
          else if (action === 'update') counts.updated++;
          else if (action === 'reactivate') counts.reactivated++;
          else if (action === 'unchanged') counts.unchanged++;
          else counts.skipped++;
        }
        return;
      }

      const written = new Set(await store.advanceEntities(this.org, 'user', sortById(advances)));
      const applied = planned.filter((p) => written.has(p.user.id));
      const refs = new Map<string, DirectoryGroupRef>();
      for (const { user } of applied) for (const g of user.groups ?? []) refs.set(g.id, g);
      if (refs.size > 0) await store.ensureGroups(this.org, sortById([...refs.values()]));
      await store.replaceMemberships(
        this.org,
        applied.map(({ user }) => ({ userId: user.id, groupIds: (user.groups ?? []).map((g) => g.id) })),
      );
      counts.memberships += applied.length;
      const names = await this.groupNames(store, refs);
      const mapRoles = this.ctx.roles;
      const writes: UserWrite[] = applied.map(({ user, version, prev }) => {
        const directoryRoles = prev?.directoryRoles ?? null;
        let roles: string[];
        if (mapRoles === null) roles = directoryRoles ?? [];
        else {
          // Role mappings match on the names the store knows (a rename may not have reached the listing).
          const groups = (user.groups ?? []).map((g) => ({ id: g.id, displayName: names.get(g.id) ?? g.displayName }));
          roles = mergeRoles(directoryRoles ?? undefined, mapRoles(user, groups));
        }
        return toUserWrite(user, user.active ?? true, version, roles);
      });
      await store.upsertUsers(this.org, writes);

      const writeOf = new Map(writes.map((w) => [w.id, w]));
      for (const p of planned) {
        const write = writeOf.get(p.user.id);
        if (write === undefined) {
          if (p.action === 'unchanged') counts.unchanged++;
          else counts.skipped++;
          continue;
        }
        if (p.action === 'create') counts.created++;
        else if (p.action === 'reactivate') counts.reactivated++;
        else counts.updated++;
        const hook = p.action === 'update' ? this.ctx.hooks.onUserUpdated : this.ctx.hooks.onUserProvisioned;
        if (hook !== undefined) effects.push(() => hook({ organizationId: this.org, user: write, source: 'sync' }));
      }
    });
    this.report.users.created += counts.created;
    this.report.users.updated += counts.updated;
    this.report.users.reactivated += counts.reactivated;
    this.report.users.unchanged += counts.unchanged;
    this.report.users.skipped += counts.skipped;
    this.report.memberships += counts.memberships;
    this.report.plan?.push(...changes);
    // Hooks run one at a time, as batches commit, whatever the number of batches in flight.
    const hooks = this.userHooks.then(() => this.runEffects(effects));
    this.userHooks = hooks;
    await hooks;
  }

  /** Display names of groups as the store knows them (role mappings match on names). */
  private async groupNames(
    store: ScimStore,
    refs: Map<string, DirectoryGroupRef>,
  ): Promise<Map<string, string | null>> {
    if (this.ctx.roles === null || refs.size === 0) return new Map();
    const stored = await store.getGroups(this.org, [...refs.keys()]);
    return new Map(stored.map((g) => [g.id, g.displayName]));
  }

  /**
   * Users the store holds as active that a complete listing did not return. Only reached after
   * the whole listing succeeded: a partial listing never deprovisions anyone.
   */
  private async deprovisionUsers(seen: Set<string>): Promise<void> {
    const candidates: EntityState[] = [];
    let activeUsers = 0;
    let after: string | undefined;
    for (;;) {
      if (this.signal.aborted) throw abortError(this.signal);
      const page = await this.ctx.adapter.listEntities(this.org, 'user', { after, limit: 1000 });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      for (const state of page) {
        if (state.deleted || !state.active) continue;
        activeUsers++;
        if (!seen.has(state.id) && state.version < this.startedAtNs) candidates.push(state);
      }
    }
    const { maxDeprovisionShare, guardMinUsers } = this.ctx.settings;
    if (
      !this.options.force &&
      activeUsers >= guardMinUsers &&
      candidates.length > 0 &&
      candidates.length / activeUsers > maxDeprovisionShare
    ) {
      throw new SyncGuardError(this.report, candidates.length, activeUsers, maxDeprovisionShare);
    }

    for (let i = 0; i < candidates.length; i += this.ctx.settings.batchSize) {
      const batch = candidates.slice(i, i + this.ctx.settings.batchSize);
      const actions = await Promise.all(
        batch.map((prev) =>
          decideDeprovision(this.ctx.deprovision, {
            organizationId: this.org,
            userId: prev.id,
            reason: 'deleted',
            previous: prev,
          }),
        ),
      );
      if (this.dryRun) {
        batch.forEach((prev, j) => {
          const action = actions[j]!;
          if (action === 'keep') return;
          this.plan('user', prev.id, action === 'delete' ? 'delete' : 'deactivate');
          if (action === 'delete') this.report.users.deleted++;
          else this.report.users.deactivated++;
        });
        continue;
      }
      const effects: Effect[] = [];
      let deactivated = 0;
      let deleted = 0;
      await this.runInTransaction(async (store) => {
        effects.length = 0;
        deactivated = 0;
        deleted = 0;
        const written = new Set(
          await store.advanceEntities(
            this.org,
            'user',
            batch.map((prev, j) => ({
              id: prev.id,
              version: this.startedAtNs,
              deleted: true,
              active: actions[j] === 'keep' ? prev.active : false,
              fingerprint: null,
              directoryRoles: null,
              eventId: null,
            })),
          ),
        );
        const toDelete: string[] = [];
        const toDeactivate: string[] = [];
        batch.forEach((prev, j) => {
          if (!written.has(prev.id)) return;
          const action = actions[j]!;
          if (action === 'keep') return;
          (action === 'delete' ? toDelete : toDeactivate).push(prev.id);
          effects.push(() =>
            this.ctx.hooks.onUserDeprovisioned?.({
              organizationId: this.org,
              userId: prev.id,
              action,
              reason: 'deleted',
              source: 'sync',
            }),
          );
        });
        const ids = [...written];
        if (ids.length > 0) {
          await store.replaceMemberships(
            this.org,
            ids.map((userId) => ({ userId, groupIds: [] })),
          );
        }
        if (toDelete.length > 0) await store.deleteUsers(this.org, toDelete);
        if (toDeactivate.length > 0) {
          await store.patchUsers(
            this.org,
            toDeactivate.map((id) => ({ id, active: false })),
          );
        }
        deactivated = toDeactivate.length;
        deleted = toDelete.length;
      });
      this.report.users.deactivated += deactivated;
      this.report.users.deleted += deleted;
      await this.runEffects(effects);
      this.progress();
    }
  }
}
