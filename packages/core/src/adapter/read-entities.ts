import type { EntityKind, EntityState, ScimStore } from './contract.js';

/** The version records of `ids` (one kind, one organization) by id, with one store call; missing ids are absent. */
export async function readEntities(
  store: ScimStore,
  organizationId: string,
  kind: EntityKind,
  ids: readonly string[],
): Promise<Map<string, EntityState>> {
  return new Map((await store.getEntities(organizationId, kind, ids)).map((state) => [state.id, state]));
}
