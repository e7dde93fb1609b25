import type { StoredGroup } from '../adapter/contract.js';
import type { GroupChange, UserChange } from './changes.js';
import type { Effect } from './effects.js';
import type { GroupStep } from './plan-groups.js';
import type { UserStep } from './plan-users.js';
import type { ScimHooks, WriteSource } from './types.js';

/** The app hook a user step calls for, bound to its payload, to run after the commit. */
export function userHookCalls(
  hooks: ScimHooks,
  organizationId: string,
  step: UserStep,
  change: UserChange,
  source: WriteSource,
): Effect[] {
  const hook = step.hook;
  if (hook === null) return [];
  const event = change.event === undefined ? {} : { event: change.event };
  if (hook.kind === 'deprovisioned') {
    const payload = { organizationId, userId: step.userId, action: hook.action, reason: hook.reason, source, ...event };
    return hooks.onUserDeprovisioned ? [() => hooks.onUserDeprovisioned?.(payload)] : [];
  }
  const user = step.write!;
  if (hook.kind === 'provisioned') {
    const payload = { organizationId, user, change: hook.change, source, ...event };
    return hooks.onUserProvisioned ? [() => hooks.onUserProvisioned?.(payload)] : [];
  }
  const payload = { organizationId, user, source, ...event };
  return hooks.onUserUpdated ? [() => hooks.onUserUpdated?.(payload)] : [];
}

/**
 * `onGroupChanged` for an applied group step. A removal that comes without the group (a sync's) is told
 * with the stored row; `affectedUserIds` are the users whose memberships or roles the change touched.
 */
export function groupHookCalls(
  hooks: ScimHooks,
  organizationId: string,
  step: GroupStep,
  change: GroupChange,
  source: WriteSource,
  facts: { stored: StoredGroup | undefined; affectedUserIds: string[] },
): Effect[] {
  if (hooks.onGroupChanged === undefined || step.action === 'stale') return [];
  const group =
    change.type === 'group' ? change.group : (change.group ?? facts.stored ?? { id: step.groupId, organizationId });
  const payload = {
    organizationId,
    change:
      step.action === 'delete'
        ? ('deleted' as const)
        : step.action === 'create'
          ? ('created' as const)
          : ('updated' as const),
    group,
    affectedUserIds: facts.affectedUserIds,
    source,
    ...(change.event === undefined ? {} : { event: change.event }),
  };
  return [() => hooks.onGroupChanged?.(payload)];
}
