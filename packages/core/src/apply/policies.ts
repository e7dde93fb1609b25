import { ScimError } from '../errors.js';
import type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';
import type { DeprovisionAction, DeprovisionContext, DeprovisionPolicy, GroupRoleMapping } from './types.js';

/** The compiled group -> role option. */
export type RoleMapper = (user: DirectoryUser, groups: DirectoryGroupRef[]) => string[];

/**
 * The policy's answer for one user. A policy function that throws or answers something else is the
 * app's configuration mistake: a `CONFIGURATION_ERROR`, which no retry of the same change fixes.
 */
export async function decideDeprovision(
  policy: DeprovisionPolicy,
  context: DeprovisionContext,
): Promise<DeprovisionAction> {
  if (policy === 'deactivate') return 'deactivate';
  if (policy === 'delete') return context.reason === 'deleted' ? 'delete' : 'deactivate';
  let action: unknown;
  try {
    action = await policy(context);
  } catch (error) {
    throw new ScimError('CONFIGURATION_ERROR', `The deprovision policy threw for user ${context.userId}`, {
      cause: error,
    });
  }
  if (action !== 'deactivate' && action !== 'delete' && action !== 'keep') {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `The deprovision policy answered ${JSON.stringify(action) ?? String(action)} for user ${context.userId}; expected 'deactivate', 'delete' or 'keep'`,
    );
  }
  return action;
}

/** Compiles the group -> role option into one function. */
export function compileRoleMapping(
  mapping: GroupRoleMapping | undefined,
  defaultRoles: readonly string[] | undefined,
): RoleMapper | null {
  if (mapping === undefined && defaultRoles === undefined) return null;
  let mapped: (user: DirectoryUser, groups: DirectoryGroupRef[]) => readonly string[];
  if (mapping === undefined) {
    mapped = () => [];
  } else if (typeof mapping === 'function') {
    mapped = (user, groups) => {
      let roles: unknown;
      try {
        roles = mapping({ user, groups });
      } catch (error) {
        throw new ScimError('CONFIGURATION_ERROR', `The group role mapping threw for user ${user.id}`, {
          cause: error,
        });
      }
      if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string')) {
        throw new ScimError(
          'CONFIGURATION_ERROR',
          `The group role mapping must return an array of role names (user ${user.id})`,
        );
      }
      return roles as readonly string[];
    };
  } else {
    const byId = new Map<string, readonly string[]>();
    const byName = new Map<string, readonly string[]>();
    for (const [name, roles] of Object.entries(mapping)) {
      const list = typeof roles === 'string' ? [roles] : roles;
      if (!Array.isArray(list) || list.some((role) => typeof role !== 'string')) {
        throw new ScimError('CONFIGURATION_ERROR', `groupRoles['${name}'] must be a role name or an array of them`);
      }
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
