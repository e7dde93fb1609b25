import { ScalekitClient } from '@scalekit-sdk/node';
import { prismaAdapter } from '@scim/adapter-prisma';
import {
  createScimEngine,
  type ProvisionContext,
  type ProvisionedUser,
  type ScimEngine,
  type ScimLogger,
  type UserService as ScimUserFunctions,
  type SyncSchedule,
  UserRejection,
} from '@scim/core';
import type { Database } from './db.js';
import type { Organizations } from './organizations/organizations.js';
import {
  type Actor,
  type Db,
  domainOf,
  type MemberChanges,
  normalizeEmail,
  UserError,
  type UserService,
} from './users/user-service.js';

export interface ScimSetup {
  engine: ScimEngine<Db>;
  /** Starts the scheduled reconcile (when an interval is set); `stop()` ends it. */
  schedule(organizations: () => Promise<string[]>, intervalMs: number): SyncSchedule | undefined;
}

const actorOf = (ctx: ProvisionContext<Db>): Actor => ({ kind: `scim:${ctx.source}`, eventId: ctx.event?.id });

/** Why the app refuses a directory user for good, by the UserService's error code. */
const WHY = {
  EMAIL_TAKEN:
    'the email is an existing account this organization may not claim (its domain is not verified for the organization, and the person is not a member of it)',
  DOMAIN_CLAIMED: "the email's domain is verified by another organization",
  EMAIL_INVALID: "the directory's email is not an email address",
};

/** Members of a directory group mapped to the `admin` role are admins of the organization in the app. */
const roleOf = (roles: readonly string[]): string => (roles.includes('admin') ? 'admin' : 'member');

/** What the directory says of the person's place in the organization (`undefined`: not said, leave it). */
function memberFields(user: ProvisionedUser): MemberChanges {
  return {
    ...(user.roles === undefined ? {} : { role: roleOf(user.roles) }),
    ...(user.department === undefined ? {} : { department: user.department }),
    ...(user.title === undefined ? {} : { jobTitle: user.title }),
  };
}

/**
 * The directory's changes, through the app's own UserService. The rules of this app:
 * - a person is one user, whatever the organizations: a second organization's directory links to the existing
 *   user only when the email's domain is verified for that organization, or the person is already a member of
 *   it (invited through the app). Otherwise a directory user whose email another account has is rejected;
 * - the profile (email, name) is changed only by the organization that manages it (the one that created the
 *   user, or verified its email's domain); the others change their own membership only;
 * - a deprovision ends the membership in that organization only;
 * - a user without an email is rejected (people sign in with it), unless the organization's settings take the
 *   user name when it is an address.
 */
export function userFunctions(users: UserService, organizations: Organizations): ScimUserFunctions<Db> {
  /** The email the app will use for this directory user; undefined when it has none. */
  const emailOf = async (user: ProvisionedUser, ctx: ProvisionContext<Db>): Promise<string | undefined> => {
    if (user.email) return user.email;
    const { emailFromUsername } = await organizations.settings(ctx.organizationId, ctx.tx);
    return emailFromUsername && user.username?.includes('@') ? user.username : undefined;
  };

  /** The service's refusals are for good: a redelivery cannot change them. The reason says which rule. */
  const rejecting = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof UserError && error.code in WHY) {
        throw new UserRejection(`${error.code}: ${WHY[error.code as keyof typeof WHY]}`, { cause: error });
      }
      throw error;
    }
  };

  const update = async (appUserId: string, user: ProvisionedUser, ctx: ProvisionContext<Db>) => {
    const id = Number(appUserId);
    const actor = actorOf(ctx);
    const current = await ctx.tx.user.findUnique({ where: { id }, select: { managedBy: true } });
    if (current?.managedBy === ctx.organizationId) {
      const email = await emailOf(user, ctx);
      const profile = {
        // A directory that stops sending an email leaves the stored one: every person keeps one.
        ...(email === undefined ? {} : { email }),
        ...(user.displayName === undefined ? {} : { name: user.displayName }),
      };
      try {
        await rejecting(() => users.updateUser(id, profile, actor, ctx.tx, ctx.organizationId));
      } catch (error) {
        // A deprovision is never refused: a change that takes access away goes through without its profile.
        if (!(error instanceof UserRejection) || user.active) throw error;
      }
    }
    await users.addMember(id, ctx.organizationId, memberFields(user), actor, ctx.tx);
  };

  return {
    async create(user, ctx) {
      const email = await emailOf(user, ctx);
      if (email === undefined) throw new UserRejection('EMAIL_REQUIRED: the directory user has no email address');
      const created = await rejecting(() =>
        users.createUser(
          {
            email,
            name: user.displayName ?? null,
            managedBy: ctx.organizationId,
            membership: { organizationId: ctx.organizationId, ...memberFields(user) },
          },
          actorOf(ctx),
          ctx.tx,
        ),
      );
      return created.id;
    },

    update,

    async reactivate(appUserId, user, ctx) {
      await update(appUserId, user, ctx);
      await users.reactivateMember(Number(appUserId), ctx.organizationId, actorOf(ctx), ctx.tx);
    },

    async deactivate(appUserId, ctx) {
      const id = Number(appUserId);
      // A membership the app already removed has no access left to take away.
      if (!(await users.isMember(id, ctx.organizationId, ctx.tx))) return;
      await users.deactivateMember(id, ctx.organizationId, actorOf(ctx), ctx.tx);
    },

    async findExisting(user, ctx) {
      const email = await emailOf(user, ctx);
      if (email === undefined) return null;
      let normalized: string;
      try {
        normalized = normalizeEmail(email);
      } catch {
        return null;
      }
      const existing = await users.findByEmail(normalized, ctx.tx);
      if (existing === null) return null;
      const actor = actorOf(ctx);
      if ((await users.domainOwner(domainOf(normalized), ctx.tx)) === ctx.organizationId) {
        // The organization proved it owns the domain: its directory takes over the person's profile.
        await users.recordLink(
          existing.id,
          ctx.organizationId,
          'the email domain is verified for the organization',
          actor,
          ctx.tx,
        );
        await users.updateUser(existing.id, { managedBy: ctx.organizationId }, actor, ctx.tx, ctx.organizationId);
        return existing.id;
      }
      if (await users.isMember(existing.id, ctx.organizationId, ctx.tx)) {
        await users.recordLink(existing.id, ctx.organizationId, 'already a member of the organization', actor, ctx.tx);
        return existing.id;
      }
      // Anyone else's account: never on the strength of an email alone. create() then rejects the user.
      return null;
    },
  };
}

/** The SCIM integration: one Scalekit client, one engine over the SDK's bookkeeping and the app's user functions. */
export function setUpScim(
  prisma: Database,
  users: UserService,
  organizations: Organizations,
  scalekit: { environmentUrl: string; clientId: string; clientSecret: string; webhookSecret: string },
  logger: ScimLogger,
): ScimSetup {
  const client = new ScalekitClient(scalekit.environmentUrl, scalekit.clientId, scalekit.clientSecret);
  const engine = createScimEngine({
    adapter: prismaAdapter(prisma),
    users: userFunctions(users, organizations),
    scalekit: client,
    webhookSecret: scalekit.webhookSecret,
    // Members of a directory group named "Admins" (any case) are admins of their organization; everyone is a member.
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
