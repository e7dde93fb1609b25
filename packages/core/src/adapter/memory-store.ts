import { ScimError } from '../errors.js';
import type { DirectoryGroupRef } from '../events/types.js';
import type { ResourceStore, ScimStore } from './contract.js';
import {
  copyState,
  EMPTY_ORG,
  type MemoryData,
  type MemoryUser,
  NO_STRINGS,
  type OrgData,
  type UndoStep,
} from './memory-data.js';
import { MemoryResources } from './memory-resources.js';
import type {
  DirectoryWrite,
  EntityAdvance,
  EntityKind,
  EntityState,
  EventQuery,
  GroupWrite,
  HeldLease,
  IdentityLink,
  InboxRecord,
  InboxUpdate,
  LeaseRequest,
  ListPage,
  Membership,
  StoredDirectory,
  StoredGroup,
  SyncState,
  UserPatch,
  UserWrite,
} from './records.js';

/**
 * A store view that records how to undo each write, so that a failed transaction leaves nothing.
 * Values are copied on the way in and out: callers never hold a reference into the store.
 */
export class MemoryStore implements ScimStore {
  private readonly resources: MemoryResources;

  constructor(
    private readonly data: MemoryData,
    private readonly undo: UndoStep[],
  ) {
    this.resources = new MemoryResources(data, (map, k, value) => this.set(map, k, value));
  }

  // The SCIM server's records (see memory-resources.ts).
  getResource: ResourceStore['getResource'] = (...args) => this.resources.getResource(...args);
  queryResources: ResourceStore['queryResources'] = (...args) => this.resources.queryResources(...args);
  existingResources: ResourceStore['existingResources'] = (...args) => this.resources.existingResources(...args);
  putResource: ResourceStore['putResource'] = (...args) => this.resources.putResource(...args);
  addMemberships: ResourceStore['addMemberships'] = (...args) => this.resources.addMemberships(...args);
  removeMemberships: ResourceStore['removeMemberships'] = (...args) => this.resources.removeMemberships(...args);
  listGroupMembers: ResourceStore['listGroupMembers'] = (...args) => this.resources.listGroupMembers(...args);
  findToken: ResourceStore['findToken'] = (...args) => this.resources.findToken(...args);
  saveToken: ResourceStore['saveToken'] = (...args) => this.resources.saveToken(...args);
  listTokens: ResourceStore['listTokens'] = (...args) => this.resources.listTokens(...args);
  expireTokens: ResourceStore['expireTokens'] = (...args) => this.resources.expireTokens(...args);

  private set<V>(map: Map<string, V>, k: string, value: V | undefined): void {
    const previous = map.get(k);
    this.undo.push({
      map: map as Map<string, unknown>,
      key: k,
      had: previous !== undefined || map.has(k),
      previous,
    });
    if (value === undefined) map.delete(k);
    else map.set(k, value);
  }

  async claimEvents(records: readonly InboxRecord[]): Promise<string[]> {
    const claimed: string[] = [];
    for (const record of records) {
      if (this.data.inbox.has(record.id)) continue;
      this.set(this.data.inbox, record.id, { ...record });
      claimed.push(record.id);
    }
    return claimed;
  }

  async finishEvents(entries: readonly InboxUpdate[]): Promise<void> {
    for (const { id, status, reason, payload } of entries) {
      const record = this.data.inbox.get(id);
      if (record === undefined) continue;
      this.set(this.data.inbox, id, {
        ...record,
        status,
        reason: reason === undefined ? record.reason : reason,
        payload: payload === undefined ? record.payload : payload,
      });
    }
  }

  async getEvent(id: string): Promise<InboxRecord | null> {
    const record = this.data.inbox.get(id);
    return record === undefined ? null : { ...record };
  }

  async pruneEvents(before: Date): Promise<number> {
    let count = 0;
    for (const [id, record] of this.data.inbox) {
      if (record.receivedAt.getTime() < before.getTime()) {
        this.set(this.data.inbox, id, undefined);
        count++;
      }
    }
    return count;
  }

