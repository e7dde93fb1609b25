import type { Database } from '../db.js';

/** One person's place in one organization, as the read API shows it. */
export interface MembershipView {
  organizationId: string;
  /** The directory user this membership is provisioned from (`diruser_...`), null when the app added it. */
  directoryUserId: string | null;
  role: string;
  active: boolean;
  department: string | null;
  jobTitle: string | null;
  /** The directory groups (ids) of that directory user in this organization. */
  groups: string[];
}

/** `GET /api/users?organizationId=`: one row per member of the organization. */
export interface MemberView {
  id: number;
  organizationId: string;
  directoryUserId: string | null;
  email: string;
  name: string | null;
  managedBy: string | null;
  department: string | null;
  jobTitle: string | null;
  active: boolean;
  roles: string[];
  groups: string[];
}

/** `GET /api/users`: every person with all their memberships. */
export interface UserView {
  id: number;
  email: string;
  name: string | null;
  managedBy: string | null;
  memberships: MembershipView[];
}

/** The app's reads: people, memberships, directory groups and the audit log. */
export class UserQueries {
  constructor(private readonly prisma: Database) {}

  /**
   * Memberships of the given people (or of one organization), with the directory user each one is linked
   * to (the SDK's `scim_links`) and that directory user's groups (the SDK's `scim_memberships`).
   */
  private async memberships(where: { organizationId?: string }) {
    const members = await this.prisma.organizationMember.findMany({ where, orderBy: [{ userId: 'asc' }] });
    const links = await this.prisma.scimLink.findMany({ where });
    const linkOf = new Map(links.map((l) => [`${l.organizationId}\u0000${l.appUserId}`, l.directoryUserId]));
    const groupRows = await this.prisma.scimMembership.findMany({ where, orderBy: { groupId: 'asc' } });
    const groupsOf = new Map<string, string[]>();
    for (const row of groupRows) {
      const key = `${row.organizationId}\u0000${row.userId}`;
      groupsOf.set(key, [...(groupsOf.get(key) ?? []), row.groupId]);
    }
    return members.map((m): MembershipView & { userId: number } => {
      const directoryUserId = linkOf.get(`${m.organizationId}\u0000${m.userId}`) ?? null;
      return {
        userId: m.userId,
        organizationId: m.organizationId,
        directoryUserId,
        role: m.role,
        active: m.active,
        department: m.department,
        jobTitle: m.jobTitle,
        groups: directoryUserId === null ? [] : (groupsOf.get(`${m.organizationId}\u0000${directoryUserId}`) ?? []),
      };
    });
  }

  async members(organizationId: string): Promise<MemberView[]> {
    const memberships = await this.memberships({ organizationId });
    const users = await this.prisma.user.findMany({ where: { id: { in: memberships.map((m) => m.userId) } } });
    const byId = new Map(users.map((u) => [u.id, u]));
    return memberships.map((m) => {
      const user = byId.get(m.userId)!;
      return {
        id: user.id,
        organizationId,
        directoryUserId: m.directoryUserId,
        email: user.email,
        name: user.name,
        managedBy: user.managedBy,
        department: m.department,
        jobTitle: m.jobTitle,
        active: m.active,
        roles: [m.role],
        groups: m.groups,
      };
    });
  }

  async users(): Promise<UserView[]> {
    const [users, memberships] = await Promise.all([
      this.prisma.user.findMany({ orderBy: { id: 'asc' } }),
      this.memberships({}),
    ]);
    const of = new Map<number, MembershipView[]>();
    for (const { userId, ...m } of memberships) of.set(userId, [...(of.get(userId) ?? []), m]);
    return users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      managedBy: u.managedBy,
      memberships: (of.get(u.id) ?? []).sort((a, b) => a.organizationId.localeCompare(b.organizationId)),
    }));
  }

  async groups(organizationId: string) {
    const [groups, counts] = await Promise.all([
      this.prisma.scimGroup.findMany({ where: { organizationId }, orderBy: { id: 'asc' } }),
      this.prisma.scimMembership.groupBy({ by: ['groupId'], where: { organizationId }, _count: { _all: true } }),
    ]);
    const members = new Map(counts.map((count) => [count.groupId, count._count._all]));
    return groups.map((group) => ({ id: group.id, name: group.displayName, members: members.get(group.id) ?? 0 }));
  }

  /** The audit log, oldest first. */
  auditLog(filter: { organizationId?: string | undefined; userId?: number | undefined }) {
    return this.prisma.auditLog.findMany({
      where: {
        ...(filter.organizationId === undefined ? {} : { organizationId: filter.organizationId }),
        ...(filter.userId === undefined ? {} : { userId: filter.userId }),
      },
      orderBy: { id: 'asc' },
    });
  }

  /** Organizations that provision users through a directory: the ones a scheduled reconcile visits. */
  async directoryOrganizations(): Promise<string[]> {
    const rows = await this.prisma.scimDirectory.findMany({
      distinct: ['organizationId'],
      select: { organizationId: true },
    });
    return rows.map((row) => row.organizationId);
  }
}
