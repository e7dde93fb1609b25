import type { MemoryAdapter } from '@scim/core';
import type { ConformanceBackdoor } from '../src/index.js';

/** The memory adapter's read-only inspector, shaped as the suite's backdoor. */
export function memoryBackdoor(adapter: MemoryAdapter): ConformanceBackdoor {
  const { inspect } = adapter;
  return {
    readUser(organizationId, userId) {
      const user = inspect.user(organizationId, userId);
      if (user === null) return null;
      return {
        id: user.id,
        organizationId: user.organizationId,
        email: user.email ?? null,
        givenName: user.givenName ?? null,
        familyName: user.familyName ?? null,
        displayName: user.displayName ?? null,
        username: user.username ?? null,
        active: user.active,
        roles: user.roles,
      };
    },
    readEntity: (organizationId, kind, id) => inspect.entity(organizationId, kind, id),
    readInbox: (eventId) => inspect.inbox(eventId),
    readGroup: (organizationId, groupId) => inspect.group(organizationId, groupId),
    readMemberships(organizationId, { userId, groupId }) {
      if (userId !== undefined) {
        return inspect
          .groupIdsOfUser(organizationId, userId)
          .filter((id) => groupId === undefined || id === groupId)
          .map((id) => ({ userId, groupId: id }));
      }
      if (groupId !== undefined) {
        return inspect.userIdsOfGroup(organizationId, groupId).map((id) => ({ userId: id, groupId }));
      }
      throw new Error('the memory backdoor reads memberships by user or by group');
    },
    readDirectory: (organizationId, directoryId) => inspect.directory(organizationId, directoryId),
    readSyncState: (organizationId, directoryId) => inspect.syncState(organizationId, directoryId),
    readLink(organizationId, directoryUserId) {
      const appUserId = inspect.link(organizationId, directoryUserId);
      return appUserId === null ? null : { directoryUserId, appUserId };
    },
    insertUnlinkedUser: (user) => adapter.insertUnlinkedUser(user),
    readUnlinkedUser(rowId) {
      const row = inspect.appRow(rowId);
      if (row === null) return null;
      const { user } = row;
      return {
        organizationId: row.organizationId,
        userId: row.userId,
        email: user.email ?? null,
        active: user.active,
        displayName: user.displayName ?? null,
      };
    },
  };
}
