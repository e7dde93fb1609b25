import type { UserUpsert } from '../apply/changes.js';
import { isPermanentFailure } from '../errors.js';
import { describeError, rejectionReason } from '../log-error.js';
import { BatchPipeline } from './batch-pipeline.js';
import type { Checkpoint } from './checkpoint.js';
import { PageFrontier } from './page-frontier.js';
import { readAhead } from './read-ahead.js';
import { countUsers } from './report.js';
import type { SyncScope } from './scope.js';
import { apiUserToDirectoryUser, apiVersion } from './source.js';

/**
 * Lists the directory's users and applies them in batches of `batchSize`, up to `concurrency` batches
 * in flight while the listing goes on. The checkpoint moves past a page once all the batches holding
 * its users have committed, so a resumed sync never skips a user; pages a resumed run already
 * committed are only listed again, to know who exists.
 */
export async function syncUsers(
  scope: SyncScope,
  updatedAfter: string | undefined,
  seen: Set<string>,
  checkpoint: Checkpoint,
): Promise<void> {
  const { ctx, client, org } = scope;
  const pages = readAhead<UserUpsert>(async (pageToken) => {
    const answer = await scope.call(() =>
      client.directory.listDirectoryUsers(org, scope.directoryId, {
        pageSize: ctx.settings.pageSize,
        pageToken,
        includeDetail: ctx.settings.includeDetail,
        ...(updatedAfter === undefined ? {} : { updatedAfter }),
      }),
    );
    scope.usersTotal = answer.totalSize;
    // Converted as soon as the next page is asked for: the SDK's message objects then die young,
    // instead of waiting in the queue and the batch long enough to be promoted to the old generation
    // (about 1.5 KB a user, which made the heap of a 100,000-user sync grow by 150 MB of garbage).
    const items = () =>
      answer.users.map(
        (u): UserUpsert => ({
          type: 'user',
          user: apiUserToDirectoryUser(u, org),
          version: apiVersion(u.updatedAt, scope.startedAtNs),
          eventId: null,
        }),
      );
    return { items, next: answer.nextPageToken };
  }, scope.readAheadPages(ctx.settings.pageSize));

  const resumeAfter = checkpoint.userPages;
  const size = ctx.settings.batchSize;
  // A dry run plans in listing order; without transactions each write stands alone: one batch at a time.
  const pipeline = new BatchPipeline(
    scope.dryRun || !ctx.adapter.capabilities.transactions ? 1 : ctx.settings.concurrency,
  );
  const frontier = new PageFrontier(resumeAfter);
  // One checkpoint write at a time, each with the latest committed page: out of order, an older
  // checkpoint could overwrite a newer one.
  let saving: Promise<void> = Promise.resolve();
  const saveCheckpoint = () => {
    saving = saving.then(async () => {
      const committed = frontier.committed();
      if (committed <= checkpoint.userPages) return;
      checkpoint.userPages = committed;
      await scope.saveCheckpoint(checkpoint);
    });
    return saving;
  };
  const submit = async (changes: UserUpsert[]) => {
    scope.checkAborted();
    const batch = frontier.startBatch(changes.length);
    return pipeline.submit(async () => {
      await applyUsers(scope, changes);
      frontier.commitBatch(batch);
      await saveCheckpoint();
    });
  };
  let pageIndex = 0;
  let pending: UserUpsert[] = [];
  try {
    for await (const changes of pages) {
      pageIndex++;
      scope.report.pages.users++;
      scope.report.users.listed += changes.length;
      for (const { user } of changes) seen.add(user.id);
      if (pageIndex <= resumeAfter) continue;
      frontier.listPage(pageIndex, changes.length);
      for (const change of changes) pending.push(change);
      // Batches of exactly `batchSize` users (which the adapter's `maxBatchSize` bounds); a page may
      // straddle two of them, and the checkpoint passes it once both have committed.
      while (pending.length >= size) {
        await submit(pending.slice(0, size));
        pending = pending.slice(size);
      }
      scope.progress('users');
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

async function applyUsers(scope: SyncScope, changes: UserUpsert[]): Promise<void> {
  scope.checkAborted();
  const { applier } = scope.ctx;
  if (scope.dryRun) {
    const steps = await applier.planUsers(scope.readScope(), changes);
    countUsers(
      scope.report,
      steps,
      steps.map(() => false),
    );
    return;
  }
  try {
    const applied = await scope.transaction((at) => applier.users(at, changes));
    // Counted once committed: a transaction retried after a conflict plans again from scratch.
    countUsers(scope.report, applied.steps, applied.written);
    await scope.hooks(applied.effects);
  } catch (error) {
    if (!isPermanentFailure(error)) throw error;
    if (changes.length === 1) return rejected(scope, changes[0]!, error);
    // Someone in the batch was refused for good: each user again on its own, so only the refused stay out.
    for (const change of changes) await applyAlone(scope, change);
  }
}

async function applyAlone(scope: SyncScope, change: UserUpsert): Promise<void> {
  try {
    const applied = await scope.transaction((at) => scope.ctx.applier.users(at, [change]));
    countUsers(scope.report, applied.steps, applied.written);
    await scope.hooks(applied.effects);
  } catch (error) {
    if (!isPermanentFailure(error)) throw error;
    rejected(scope, change, error);
  }
}

/** A user the app refused for good: reported and logged; its version record was not written, so the next sync tries it again. */
function rejected(scope: SyncScope, change: UserUpsert, error: unknown): void {
  scope.report.users.rejected++;
  scope.report.rejected.push({ userId: change.user.id, reason: rejectionReason(error) });
  scope.ctx.logger.warn('sync: user rejected by the app; tried again by the next sync', {
    organizationId: scope.org,
    userId: change.user.id,
    ...describeError(error),
  });
}
