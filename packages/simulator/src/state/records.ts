import type { DirectoryProvider, DirectoryType } from './types.js';

/** Internal, mutable records. The library API only hands out copies (`Simulated*`). */

export interface OrganizationRecord {
  id: string;
  name: string;
  externalId: string | null;
  directories: DirectoryRecord[];
}

export interface DirectoryRecord {
  id: string;
  organization: OrganizationRecord;
  name: string;
  type: DirectoryType;
  provider: DirectoryProvider;
  enabled: boolean;
  status: string;
  version: bigint;
  lastSyncedAt: bigint | null;
  /** Every user, deactivated ones included. */
  users: Map<string, UserRecord>;
  /** Active users sorted by id: what the Directory API lists, so a page is a binary search and a slice. */
  listed: UserRecord[];
  groups: Map<string, GroupRecord>;
  /** Groups sorted by id. */
  groupList: GroupRecord[];
  /** Bumped on every change of the directory; keys cached counts. */
  revision: number;
  /** Bumped when a group's name changes, which every cached user answer naming it must show. */
  renderEpoch: number;
}

export interface UserRecord {
  id: string;
  directory: DirectoryRecord;
  externalId: string | null;
  email: string;
  emails: string[];
  username: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  nickname: string | null;
  active: boolean;
  title: string | null;
  department: string | null;
  division: string | null;
  costCenter: string | null;
  employeeId: string | null;
  userType: string | null;
  phoneNumber: string | null;
  locale: string | null;
  language: string | null;
  zoneinfo: string | null;
  picture: string | null;
  profile: string | null;
  address: Record<string, unknown> | null;
  roles: string[];
  customAttributes: Record<string, unknown>;
  /** The user's groups, kept sorted by id (the order every answer and event shows them in). */
  groups: GroupRecord[];
  version: bigint;
  /** The user's DirectoryUser message, encoded once per change (see api/messages.ts). */
  apiBytes: Uint8Array | undefined;
  /** The directory's `renderEpoch` when `apiBytes` was encoded. */
  apiEpoch: number;
}

export interface GroupRecord {
  id: string;
  directory: DirectoryRecord;
  displayName: string;
  externalId: string | null;
  version: bigint;
  /**
   * Members are found through their users' `groups`; a group only counts them. Seeding a 100,000-user
   * directory would otherwise spend most of its time growing member sets.
   */
  memberCount: number;
  /** Active members: the API's `totalUsers`. */
  activeMembers: number;
}

/** Adds a group to a user's sorted groups; false when it was there already. */
export function addGroup(user: UserRecord, group: GroupRecord): boolean {
  const groups = user.groups;
  let i = groups.length;
  while (i > 0 && groups[i - 1]!.id > group.id) i--;
  if (i > 0 && groups[i - 1] === group) return false;
  groups.splice(i, 0, group);
  return true;
}

/** Removes a group from a user's groups; false when it was not there. */
export function removeGroup(user: UserRecord, group: GroupRecord): boolean {
  const i = user.groups.indexOf(group);
  if (i < 0) return false;
  user.groups.splice(i, 1);
  return true;
}

export function invalidateUser(user: UserRecord): void {
  user.apiBytes = undefined;
}
