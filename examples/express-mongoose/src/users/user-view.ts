import type { User } from './user-model.js';

/** A user as the app's API answers it. */
export interface UserView {
  id: string;
  organizationId: string | null;
  directoryUserId: string | null;
  email: string | null;
  name: string | null;
  department: string | null;
  jobTitle: string | null;
  plan: string;
  active: boolean;
  roles: string[];
  /** Directory group ids. */
  groups: string[];
}

/** A user document as read with `.lean()`: fields the app added later may be missing from old documents. */
export type UserRecord = Pick<User, '_id'> & Partial<Omit<User, '_id'>>;

/** Group ids by directory user id, from `scim_memberships`. */
export function groupsByUser(memberships: Iterable<{ userId: string; groupId: string }>): Map<string, string[]> {
  const groupsOf = new Map<string, string[]>();
  for (const { userId, groupId } of memberships) {
    const groups = groupsOf.get(userId);
    if (groups === undefined) groupsOf.set(userId, [groupId]);
    else groups.push(groupId);
  }
  return groupsOf;
}

export function toUserView(record: UserRecord, groupsOf: ReadonlyMap<string, string[]>): UserView {
  const directoryUserId = record.scimUserId ?? null;
  return {
    id: record._id.toHexString(),
    organizationId: record.scimOrganizationId ?? null,
    directoryUserId,
    email: record.email ?? null,
    name: record.name ?? null,
    department: record.department ?? null,
    jobTitle: record.jobTitle ?? null,
    plan: record.plan ?? 'team',
    // Documents from before the field existed were active.
    active: record.isActive ?? true,
    roles: record.roles ?? [],
    groups: directoryUserId === null ? [] : (groupsOf.get(directoryUserId) ?? []),
  };
}

export interface GroupView {
  id: string;
  name: string | null;
  members: number;
}

export function toGroupViews(
  groups: Iterable<{ id: string; displayName: string | null }>,
  memberships: Iterable<{ groupId: string }>,
): GroupView[] {
  const counts = new Map<string, number>();
  for (const { groupId } of memberships) counts.set(groupId, (counts.get(groupId) ?? 0) + 1);
  return Array.from(groups, (group) => ({
    id: group.id,
    name: group.displayName ?? null,
    members: counts.get(group.id) ?? 0,
  }));
}