  async getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]> {
    const out: EntityState[] = [];
    for (const id of new Set(ids)) {
      const state = this.data.peek(organizationId).entities[kind].get(id);
      if (state !== undefined) out.push(copyState(state));
    }
    return out;
  }

  async advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    const written: string[] = [];
    // One Date for the whole call: records are copied on the way out, so none escapes to be changed.
    const now = new Date();
    for (const item of items) {
      const k = item.id;
      const org = this.data.org(organizationId);
      const entities = org.entities[kind];
      const stored = entities.get(k);
      const newer =
        stored === undefined ||
        stored.version < item.version ||
        (stored.version === item.version && item.eventId !== null && stored.eventId === item.eventId);
      if (!newer) continue;
      if (item.expected !== undefined && (stored?.version ?? null) !== item.expected) continue;
      if (stored === undefined) org.sortedIds[kind] = null;
      this.set(entities, k, {
        organizationId,
        kind,
        id: item.id,
        version: item.version,
        deleted: item.deleted,
        active: item.active,
        fingerprint: item.fingerprint,
        directoryRoles: item.directoryRoles === null ? null : [...item.directoryRoles],
        eventId: item.eventId,
        updatedAt: now,
      });
      written.push(item.id);
    }
    // An id given twice may be written twice; the answer names it once.
    return [...new Set(written)];
  }

  async listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> {
    const org = this.data.peek(organizationId);
    const entities = org.entities[kind];
    let ids = org.sortedIds[kind];
    if (ids === null) {
      ids = [...entities.keys()].sort();
      if (org !== EMPTY_ORG) org.sortedIds[kind] = ids;
    }
    // The first id after `after`, by binary search.
    let low = 0;
    let high = ids.length;
    if (page.after !== undefined) {
      const after = page.after;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (ids[mid]! <= after) low = mid + 1;
        else high = mid;
      }
    }
    const out: EntityState[] = [];
    for (let i = low; i < ids.length && out.length < page.limit; i++) {
      const state = entities.get(ids[i]!);
      if (state !== undefined) out.push(copyState(state));
    }
    return out;
  }

  async upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    this.requireTable();
    for (const user of users) {
      const k = user.id;
      const users = this.data.org(organizationId).users;
      const existing = users.get(k);
      const merged = (existing === undefined ? { roles: NO_STRINGS } : { ...existing }) as unknown as Record<
        string,
        unknown
      >;
      const fields = user as unknown as Record<string, unknown>;
      for (const field in fields) {
        const value = fields[field];
        // Groups are kept as memberships, not a second time on the user.
        if (value !== undefined && field !== 'groups') merged[field] = value;
      }
      merged.organizationId = organizationId;
      if (user.roles !== undefined) merged.roles = user.roles.length === 0 ? NO_STRINGS : [...user.roles];
      if (user.emails !== undefined) merged.emails = [...user.emails];
      this.set(users, k, merged as unknown as MemoryUser);
    }
  }

  async patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    this.requireTable();
    for (const patch of patches) {
      const k = patch.id;
      const users = this.data.peek(organizationId).users;
      const existing = users.get(k);
      if (existing === undefined) continue;
      const next: MemoryUser = { ...existing };
      if (patch.active !== undefined) next.active = patch.active;
      if (patch.roles !== undefined) next.roles = [...patch.roles];
      this.set(users, k, next);
    }
  }

  async deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    this.requireTable();
    for (const id of ids) {
      const users = this.data.peek(organizationId).users;
      if (users.has(id)) this.set(users, id, undefined);
    }
  }

  async upsertGroups(organizationId: string, groups: readonly GroupWrite[]): Promise<void> {
    for (const group of groups) {
      const groups = this.data.org(organizationId).groups;
      const existing = groups.get(group.id);
      this.set(groups, group.id, {
        organizationId,
        id: group.id,
        directoryId: group.directoryId !== undefined ? group.directoryId : (existing?.directoryId ?? null),
        displayName: group.displayName !== undefined ? group.displayName : (existing?.displayName ?? null),
        externalId: group.externalId !== undefined ? group.externalId : (existing?.externalId ?? null),
      });
    }
  }

  async ensureGroups(organizationId: string, groups: readonly DirectoryGroupRef[]): Promise<void> {
    for (const group of groups) {
      const stored = this.data.org(organizationId).groups;
      if (stored.has(group.id)) continue;
      this.set(stored, group.id, {
        organizationId,
        id: group.id,
        directoryId: null,
        displayName: group.displayName ?? null,
        externalId: null,
      });
    }
  }

  async deleteGroups(organizationId: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const groups = this.data.peek(organizationId).groups;
      if (groups.has(id)) this.set(groups, id, undefined);
    }
  }

  async getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    const out: StoredGroup[] = [];
    for (const id of new Set(ids)) {
      const group = this.data.peek(organizationId).groups.get(id);
      if (group !== undefined) out.push({ ...group });
    }
    return out;
  }

  /** Sets a user's groups. */
  private setGroupsOfUser(org: OrgData, userId: string, next: readonly string[]): void {
    this.set(org.groupsOfUser, userId, next.length === 0 ? undefined : next);
  }

  async replaceMemberships(
    organizationId: string,
    entries: readonly { userId: string; groupIds: readonly string[] }[],
  ): Promise<void> {
    const org = this.data.org(organizationId);
    for (const { userId, groupIds } of entries) {
      const next: string[] = [];
      for (const g of groupIds) {
        // The group's own id string: each page of users decodes copies of it, and 100,000 users in a
        // few groups would otherwise keep half a million of them.
        if (!next.includes(g)) next.push(org.groups.get(g)?.id ?? g);
      }
      this.setGroupsOfUser(org, userId, next.length === 0 ? NO_STRINGS : [...next]);
    }
  }

  async removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    const org = this.data.peek(organizationId);
    const removed: Membership[] = [];
    for (const [userId, groups] of [...org.groupsOfUser]) {
      if (!groups.some((g) => groupIds.includes(g))) continue;
      for (const groupId of groups) if (groupIds.includes(groupId)) removed.push({ organizationId, userId, groupId });
      this.setGroupsOfUser(
        org,
        userId,
        groups.filter((g) => !groupIds.includes(g)),
      );
    }
    return removed;
  }

  async listMemberships(
    organizationId: string,
    filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
  ): Promise<Membership[]> {
    const org = this.data.peek(organizationId);
    const out: Membership[] = [];
    if ('userIds' in filter) {
      for (const userId of new Set(filter.userIds)) {
        for (const groupId of org.groupsOfUser.get(userId) ?? []) out.push({ organizationId, userId, groupId });
      }
    } else {
      for (const [userId, groups] of org.groupsOfUser) {
        for (const groupId of groups)
          if (filter.groupIds.includes(groupId)) out.push({ organizationId, userId, groupId });
      }
    }
    return out;
  }

  async upsertDirectory(organizationId: string, directory: DirectoryWrite): Promise<void> {
    const directories = this.data.org(organizationId).directories;
    const existing = directories.get(directory.id);
    this.set(directories, directory.id, {
      organizationId,
      id: directory.id,
      enabled: directory.enabled,
      provider: directory.provider !== undefined ? directory.provider : (existing?.provider ?? null),
      directoryType:
        directory.directoryType !== undefined ? directory.directoryType : (existing?.directoryType ?? null),
      status: directory.status !== undefined ? directory.status : (existing?.status ?? null),
    });
  }

  async getDirectory(organizationId: string, id: string): Promise<StoredDirectory | null> {
    const directory = this.data.peek(organizationId).directories.get(id);
    return directory === undefined ? null : { ...directory };
  }

  async getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null> {
    const state = this.data.peek(organizationId).syncStates.get(directoryId);
    return state === undefined ? null : { ...state };
  }

  async saveSyncState(state: SyncState): Promise<void> {
    this.set(this.data.org(state.organizationId).syncStates, state.directoryId, { ...state });
  }

  async acquireLease(request: LeaseRequest): Promise<boolean> {
    const now = request.now.getTime();
    const held = this.data.leases.get(request.name);
    if (held !== undefined && held.owner !== request.owner && held.expiresAt > now) return false;
    this.set(this.data.leases, request.name, { owner: request.owner, expiresAt: now + request.ttlMs });
    return true;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.data.leases.get(name)?.owner === owner) this.set(this.data.leases, name, undefined);
  }

  async getLeases(names: readonly string[], now: Date): Promise<HeldLease[]> {
    const held: HeldLease[] = [];
    for (const name of new Set(names)) {
      const lease = this.data.leases.get(name);
      if (lease !== undefined && lease.expiresAt > now.getTime()) {
        held.push({ name, owner: lease.owner, expiresAt: new Date(lease.expiresAt) });
      }
    }
    return held;
  }
  async listEvents(query: EventQuery): Promise<InboxRecord[]> {
    const before = query.before;
    const out = [...this.data.inbox.values()].filter(
      (r) =>
        (query.organizationId === undefined || r.organizationId === query.organizationId) &&
        (query.status === undefined || r.status === query.status) &&
        (before === undefined || newerFirst(r, before) > 0),
    );
    out.sort(newerFirst);
    return out.slice(0, query.limit).map((r) => ({ ...r }));
  }

  async getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]> {
    const links = this.data.peek(organizationId).links;
    const out: IdentityLink[] = [];
    for (const directoryUserId of new Set(directoryUserIds)) {
      const appUserId = links.get(directoryUserId);
      if (appUserId !== undefined) out.push({ directoryUserId, appUserId });
    }
    return out;
  }

  async getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]> {
    const wanted = new Set(appUserIds);
    const out: IdentityLink[] = [];
    for (const [directoryUserId, appUserId] of this.data.peek(organizationId).links) {
      if (wanted.has(appUserId)) out.push({ directoryUserId, appUserId });
    }
    return out;
  }

  async saveLinks(organizationId: string, links: readonly IdentityLink[]): Promise<void> {
    const stored = this.data.org(organizationId).links;
    for (const { directoryUserId, appUserId } of links) this.set(stored, directoryUserId, appUserId);
  }

  async deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void> {
    const stored = this.data.peek(organizationId).links;
    for (const id of directoryUserIds) if (stored.has(id)) this.set(stored, id, undefined);
  }

  async listSyncStates(organizationId?: string): Promise<SyncState[]> {
    const orgs = organizationId === undefined ? [...this.data.orgs.keys()].sort() : [organizationId];
    return orgs.flatMap((org) =>
      [...this.data.peek(org).syncStates.values()]
        .sort((a, b) => (a.directoryId < b.directoryId ? -1 : 1))
        .map((state) => ({ ...state })),
    );
  }

  async linkUsersByEmail(
    organizationId: string,
    links: readonly { directoryUserId: string; email: string }[],
  ): Promise<string[]> {
    this.requireTable();
    const linked: string[] = [];
    for (const { directoryUserId, email } of links) {
      const wanted = email.toLowerCase();
      const found = [...this.data.unlinkedUsers].find(([, row]) => row.email?.toLowerCase() === wanted);
      if (found === undefined || this.data.peek(organizationId).users.has(directoryUserId)) continue;
      const [rowId, row] = found;
      this.set(this.data.unlinkedUsers, rowId, undefined);
      this.set(this.data.adoptedRows, rowId, { organizationId, userId: directoryUserId });
      this.set(this.data.org(organizationId).users, directoryUserId, { ...row, id: directoryUserId, organizationId });
      linked.push(directoryUserId);
    }
    return linked;
  }

  private requireTable(): void {
    if (!this.data.userTable) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        'this memory adapter has no users table: the engine must be given users',
      );
    }
  }
}

/** Orders newer first, by time received, then by id (negative when `a` is the newer one). */
function newerFirst(a: { receivedAt: Date; id: string }, b: { receivedAt: Date; id: string }): number {
  const t = a.receivedAt.getTime() - b.receivedAt.getTime();
  if (t !== 0) return t < 0 ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
