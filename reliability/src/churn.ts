/**
 * Random changes to one simulated directory, made through the simulator's state so that each produces
 * the events Scalekit would send: new users, profile changes, moves between groups, deactivations,
 * reactivations, deletions, group renames.
 */
import type { DirectoryTruth } from '@scim/demo/harness';
import type { Simulator } from '@scim/simulator';

export interface Churn {
  /** Makes one change; resolves the kind of change made. */
  step(): string;
  /** Changes made so far, by kind. */
  readonly counts: Record<string, number>;
  truth(): DirectoryTruth;
}

export function directoryChurn(sim: Simulator, directoryId: string, seed: number): Churn {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const deletedUserIds: string[] = [];
  const counts: Record<string, number> = {};
  let created = 0;

  const step = (): string => {
    const users = sim.state.users(directoryId, { includeInactive: true });
    const groups = sim.state.groups(directoryId);
    const roll = random();
    const user = pick(users);
    let kind: string;
    if (roll < 0.25 || user === undefined) {
      const id = ++created;
      const group = pick(groups);
      sim.state.createUser(directoryId, {
        email: `churn${seed}-${id}@churn.example.com`,
        givenName: `Churn${id}`,
        familyName: 'Tester',
        department: pick(['Sales', 'Support', 'Engineering']) ?? null,
        groupIds: group === undefined ? [] : [group.id],
      });
      kind = 'create user';
    } else if (roll < 0.55) {
      sim.state.updateUser(user.id, { department: `Dept ${Math.floor(random() * 1000)}`, title: `Title ${created}` });
      kind = 'update profile';
    } else if (roll < 0.7 && groups.length > 0) {
      const group = pick(groups)!;
      sim.state.updateUser(user.id, { groupIds: [group.id] });
      kind = 'move group';
    } else if (roll < 0.8) {
      if (user.active) sim.state.deactivateUser(user.id, { event: 'user_updated' });
      else sim.state.reactivateUser(user.id);
      kind = user.active ? 'deactivate' : 'reactivate';
    } else if (roll < 0.87) {
      sim.state.deleteUser(user.id);
      deletedUserIds.push(user.id);
      kind = 'delete user';
    } else if (groups.length > 0) {
      const group = pick(groups)!;
      sim.state.updateGroup(group.id, { displayName: `Group ${Math.floor(random() * 1e6)}` });
      kind = 'rename group';
    } else {
      sim.state.createGroup(directoryId, { displayName: `Group ${created}` });
      kind = 'create group';
    }
    counts[kind] = (counts[kind] ?? 0) + 1;
    return kind;
  };

  return {
    step,
    counts,
    truth: () => ({
      users: sim.state.users(directoryId, { includeInactive: true }),
      groups: sim.state.groups(directoryId),
      deletedUserIds,
    }),
  };
}

/** Calls `churn.step()` about `perSecond` times a second for `durationMs`, spreading the calls over ticks. */
export async function churnFor(churn: Churn, perSecond: number, durationMs: number, signal?: AbortSignal) {
  const tickMs = 50;
  const started = performance.now();
  let made = 0;
  while (performance.now() - started < durationMs && !signal?.aborted) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; made < due; made++) churn.step();
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  return made;
}
