import type { ScimStore } from '@scim/core/adapter';
import { firstOfEachId } from './batches.js';

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
 * The store with the contract's rule for an id repeated in one call: the items apply as if one
 * after the other. A multi-row statement cannot do that for a key it names twice (PostgreSQL
 * refuses to touch a row twice in one statement, the others keep one row of their choosing), so
 * such a call runs as rounds in which no id repeats. Calls without repeats (the engine's) run as
 * they are. The view inherits every other method, and the dialect store's state, from `store`.
 */
export function inOrder(store: ScimStore): ScimStore {
  const view = Object.create(store) as ScimStore;
  view.advanceEntities = async (organizationId, kind, items) => {
    const parts = rounds(items, (item) => item.id);
    if (parts.length === 1) return store.advanceEntities(organizationId, kind, items);
    const written = new Set<string>();
    for (const part of parts) for (const id of await store.advanceEntities(organizationId, kind, part)) written.add(id);
    return [...written];
  };
  view.finishEvents = (entries) =>
    eachRound(
      rounds(entries, (e) => e.id),
      (part) => store.finishEvents(part),
    );
  view.upsertUsers = (organizationId, users) =>
    eachRound(
      rounds(users, (u) => u.id),
      (part) => store.upsertUsers(organizationId, part),
    );
  view.patchUsers = (organizationId, patches) =>
    eachRound(
      rounds(patches, (p) => p.id),
      (part) => store.patchUsers(organizationId, part),
    );
  view.upsertGroups = (organizationId, groups) =>
    eachRound(
      rounds(groups, (g) => g.id),
      (part) => store.upsertGroups(organizationId, part),
    );
  // Inserting only what is missing, in order, keeps the first of a repeated id.
  view.ensureGroups = (organizationId, groups) => store.ensureGroups(organizationId, firstOfEachId(groups));
  return view;
}
