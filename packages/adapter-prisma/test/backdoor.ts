import type { ConformanceBackdoor } from '@scim/adapter-test-suite';
import type { EntityKind, InboxStatus, SyncState } from '@scim/core';
import type { AnyPrisma } from './clients.js';
import { asPostgres, type MappingStyle } from './mappings.js';

/**
 * The conformance backdoor with the table-mode linking readers, which this package's test app has (its
 * `User` key fields are optional).
 */
export type LinkingBackdoor = ConformanceBackdoor &
  Required<Pick<ConformanceBackdoor, 'insertUnlinkedUser' | 'readUnlinkedUser'>>;

function parseRoles(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return JSON.parse(value) as string[];
  return undefined;
}

/** Reads the real tables with Prisma's own finders, never through the adapter. */
export function prismaBackdoor(client: AnyPrisma, style: MappingStyle): LinkingBackdoor {
  const prisma = asPostgres(client);
  return {
    async readUser(organizationId, userId) {
      const user = await prisma.user.findUnique({
        where: { scimOrganizationId_scimUserId: { scimOrganizationId: organizationId, scimUserId: userId } },
      });
      if (user === null) return null;
      const roles = parseRoles(user.roles);
      return {
        id: user.scimUserId ?? '',
        organizationId: user.scimOrganizationId ?? '',
        email: user.email,
        givenName: user.givenName,
        familyName: user.familyName,
        displayName: user.name,
        username: user.username,
        active: style === 'function' ? user.deactivatedAt === null : user.isActive,
        ...(roles === undefined ? {} : { roles }),
      };
    },
    async readEntity(organizationId, kind, id) {
      const row = await prisma.scimEntity.findUnique({
        where: { organizationId_kind_id: { organizationId, kind, id } },
      });
      if (row === null) return null;
      return {
        organizationId: row.organizationId,
        kind: row.kind as EntityKind,
        id: row.id,
        version: row.version,
        deleted: row.deleted,
        active: row.active,
        fingerprint: row.fingerprint,
        directoryRoles: row.directoryRoles === null ? null : (JSON.parse(row.directoryRoles) as string[]),
        eventId: row.eventId,
        updatedAt: row.updatedAt,
      };
    },
    async readInbox(eventId) {
      const row = await prisma.scimEvent.findUnique({ where: { id: eventId } });
      return row === null ? null : { ...row, status: row.status as InboxStatus };
    },
    async readGroup(organizationId, groupId) {
      const row = await prisma.scimGroup.findUnique({
        where: { organizationId_id: { organizationId, id: groupId } },
        select: { organizationId: true, id: true, directoryId: true, displayName: true, externalId: true },
      });
      return row;
    },
    async readMemberships(organizationId, { userId, groupId }) {
      const rows = await prisma.scimMembership.findMany({
        where: {
          organizationId,
          ...(userId === undefined ? {} : { userId }),
          ...(groupId === undefined ? {} : { groupId }),
        },
        select: { userId: true, groupId: true },
      });
      return rows;
    },
    async readDirectory(organizationId, directoryId) {
      return prisma.scimDirectory.findUnique({
        where: { organizationId_id: { organizationId, id: directoryId } },
        select: {
          organizationId: true,
          id: true,
          enabled: true,
          provider: true,
          directoryType: true,
          status: true,
        },
      });
    },
    async readSyncState(organizationId, directoryId) {
      const row = await prisma.scimSyncState.findUnique({
        where: { organizationId_directoryId: { organizationId, directoryId } },
      });
      return row === null ? null : { ...row, status: row.status as SyncState['status'] };
    },
    async readLink(organizationId, directoryUserId) {
      return prisma.scimLink.findUnique({
        where: { organizationId_directoryUserId: { organizationId, directoryUserId } },
        select: { directoryUserId: true, appUserId: true },
      });
    },
    async insertUnlinkedUser({ email, displayName }) {
      const user = await prisma.user.create({ data: { email, name: displayName ?? null } });
      return user.id;
    },
    async readUnlinkedUser(rowId) {
      const user = await prisma.user.findUnique({ where: { id: rowId } });
      if (user === null) return null;
      return {
        organizationId: user.scimOrganizationId,
        userId: user.scimUserId,
        email: user.email,
        active: style === 'function' ? user.deactivatedAt === null : user.isActive,
        displayName: user.name,
      };
    },
  };
}
