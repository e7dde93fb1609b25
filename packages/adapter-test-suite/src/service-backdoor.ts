import type { BackdoorUser, ConformanceBackdoor } from './backdoor.js';
import type { TestAppTable } from './test-app-table.js';

/**
 * The backdoor of a service-mode test: a directory user is read through the SDK's identity link and the
 * app's own table (`readLink` + `app.read`); everything else as the adapter's backdoor reads it. The
 * table stores no username, so that field is not checked.
 */
export function serviceBackdoor(backdoor: ConformanceBackdoor, table: TestAppTable): ConformanceBackdoor {
  return {
    ...backdoor,
    async readUser(organizationId, userId): Promise<BackdoorUser | null> {
      const link = await backdoor.readLink(organizationId, userId);
      if (link === null) return null;
      const row = await table.read(link.appUserId);
      if (row === null) {
        // A link outliving its app user: the app's delete and the SDK's link were not written together.
        throw new Error(
          `directory user ${userId} of ${organizationId} is linked to app user ${link.appUserId}, which the app's table does not hold`,
        );
      }
      return {
        id: userId,
        organizationId,
        email: row.email,
        active: row.active,
        givenName: row.givenName,
        familyName: row.familyName,
        displayName: row.displayName,
        roles: row.roles,
      };
    },
  };
}
