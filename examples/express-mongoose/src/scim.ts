import { ScalekitClient } from '@scalekit-sdk/node';
import { type MongooseScimAdapter, type MongooseUserMapping, mongooseAdapter } from '@scim/adapter-mongoose';
import { createScimEngine, type ScimEngine, type ScimLogger, type SyncSchedule } from '@scim/core';
import type { Connection } from 'mongoose';
import type { User, UserModel } from './users/user-model.js';

export interface ScimSetup {
  engine: ScimEngine;
  adapter: MongooseScimAdapter;
  /** Starts the scheduled reconcile (when an interval is set); `stop()` ends it. */
  schedule(organizations: () => Promise<string[]>, intervalMs: number): SyncSchedule | undefined;
}

/** Where provisioned users land: the app's User model, directory fields onto its fields. */
export function userMapping(model: UserModel): MongooseUserMapping<User> {
  return {
    model,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: (user) => ({
      email: user.email,
      name: user.displayName,
      department: user.department,
      jobTitle: user.title,
    }),
    active: 'isActive',
    roles: 'roles',
  };
}

/**
 * The SCIM integration, added to the existing app: one Scalekit client, one engine over the app's own
 * User model (on the app's connection, so that transactions cover it on a replica set), the groups a
 * role maps from.
 */
export function setUpScim(
  connection: Connection,
  users: UserModel,
  scalekit: { environmentUrl: string; clientId: string; clientSecret: string; webhookSecret: string },
  logger: ScimLogger,
): ScimSetup {
  const client = new ScalekitClient(scalekit.environmentUrl, scalekit.clientId, scalekit.clientSecret);
  const adapter = mongooseAdapter(connection, { users: userMapping(users) });
  const engine = createScimEngine({
    adapter,
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
    adapter,
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
