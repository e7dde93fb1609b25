import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db.js';
import { scimGroups, scimMemberships, users } from '../schema.js';

export interface UserView {
  id: number;
  organizationId: string | null;
  directoryUserId: string | null;
  email: string | null;
  name: string | null;
  department: string | null;
  jobTitle: string | null;
  plan: string;
  active: boolean;
  roles: string[];
  groups: string[];
}

/** The app's user service: what it had before SCIM, plus the directory groups of each user. */
export function userService(db: Database) {
  return {
    async list(organizationId: string | undefined): Promise<UserView[]> {
      const rows = await db
        .select()
        .from(users)
        .where(organizationId === undefined ? undefined : eq(users.scimOrganizationId, organizationId))
        .orderBy(asc(users.id));
      const directoryIds = rows.map((row) => row.scimUserId).filter((id): id is string => id !== null);
      const memberships =
        organizationId === undefined || directoryIds.length === 0
          ? []
          : await db
              .select({ userId: scimMemberships.userId, groupId: scimMemberships.groupId })
              .from(scimMemberships)
              .where(
                and(eq(scimMemberships.organizationId, organizationId), inArray(scimMemberships.userId, directoryIds)),
              );
      const groupsOf = new Map<string, string[]>();
      for (const { userId, groupId } of memberships) groupsOf.set(userId, [...(groupsOf.get(userId) ?? []), groupId]);
      return rows.map((row) => ({
        id: row.id,
        organizationId: row.scimOrganizationId,
        directoryUserId: row.scimUserId,
        email: row.email,
        name: row.name,
        department: row.department,
        jobTitle: row.jobTitle,
        plan: row.plan,
        active: row.isActive,
        roles: row.roles,
        groups: row.scimUserId === null ? [] : (groupsOf.get(row.scimUserId) ?? []),
      }));
    },

    /** A user the app creates itself (an invitation), outside any directory. */
    async invite(input: { email: string; name?: string }): Promise<{ id: number }> {
      const [row] = await db
        .insert(users)
        .values({ email: input.email, name: input.name ?? null })
        .returning({ id: users.id });
      return row!;
    },

    async groups(organizationId: string) {
      const groups = await db
        .select()
        .from(scimGroups)
        .where(eq(scimGroups.organizationId, organizationId))
        .orderBy(asc(scimGroups.id));
      const memberships = await db
        .select({ groupId: scimMemberships.groupId })
        .from(scimMemberships)
        .where(eq(scimMemberships.organizationId, organizationId));
      const counts = new Map<string, number>();
      for (const { groupId } of memberships) counts.set(groupId, (counts.get(groupId) ?? 0) + 1);
      return groups.map((group) => ({ id: group.id, name: group.displayName, members: counts.get(group.id) ?? 0 }));
    },

    /** Organizations whose users the app holds: the ones a scheduled reconcile visits. */
    async organizations(): Promise<string[]> {
      const rows = await db.selectDistinct({ id: users.scimOrganizationId }).from(users);
      return rows.map((row) => row.id).filter((id): id is string => id !== null);
    },
  };
}

export type UserService = ReturnType<typeof userService>;
