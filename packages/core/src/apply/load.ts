import type { EntityKind, EntityState, ScimStore } from '../adapter/contract.js';
import { readInChunks } from './batching.js';
import type { UserChange } from './changes.js';
import type { GroupFacts } from './plan-users.js';
import { unique } from './versions.js';

/** The reads a plan needs, a constant number of store calls per batch. */

export async function readStates(
  store: ScimStore,
  organizationId: string,
  kind: EntityKind,
  ids: readonly string[],
  maxBatchSize: number,
): Promise<Map<string, EntityState>> {
  if (ids.length === 0) return new Map();
  const states = await readInChunks(ids, maxBatchSize, (chunk) => store.getEntities(organizationId, kind, chunk));
  return new Map(states.map((state) => [state.id, state]));
}

export interface UserFacts {
  previous: Map<string, EntityState>;
  groups: GroupFacts;
  storedGroups: Map<string, string[]>;
}

/**
 * Version records of the users, what the store knows of the groups they name (tombstones, live
 * records), and, for a role mapping only, group names and the stored groups of users whose change
 * names none.
 */
export async function loadUserFacts(
  store: ScimStore,
  organizationId: string,
  changes: readonly UserChange[],
  withRoles: boolean,
  maxBatchSize: number,
): Promise<UserFacts> {
  const previous = await readStates(
    store,
    organizationId,
    'user',
    unique(changes.map((c) => (c.type === 'user' ? c.user.id : c.userId))),
    maxBatchSize,
  );
  const named = new Set<string>();
  for (const c of changes)
    if (c.type === 'user' && c.user.groups !== undefined) for (const g of c.user.groups) named.add(g.id);
  const deleted = new Set<string>();
  const live = new Set<string>();
  const versions = new Map<string, bigint>();
  if (named.size > 0) {
    for (const state of (await readStates(store, organizationId, 'group', [...named], maxBatchSize)).values()) {
      (state.deleted ? deleted : live).add(state.id);
      if (!state.deleted) versions.set(state.id, state.version);
    }
  }
  const storedGroups = new Map<string, string[]>();
  const names = new Map<string, string | null>();
  if (withRoles) {
    const lacking = changes.flatMap((c) =>
      c.type === 'user' && c.user.groups === undefined && c.user.roles !== undefined ? [c.user.id] : [],
    );
    if (lacking.length > 0) {
      const memberships = await readInChunks(lacking, maxBatchSize, (userIds) =>
        store.listMemberships(organizationId, { userIds }),
      );
      for (const m of memberships) {
        const list = storedGroups.get(m.userId);
        if (list === undefined) storedGroups.set(m.userId, [m.groupId]);
        else list.push(m.groupId);
        named.add(m.groupId);
      }
    }
    if (named.size > 0) {
      const stored = await readInChunks([...named], maxBatchSize, (ids) => store.getGroups(organizationId, ids));
      for (const group of stored) names.set(group.id, group.displayName);
    }
  }
  return { previous, groups: { deleted, live, names, versions }, storedGroups };
}
