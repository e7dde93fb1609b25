import { scimModels } from '@scim/adapter-mongoose';
import type { Connection } from 'mongoose';
import type { UserModel } from './user-model.js';
import { type GroupView, groupsByUser, toGroupViews, toUserView, type UserRecord, type UserView } from './user-view.js';

/** The app's user service: what it had before SCIM, plus the directory groups of each user. */
export function userService(connection: Connection, users: UserModel) {
  // @scim's bookkeeping models, registered on the app's connection; the app only reads them.
  const scim = scimModels(connection);
  return {
    async list(organizationId: string | undefined): Promise<UserView[]> {
      const filter = organizationId === undefined ? {} : { scimOrganizationId: organizationId };
      const records = await users.find(filter).sort({ _id: 1 }).lean<UserRecord[]>();
      const directoryIds = records
        .map((record) => record.scimUserId)
        .filter((id): id is string => typeof id === 'string');
      const memberships =
        organizationId === undefined || directoryIds.length === 0
          ? []
          : await scim.memberships
              .find({ organizationId, userId: { $in: directoryIds } }, { userId: 1, groupId: 1, _id: 0 })
              .sort({ groupId: 1 })
              .lean();
      const groupsOf = groupsByUser(memberships);
      return records.map((record) => toUserView(record, groupsOf));
    },

    /** A user the app creates itself (an invitation), outside any directory. */
    async invite(input: { email: string; name?: string }): Promise<{ id: string }> {
      const user = await users.create({ email: input.email, name: input.name ?? null });
      return { id: user._id.toHexString() };
    },

    async groups(organizationId: string): Promise<GroupView[]> {
      const [groups, memberships] = await Promise.all([
        scim.groups.find({ organizationId }, { id: 1, displayName: 1, _id: 0 }).sort({ id: 1 }).lean(),
        scim.memberships.find({ organizationId }, { groupId: 1, _id: 0 }).lean(),
      ]);
      return toGroupViews(
        groups.map((group) => ({ id: group.id, displayName: group.displayName ?? null })),
        memberships,
      );
    },

    /** Organizations whose users the app holds: the ones a scheduled reconcile visits. */
    async organizations(): Promise<string[]> {
      const ids: unknown[] = await users.distinct('scimOrganizationId');
      return ids.filter((id): id is string => typeof id === 'string');
    },
  };
}

export type UserService = ReturnType<typeof userService>;
