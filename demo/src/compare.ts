import type { SimulatedGroup, SimulatedUser } from '@scim/simulator';
import type { AppGroupView, AppUserView } from './app-api.js';

/** What the directory holds, read from the simulator. */
export interface DirectoryTruth {
  /** Active and deactivated users (`state.users(id, { includeInactive: true })`). */
  users: readonly SimulatedUser[];
  groups: readonly SimulatedGroup[];
  /** Users deleted from the directory: the app must not have them active (deactivated or deleted). */
  deletedUserIds: readonly string[];
}

export interface Comparison {
  equal: boolean;
  /** One readable line per difference, at most `limit` of them. */
  differences: string[];
  checkedUsers: number;
  checkedGroups: number;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((item) => set.has(item));
};

/**
 * Compares an app's users and groups with the directory: every directory user is in the app with the
 * same email, name, department and state; active users have exactly their directory groups; deleted users
 * are not active; the app has exactly the directory's groups, with their names.
 */
export function compareWithDirectory(
  truth: DirectoryTruth,
  app: { users: readonly AppUserView[]; groups: readonly AppGroupView[] },
  limit = 20,
): Comparison {
  const differences: string[] = [];
  const report = (line: string) => {
    if (differences.length < limit) differences.push(line);
    else if (differences.length === limit) differences.push('...');
  };
  const appUsers = new Map<string, AppUserView>();
  for (const user of app.users) {
    if (user.directoryUserId === null) continue;
    if (appUsers.has(user.directoryUserId)) report(`${user.directoryUserId}: two app users`);
    appUsers.set(user.directoryUserId, user);
  }
  const groupIds = new Set(truth.groups.map((group) => group.id));

  for (const user of truth.users) {
    const mine = appUsers.get(user.id);
    if (mine === undefined) {
      report(`${user.id} (${user.email}): missing from the app`);
      continue;
    }
    if (mine.active !== user.active) report(`${user.id}: active is ${mine.active}, the directory says ${user.active}`);
    if (mine.email !== user.email) report(`${user.id}: email ${mine.email}, the directory says ${user.email}`);
    if (mine.name !== user.displayName) report(`${user.id}: name ${mine.name}, the directory says ${user.displayName}`);
    if (mine.department !== user.department) {
      report(`${user.id}: department ${mine.department}, the directory says ${user.department}`);
    }
    if (user.active) {
      const expected = user.groupIds.filter((id) => groupIds.has(id));
      if (!sameSet(mine.groups, expected)) {
        report(
          `${user.id}: groups [${[...mine.groups].sort().join(', ')}], the directory says [${expected.join(', ')}]`,
        );
      }
    }
  }
  for (const id of truth.deletedUserIds) {
    const mine = appUsers.get(id);
    if (mine?.active === true) report(`${id}: deleted from the directory but active in the app`);
  }
  const known = new Set([...truth.users.map((user) => user.id), ...truth.deletedUserIds]);
  for (const [id, user] of appUsers) {
    if (!known.has(id) && user.active) report(`${id}: active in the app, unknown to the directory`);
  }

  const appGroups = new Map(app.groups.map((group) => [group.id, group]));
  for (const group of truth.groups) {
    const mine = appGroups.get(group.id);
    if (mine === undefined) report(`${group.id} (${group.displayName}): group missing from the app`);
    else if (mine.name !== group.displayName) {
      report(`${group.id}: group name ${mine.name}, the directory says ${group.displayName}`);
    }
  }
  for (const id of appGroups.keys()) {
    if (!groupIds.has(id)) report(`${id}: group in the app, not in the directory`);
  }

  return {
    equal: differences.length === 0,
    differences,
    checkedUsers: truth.users.length + truth.deletedUserIds.length,
    checkedGroups: truth.groups.length,
  };
}
