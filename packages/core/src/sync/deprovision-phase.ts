import type { UserRemoval } from '../apply/changes.js';
import { listLimit } from './groups-phase.js';
import { guardAllows, SyncGuardError } from './guard.js';
import { countUsers } from './report.js';
import type { SyncScope } from './scope.js';

/** The users the store held when a full sync began: who may be missing from its listing. */
export interface UserScan {
  /** Users that were not deleted, older than the sync, with whether each was active. */
  users: Map<string, boolean>;
  activeUsers: number;
}

/**
 * Reads every version record of the organization's users, page by page. A full sync runs it beside the
 * listing rather than after it, so that against a far-away API its time hides behind the round trips.
 * A user a webhook writes during the sync, older than the sync and missing from its listing, is then
 * left to the next full sync.
 */
export async function scanUsers(scope: SyncScope): Promise<UserScan> {
  const users = new Map<string, boolean>();
  let activeUsers = 0;
  let after: string | undefined;
  for (;;) {
    scope.checkAborted();
    const page = await scope.ctx.adapter.listEntities(scope.org, 'user', { after, limit: listLimit(scope) });
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    for (const state of page) {
      if (state.deleted) continue;
      if (state.active) activeUsers++;
      if (state.version < scope.startedAtNs) users.set(state.id, state.active);
    }
  }
  return { users, activeUsers };
}

/**
 * Users the store held (active or not, not deleted) that the complete listing did not return: removed
 * through the apply path, as a `user_deleted` event would remove them. Only reached after the whole
 * listing succeeded: a partial listing never deprovisions anyone. The guard counts active users only:
 * it stops a sync that would take access from more than `maxDeprovisionShare` of them.
 */
export async function removeUnlistedUsers(
  scope: SyncScope,
  seen: ReadonlySet<string>,
  force: boolean,
  scan: UserScan,
): Promise<void> {
  const { ctx } = scope;
  const candidates: string[] = [];
  let activeCandidates = 0;
  for (const [id, active] of scan.users) {
    if (seen.has(id)) continue;
    candidates.push(id);
    if (active) activeCandidates++;
  }
  // Removals are written in id order, as the scan listed them.
  if (!force && !guardAllows(activeCandidates, scan.activeUsers, ctx.settings)) {
    throw new SyncGuardError(scope.report, activeCandidates, scan.activeUsers, ctx.settings.maxDeprovisionShare);
  }
  const size = ctx.settings.batchSize;
  for (let i = 0; i < candidates.length; i += size) {
    scope.checkAborted();
    const changes = candidates
      .slice(i, i + size)
      .map((userId): UserRemoval => ({ type: 'user-removed', userId, version: scope.startedAtNs, eventId: null }));
    if (scope.dryRun) {
      const steps = await ctx.applier.planUsers(scope.readScope(), changes);
      countUsers(
        scope.report,
        steps,
        steps.map(() => false),
      );
      continue;
    }
    const applied = await scope.transaction((at) => ctx.applier.users(at, changes));
    countUsers(scope.report, applied.steps, applied.written);
    await scope.hooks(applied.effects);
    scope.progress('deprovision');
  }
}
