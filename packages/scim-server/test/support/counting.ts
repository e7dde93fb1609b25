import type { ScimStore } from '../../src/index.js';

/** Counts the store calls a request makes and the ids they carry. */
export function counting(store: ScimStore) {
  const calls: Record<string, number> = {};
  const ids: Record<string, number> = {};
  const count = (name: string, size = 0) => {
    calls[name] = (calls[name] ?? 0) + 1;
    ids[name] = (ids[name] ?? 0) + size;
  };
  const tally = <T>(name: string, size: number, run: () => T): T => {
    count(name, size);
    return run();
  };
  const wrapped: ScimStore = {
    findToken: (hash) => store.findToken(hash),
    get: (...args) => tally('get', 0, () => store.get(...args)),
    query: (query) => tally('query', 0, () => store.query(query)),
    existingIds: (org, type, list) => tally('existingIds', list.length, () => store.existingIds(org, type, list)),
    listMembers: (query) => tally('listMembers', 0, () => store.listMembers(query)),
    groupsOfUsers: (org, list) => tally('groupsOfUsers', list.length, () => store.groupsOfUsers(org, list)),
    write: (write) =>
      tally('write', (write.members?.add.length ?? 0) + (write.members?.remove.length ?? 0), () => store.write(write)),
  };

  return {
    store: wrapped,
    take: () => {
      const snapshot = { calls: { ...calls }, ids: { ...ids } };
      for (const key of Object.keys(calls)) delete calls[key];
      for (const key of Object.keys(ids)) delete ids[key];
      return snapshot;
    },
  };
}
