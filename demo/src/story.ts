import type { DeliveryAttempt, Simulator } from '@scim/simulator';
import type { DirectoryTruth } from './compare.js';

export interface StoryOptions {
  users: number;
  groups: number;
  /** How many users change department. */
  movers: number;
  /** How many users are deprovisioned. */
  leavers: number;
  organizationId: string;
  directoryId: string;
  /** Prints one line per step. */
  say: (line: string) => void;
  /** Longest wait for the webhook queue to drain after a step. Default 60 s. */
  idleTimeoutMs?: number;
}

export interface StoryResult {
  truth: () => DirectoryTruth;
  groupIds: string[];
  userIds: string[];
}

/** How the app answered the deliveries made since `from` (index into the delivery log). */
export function tallyDeliveries(log: readonly DeliveryAttempt[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const attempt of log) {
    let key: string;
    if (attempt.outcome === 'dropped') key = 'dropped';
    else if (attempt.status === null) key = 'no answer';
    else {
      let status = '';
      try {
        const body = JSON.parse(attempt.responseBody ?? '') as { status?: unknown };
        if (typeof body.status === 'string') status = ` ${body.status}`;
      } catch {
        // not JSON: count the status code alone
      }
      key = `${attempt.status}${status}`;
    }
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

export const formatTally = (tally: Record<string, number>): string =>
  Object.entries(tally)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${count} × ${key}`)
    .join(', ');

/**
 * The demo's story, played on the simulator while it delivers to the app: a directory provisioned by
 * webhook (with duplicate and reordered deliveries), a department change, leavers, a deleted group.
 */
export async function playStory(sim: Simulator, options: StoryOptions): Promise<StoryResult> {
  const { say, organizationId, directoryId } = options;
  const idle = async (step: string) => {
    const from = sim.webhooks.log().length;
    await sim.webhooks.idle({ timeoutMs: options.idleTimeoutMs ?? 60_000 });
    const attempts = sim.webhooks.log().slice(from);
    say(`  ${step}: ${attempts.length} delivery attempts (${formatTally(tallyDeliveries(attempts))})`);
  };

  say(`1. Provision ${options.users} users in ${options.groups} groups by webhook (duplicates and reordering on)`);
  const seeded = sim.state.seed({
    users: options.users,
    groups: options.groups,
    organizationId,
    directoryId,
    events: true,
  });
  await idle('delivered');

  const users = sim.state.users(directoryId);
  const department = mostCommon(users.map((user) => user.department).filter((d): d is string => d !== null));
  const movers = users.filter((user) => user.department === department).slice(0, options.movers);
  const destination = 'Platform Engineering';
  say(`2. Department change: ${movers.length} people move from ${department} to ${destination}`);
  for (const user of movers) sim.state.updateUser(user.id, { department: destination, title: 'Platform Engineer' });
  await idle('delivered');

  const moverIds = new Set(movers.map((user) => user.id));
  const leavers = users.filter((user) => !moverIds.has(user.id)).slice(-options.leavers);
  const deletedUserIds: string[] = [];
  say(`3. ${leavers.length} people leave: half deactivated (user_updated), half removed (user_deleted)`);
  leavers.forEach((user, index) => {
    if (index % 2 === 0) sim.state.deactivateUser(user.id, { event: 'user_updated' });
    else {
      sim.state.deleteUser(user.id);
      deletedUserIds.push(user.id);
    }
  });
  await idle('delivered');

  const groups = sim.state.groups(directoryId);
  const doomed = groups.reduce((smallest, group) => (group.memberCount < smallest.memberCount ? group : smallest));
  say(`4. The group "${doomed.displayName}" (${doomed.memberCount} members) is deleted`);
  sim.state.deleteGroup(doomed.id);
  await idle('delivered');

  return {
    userIds: seeded.userIds,
    groupIds: seeded.groupIds,
    truth: () => ({
      users: sim.state.users(directoryId, { includeInactive: true }),
      groups: sim.state.groups(directoryId),
      deletedUserIds,
    }),
  };
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0] ?? 'Engineering';
  for (const [value, count] of counts) if (count > (counts.get(best) ?? 0)) best = value;
  return best;
}
