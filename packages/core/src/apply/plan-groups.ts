import type { EntityAdvance, EntityState, GroupWrite, Membership } from '../adapter/contract.js';
import { type GroupChange, groupIdOf } from './changes.js';
import { mergeRoles, type RoleMapper } from './policies.js';
import { isNewer } from './versions.js';

/** The group rules, as pure functions (see `plan-users.ts` for the users'). */

export type GroupAction = 'create' | 'update' | 'delete' | 'stale';

export interface GroupStep {
  index: number;
  groupId: string;
  action: GroupAction;
  /** The version record to write; null for a stale change. The other writes depend on it being written. */
  advance: EntityAdvance | null;
  /** The group's row, for a create or an update. */
  write: GroupWrite | undefined;
  /** A stale change to a group that exists (not a tombstone): nothing to do, and nothing missed. */
  upToDate: boolean;
  /** The version of the group's record the plan read (null: none); the write holds only if it still is. */
  read: bigint | null;
}

/**
 * Creates, updates and deletions of groups, newest first per group: a change applies under the same
 * version rule as a user's, a deletion leaves a tombstone that keeps the group from coming back
 * through an older change (a user naming it included).
 */
export function planGroups(
  organizationId: string,
  changes: readonly GroupChange[],
  previous: ReadonlyMap<string, EntityState>,
): GroupStep[] {
  const winner = new Map<string, number>();
  changes.forEach((change, index) => {
    const id = groupIdOf(change);
    const current = winner.get(id);
    if (current === undefined || changes[current]!.version <= change.version) winner.set(id, index);
  });
  return changes.map((change, index) => {
    const groupId = groupIdOf(change);
    const prev = previous.get(groupId);
    if (winner.get(groupId) !== index || !isNewer(prev, change.version, change.eventId)) {
      return {
        index,
        groupId,
        action: 'stale',
        advance: null,
        write: undefined,
        upToDate: prev !== undefined && !prev.deleted,
        read: prev?.version ?? null,
      };
    }
    const removing = change.type === 'group-removed';
    const advance: EntityAdvance = {
      id: groupId,
      version: change.version,
      deleted: removing,
      active: !removing,
      fingerprint: null,
      directoryRoles: null,
      eventId: change.eventId,
    };
    const read = prev?.version ?? null;
    if (removing) return { index, groupId, action: 'delete', advance, write: undefined, upToDate: false, read };
    const { group } = change;
    return {
      index,
      groupId,
      action: prev === undefined || prev.deleted ? 'create' : 'update',
      advance,
      write: {
        id: groupId,
        organizationId,
        directoryId: group.directoryId,
        displayName: group.displayName,
        externalId: group.externalId,
        version: change.version,
      },
      upToDate: false,
      read,
    };
  });
}

/**
 * Roles of users who just lost groups: a role a deleted group granted goes with it, not at the user's
 * next change. The mapping sees only the user's id, as no directory record comes with a group deletion.
 */
export function remappedRoles(
  organizationId: string,
  users: readonly EntityState[],
  memberships: readonly Membership[],
  names: ReadonlyMap<string, string | null>,
  mapping: RoleMapper,
): { id: string; roles: string[]; active: boolean; version: bigint }[] {
  const groupsOf = new Map<string, { id: string; displayName: string | null }[]>();
  for (const m of memberships) {
    const group = { id: m.groupId, displayName: names.get(m.groupId) ?? null };
    const list = groupsOf.get(m.userId);
    if (list === undefined) groupsOf.set(m.userId, [group]);
    else list.push(group);
  }
  return users
    .filter((u) => !u.deleted)
    .map((u) => ({
      id: u.id,
      active: u.active,
      version: u.version,
      roles: mergeRoles(u.directoryRoles ?? undefined, mapping({ id: u.id, organizationId }, groupsOf.get(u.id) ?? [])),
    }));
}
