import type { EntityState } from '../adapter/contract.js';
import type { GroupChange } from '../apply/changes.js';
import { readAhead } from './read-ahead.js';
import { countGroups } from './report.js';
import type { SyncScope } from './scope.js';
import { apiVersion } from './source.js';
import type { ApiDirectoryGroup } from './types.js';

function groupPages(scope: SyncScope, updatedAfter: string | undefined) {
  const { client, ctx } = scope;
  return readAhead<ApiDirectoryGroup>(async (pageToken) => {
    const answer = await scope.call(() =>
      client.directory.listDirectoryGroups(scope.org, scope.directoryId, {
        pageSize: ctx.settings.groupPageSize,
        pageToken,
        ...(updatedAfter === undefined ? {} : { updatedAfter }),
      }),
    );
    return { items: () => answer.groups, next: answer.nextPageToken };
  }, scope.readAheadPages(ctx.settings.groupPageSize));
}

/** A resumed run re-lists the groups it already applied, only to know which still exist. */
export async function listGroupIds(scope: SyncScope, seen: Set<string>): Promise<void> {
  for await (const groups of groupPages(scope, undefined)) for (const group of groups) seen.add(group.id);
}

/** Lists the directory's groups and applies them page by page, in batches. */
export async function syncGroups(scope: SyncScope, updatedAfter: string | undefined, seen: Set<string>): Promise<void> {
  const size = scope.ctx.settings.batchSize;
  for await (const groups of groupPages(scope, updatedAfter)) {
    scope.report.pages.groups++;
    scope.report.groups.listed += groups.length;
    for (const group of groups) seen.add(group.id);
    for (let i = 0; i < groups.length; i += size) {
      await applyGroups(
        scope,
        groups.slice(i, i + size).map((g) => ({
          type: 'group',
          group: {
            id: g.id,
            organizationId: scope.org,
            directoryId: scope.directoryId,
            displayName: g.displayName === '' ? null : g.displayName,
          },
          version: apiVersion(g.updatedAt, scope.startedAtNs),
          eventId: null,
        })),
      );
    }
    scope.progress('groups');
  }
}

/** Groups the store holds that a complete listing did not return: deleted, with their memberships. */
export async function deleteUnlistedGroups(scope: SyncScope, seen: Set<string>): Promise<void> {
  const stale: EntityState[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await scope.ctx.adapter.listEntities(scope.org, 'group', { after, limit: listLimit(scope) });
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    for (const state of page) {
      if (!state.deleted && !seen.has(state.id) && state.version < scope.startedAtNs) stale.push(state);
    }
  }
  const size = scope.ctx.settings.batchSize;
  for (let i = 0; i < stale.length; i += size) {
    await applyGroups(
      scope,
      stale
        .slice(i, i + size)
        .map((s) => ({ type: 'group-removed', groupId: s.id, version: scope.startedAtNs, eventId: null })),
    );
  }
}

async function applyGroups(scope: SyncScope, changes: GroupChange[]): Promise<void> {
  scope.checkAborted();
  const { applier } = scope.ctx;
  if (scope.dryRun) {
    const steps = await applier.planGroups(scope.readScope(), changes);
    countGroups(
      scope.report,
      steps,
      steps.map(() => false),
    );
    return;
  }
  const applied = await scope.transaction((at) => applier.groups(at, changes));
  // Counted once committed: a transaction retried after a conflict plans again from scratch.
  countGroups(scope.report, applied.steps, applied.written);
  await scope.hooks(applied.effects);
}

export function listLimit(scope: SyncScope): number {
  return Math.min(1000, scope.ctx.adapter.capabilities.maxBatchSize);
}
