import { ScalekitClient } from '@scalekit-sdk/node';
import { prismaAdapter } from '@scim/adapter-prisma';
import { createScimEngine, type ScimEngine, type ScimLogger, type SyncSchedule } from '@scim/core';
import type { Database } from './db.js';

export interface ScimSetup {
  engine: ScimEngine;
  /** Starts the scheduled reconcile (when an interval is set); `stop()` ends it. */
  schedule(organizations: () => Promise<string[]>, intervalMs: number): SyncSchedule | undefined;
}

/**
 * The SCIM integration, added to the existing app: one Scalekit client, one engine over the app's own
 * `User` model, the groups a role maps from.
 */
export function setUpScim(
  prisma: Database,
  scalekit: { environmentUrl: string; clientId: string; clientSecret: string; webhookSecret: string },
  logger: ScimLogger,
): ScimSetup {
  const client = new ScalekitClient(scalekit.environmentUrl, scalekit.clientId, scalekit.clientSecret);
  const engine = createScimEngine({
    adapter: prismaAdapter(prisma, {
      users: {
        model: 'User',
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: (user) => ({
          email: user.email,
          name: user.displayName,
          department: user.department,
          jobTitle: user.title,
        }),
        active: 'isActive',
        // `roles` is a Json list (the same on SQLite and PostgreSQL).
        roles: (roles) => ({ roles }),
      },
    }),
    scalekit: client,
    webhookSecret: scalekit.webhookSecret,
    // Members of a directory group named "Admins" (any case) are admins in the app; everyone is a member.
    groupRoles: { admins: 'admin' },
    defaultRoles: ['member'],
    logger,
    hooks: {
      onUserProvisioned: ({ user, source }) => logger.info('user provisioned', { userId: user.id, source }),
      onUserDeprovisioned: ({ userId, action, source }) =>
        logger.info('user deprovisioned', { userId, action, source }),
    },
  });
  return {
    engine,
    schedule(organizations, intervalMs) {
      if (!(intervalMs > 0)) return undefined;
      return engine.scheduleSync({
        organizations,
        intervalMs,
        onReport: (report) =>
          logger.info('scheduled reconcile', {
            organizationId: report.organizationId,
            created: report.users.created,
            updated: report.users.updated,
            deactivated: report.users.deactivated,
          }),
      });
    },
  };
}
