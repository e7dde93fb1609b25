import type { Directory, DirectoryEvent, DirectoryGroup, DirectoryUser } from '../events/types.js';

/**
 * The changes every source is turned into before it reaches the store: a webhook event, a page of a
 * Directory API listing, a user a full sync no longer finds. The rules (versions, tombstones, the
 * deprovision policy, memberships, roles, hooks) only ever see these.
 */

interface ChangeBase {
  /** Nanoseconds since the epoch: the event's `occurred_at`, the API's `updatedAt`, or a sync's start. */
  version: bigint;
  /** The event that carries the change; null when a sync found it. */
  eventId: string | null;
  event?: DirectoryEvent;
}

/** A user as the directory now describes it. Fields left `undefined` were not given. */
export interface UserUpsert extends ChangeBase {
  type: 'user';
  user: DirectoryUser;
}

/** A user the directory deleted, or that a complete listing no longer returns. */
export interface UserRemoval extends ChangeBase {
  type: 'user-removed';
  userId: string;
}

export type UserChange = UserUpsert | UserRemoval;

export interface GroupUpsert extends ChangeBase {
  type: 'group';
  group: DirectoryGroup;
  /**
   * Membership deltas (the SCIM server's group PATCHes): user ids added to and removed from the group. An
   * added id that is not a live user of the organization is ignored. Absent: memberships are left alone.
   */
  members?: { add: readonly string[]; remove: readonly string[] };
}

export interface GroupRemoval extends ChangeBase {
  type: 'group-removed';
  groupId: string;
  /** The group as the event describes it; a sync's removal reads the stored one. */
  group?: DirectoryGroup;
}

export type GroupChange = GroupUpsert | GroupRemoval;

export interface DirectoryChange extends ChangeBase {
  type: 'directory';
  directory: Directory;
  event: DirectoryEvent;
}

export function userIdOf(change: UserChange): string {
  return change.type === 'user' ? change.user.id : change.userId;
}

export function groupIdOf(change: GroupChange): string {
  return change.type === 'group' ? change.group.id : change.groupId;
}
