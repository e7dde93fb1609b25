import type { EntityKind, EntityState, ScimStore } from '../adapter/contract.js';
import { readInChunks } from './batching.js';
import type { UserChange } from './changes.js';
import type { GroupFacts } from './plan-users.js';
import { unique } from './versions.js';

/** The reads a plan needs, a constant number of store calls per batch. */

export function readStates(
  store: ScimStore,
  organizationId: string,
  kind: EntityKind,
  ids: readonly string[],
  maxBatchSize: number,
): Promise<Map<string, EntityState>> {
  if (ids.length === 0) return Promise.resolve(new Map());
  return readInChunks(ids, maxBatchSize, (chunk) => store.getEntities(organizationId, kind, chunk)).then(byEntityId);
}

function byEntityId(states: readonly EntityState[]): Map<string, EntityState> {
  const map = new Map<string, EntityState>();
  for (const state of states) map.set(state.id, state);
  return map;
}

export interface UserFacts {
  previous: ReadonlyMap<string, EntityState>;
  groups: GroupFacts;
  storedGroups: ReadonlyMap<string, readonly string[]>;
}

const NO_NAMES: ReadonlyMap<string, string | null> = new Map();
const NO_VERSIONS: ReadonlyMap<string, bigint> = new Map();
const NO_GROUPS: ReadonlyMap<string, readonly string[]> = new Map();

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
  const ids = changes.map((c) => (c.type === 'user' ? c.user.id : c.userId));
  const previous = await readStates(store, organizationId, 'user', ids.length === 1 ? ids : unique(ids), maxBatchSize);
  const named = new Set<string>();
  for (const c of changes)
    if (c.type === 'user' && c.user.groups !== undefined) for (const g of c.user.groups) named.add(g.id);
  const deleted = new Set<string>();
  const live = new Set<string>();
  // Group versions and names matter only to a role mapping.
  const versions = withRoles ? new Map<string, bigint>() : NO_VERSIONS;
  if (named.size > 0) {
    const states = await readInChunks([...named], maxBatchSize, (chunk) =>
      store.getEntities(organizationId, 'group', chunk),
    );
    for (const state of states) {
      (state.deleted ? deleted : live).add(state.id);
      if (withRoles && !state.deleted) (versions as Map<string, bigint>).set(state.id, state.version);
    }
  }
  if (!withRoles) return { previous, groups: { deleted, live, names: NO_NAMES, versions }, storedGroups: NO_GROUPS };
  const storedGroups = new Map<string, string[]>();
  const names = new Map<string, string | null>();
  {
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
