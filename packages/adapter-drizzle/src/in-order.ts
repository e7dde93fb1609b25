import type { UserTableStore } from '@scim/core/adapter';

/**
 * The items cut into rounds in which no key repeats, each keeping the given order: the n-th item of
 * a key goes to round n. Without a repeated key, one round: the items themselves.
 */
export function rounds<T>(items: readonly T[], key: (item: T) => string): (readonly T[])[] {
  const seen = new Map<string, number>();
  const out: T[][] = [];
  for (const item of items) {
    const k = key(item);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    const round = out[n];
    if (round === undefined) out.push([item]);
    else round.push(item);
  }
  return out.length <= 1 ? [items] : out;
}

async function eachRound<T>(parts: (readonly T[])[], run: (part: readonly T[]) => Promise<void>): Promise<void> {
  for (const part of parts) await run(part);
}

/**
 * The table mapping's writes with the contract's rule for an id repeated in one call: the items apply
 * as if one after the other. A multi-row statement cannot do that for a key it names twice (PostgreSQL
 * refuses to touch a row twice in one statement, the others keep one row of their choosing), so such a
 * call runs as rounds in which no id repeats. Calls without repeats (the engine's) run as they are.
 */
export function usersInOrder(store: UserTableStore): UserTableStore {
  return {
    upsertUsers: (organizationId, users) =>
      eachRound(
        rounds(users, (u) => u.id),
        (part) => store.upsertUsers(organizationId, part),
      ),
    patchUsers: (organizationId, patches) =>
      eachRound(
        rounds(patches, (p) => p.id),
        (part) => store.patchUsers(organizationId, part),
      ),
    deleteUsers: (organizationId, ids) => store.deleteUsers(organizationId, ids),
    linkUsersByEmail: (organizationId, links) => store.linkUsersByEmail(organizationId, links),
  };
}
