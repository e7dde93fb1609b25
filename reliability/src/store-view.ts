import type { MemoryAdapter } from '@scim/core';

/** A user as a scenario checks it, read straight from the store (never through the engine). */
export interface ViewUser {
  email: string | null;
  active: boolean;
  department: string | null;
  groups: string[];
}

/** Back-door reads of the end state, one implementation per store the scenarios run on. */
export interface StoreView {
  name: string;
  user(organizationId: string, id: string): Promise<ViewUser | null>;
  /** Users of one organization, by directory user id. */
  users(organizationId: string): Promise<Map<string, ViewUser>>;
  inboxCount(): Promise<number>;
}

export function memoryView(adapter: MemoryAdapter): StoreView {
  const read = (organizationId: string, id: string): ViewUser | null => {
    const user = adapter.inspect.user(organizationId, id);
    if (user === null) return null;
    return {
      email: user.email ?? null,
      active: user.active,
      department: user.department ?? null,
      groups: adapter.inspect.groupIdsOfUser(organizationId, id),
    };
  };
  return {
    name: 'memory',
    user: async (organizationId, id) => read(organizationId, id),
    users: async (organizationId) =>
      new Map(adapter.inspect.users(organizationId).map((user) => [user.id, read(organizationId, user.id)!])),
    inboxCount: async () => adapter.inspect.inboxSize(),
  };
}
