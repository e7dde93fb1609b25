import type { EntityState } from '../adapter/contract.js';
import type { UserRemoval } from '../apply/changes.js';
import { listLimit } from './groups-phase.js';
import { guardAllows, SyncGuardError } from './guard.js';
import { countUsers } from './report.js';
import type { SyncScope } from './scope.js';

/**
 * Users the store holds (active or not, not deleted) that a complete listing did not return: removed
 * through the apply path, as a `user_deleted` event would remove them. Only reached after the whole
 * listing succeeded: a partial listing never deprovisions anyone. The guard counts active users only:
 * it stops a sync that would take access from more than `maxDeprovisionShare` of them.
 */
export async function removeUnlistedUsers(scope: SyncScope, seen: Set<string>, force: boolean): Promise<void> {
  const { ctx } = scope;
  const candidates: EntityState[] = [];
  let activeUsers = 0;
  let activeCandidates = 0;
  let after: string | undefined;
  for (;;) {
    scope.checkAborted();
    const page = await ctx.adapter.listEntities(scope.org, 'user', { after, limit: listLimit(scope) });
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    for (const state of page) {
      if (state.deleted) continue;
      if (state.active) activeUsers++;
      if (seen.has(state.id) || state.version >= scope.startedAtNs) continue;
      candidates.push(state);
      if (state.active) activeCandidates++;
    }
  }
  if (!force && !guardAllows(activeCandidates, activeUsers, ctx.settings)) {
    throw new SyncGuardError(scope.report, activeCandidates, activeUsers, ctx.settings.maxDeprovisionShare);
  }
  const size = ctx.settings.batchSize;
  for (let i = 0; i < candidates.length; i += size) {
    scope.checkAborted();
    const changes = candidates
      .slice(i, i + size)
      .map((s): UserRemoval => ({ type: 'user-removed', userId: s.id, version: scope.startedAtNs, eventId: null }));
    if (scope.dryRun) {
      const steps = await ctx.applier.planUsers(ctx.adapter, scope.org, changes, 'sync');
      countUsers(
        scope.report,
        steps,
        steps.map(() => false),
      );
      continue;
    }
    const applied = await scope.transaction((store) => ctx.applier.users(store, scope.org, changes, 'sync'));
    countUsers(scope.report, applied.steps, applied.written);
    await scope.hooks(applied.effects);
    scope.progress('deprovision');
  }
}
