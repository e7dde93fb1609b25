import type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';
import type { DeprovisionAction, DeprovisionContext, DeprovisionPolicy, GroupRoleMapping } from './types.js';

export async function decideDeprovision(
  policy: DeprovisionPolicy,
  context: DeprovisionContext,
): Promise<DeprovisionAction> {
  if (policy === 'deactivate') return 'deactivate';
  if (policy === 'delete') return context.reason === 'deleted' ? 'delete' : 'deactivate';
  const action = await policy(context);
  if (action !== 'deactivate' && action !== 'delete' && action !== 'keep') {
    throw new TypeError(`deprovision policy returned ${String(action)}; expected 'deactivate', 'delete' or 'keep'`);
  }
  return action;
}

/** Compiles the group -> role option into one function. */
export function compileRoleMapping(
  mapping: GroupRoleMapping | undefined,
  defaultRoles: readonly string[] | undefined,
): ((user: DirectoryUser, groups: DirectoryGroupRef[]) => string[]) | null {
  if (mapping === undefined && defaultRoles === undefined) return null;
  let mapped: (user: DirectoryUser, groups: DirectoryGroupRef[]) => readonly string[];
  if (mapping === undefined) {
    mapped = () => [];
  } else if (typeof mapping === 'function') {
    mapped = (user, groups) => mapping({ user, groups });
  } else {
    const byId = new Map<string, readonly string[]>();
    const byName = new Map<string, readonly string[]>();
    for (const [name, roles] of Object.entries(mapping)) {
      const list = typeof roles === 'string' ? [roles] : roles;
      byId.set(name, list);
      byName.set(name.toLowerCase(), list);
    }
    mapped = (_user, groups) => {
      const out: string[] = [];
      for (const group of groups) {
        const roles =
          byId.get(group.id) ?? (group.displayName ? byName.get(group.displayName.toLowerCase()) : undefined);
        if (roles !== undefined) out.push(...roles);
      }
      return out;
    };
  }
  return (user, groups) => {
    const roles = [...mapped(user, groups)];
    if (roles.length === 0 && defaultRoles !== undefined) roles.push(...defaultRoles);
    return roles;
  };
}

/** Directory roles first, then mapped ones, without repeats. */
export function mergeRoles(directoryRoles: readonly string[] | undefined, mapped: readonly string[]): string[] {
  return [...new Set([...(directoryRoles ?? []), ...mapped])];
}
