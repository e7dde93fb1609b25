import type { Database } from '../db.js';

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

function rolesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}

/** The app's user service: what it had before SCIM, plus the directory groups of each user. */
export function userService(prisma: Database) {
  return {
    async list(organizationId: string | undefined): Promise<UserView[]> {
      const rows = await prisma.user.findMany({
        where: organizationId === undefined ? {} : { scimOrganizationId: organizationId },
        orderBy: { id: 'asc' },
      });
      const memberships =
        organizationId === undefined
          ? []
          : await prisma.scimMembership.findMany({
              where: { organizationId },
              select: { userId: true, groupId: true },
              orderBy: { groupId: 'asc' },
            });
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
        roles: rolesOf(row.roles),
        groups: row.scimUserId === null ? [] : (groupsOf.get(row.scimUserId) ?? []),
      }));
    },

    /** A user the app creates itself (an invitation), outside any directory. */
    async invite(input: { email: string; name?: string }): Promise<{ id: number }> {
      return prisma.user.create({ data: { email: input.email, name: input.name ?? null }, select: { id: true } });
    },

    async groups(organizationId: string) {
      const [groups, counts] = await Promise.all([
        prisma.scimGroup.findMany({ where: { organizationId }, orderBy: { id: 'asc' } }),
        prisma.scimMembership.groupBy({ by: ['groupId'], where: { organizationId }, _count: { _all: true } }),
      ]);
      const members = new Map(counts.map((count) => [count.groupId, count._count._all]));
      return groups.map((group) => ({ id: group.id, name: group.displayName, members: members.get(group.id) ?? 0 }));
    },

    /** Organizations whose users the app holds: the ones a scheduled reconcile visits. */
    async organizations(): Promise<string[]> {
      const rows = await prisma.user.findMany({
        where: { scimOrganizationId: { not: null } },
        distinct: ['scimOrganizationId'],
        select: { scimOrganizationId: true },
      });
      return rows.map((row) => row.scimOrganizationId).filter((id): id is string => id !== null);
    },
  };
}

export type UserService = ReturnType<typeof userService>;
