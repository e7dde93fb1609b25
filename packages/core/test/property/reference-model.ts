import fc from 'fast-check';
import type { MemoryAdapter } from '../../src/adapter/memory-adapter.js';
import { nanosToRfc3339 } from '../../src/events/timestamp.js';
import type { Universe } from './harness.js';

/**
 * Directory histories and a reference model of what the store must hold after them.
 *
 * A history is what a real directory can produce, in the order it happened: user and group ids are
 * never reused after a deletion of a group, a user's `groups` names only groups that exist at that
 * moment, and every user event carries the whole record (Scalekit sends full records). Versions are
 * distinct and grow with the history. Under these conditions the end state must not depend on the
 * order or the number of deliveries.
 */

export const DIRECTORY_ID = 'dir_1';
export const ROLE_TABLE: Record<string, string[]> = {
  dirgroup_0_0: ['admin'],
  dirgroup_1_0: ['editor', 'viewer'],
  dirgroup_1_1: ['auditor'],
};

const START = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;

export type HistoryEvent =
  | {
      kind: 'user';
      type: 'organization.directory.user_created' | 'organization.directory.user_updated';
      eventId: string;
      version: bigint;
      userId: string;
      email: string | null;
      name: string | null;
      department: string | null;
      active: boolean;
      /** `active` as sent: a boolean, or the "True"/"False" strings some providers send. */
      activeRaw: boolean | string;
      groups: { id: string; name: string }[];
      roles: string[];
    }
  | { kind: 'user_deleted'; eventId: string; version: bigint; userId: string }
  | {
      kind: 'group';
      type: 'organization.directory.group_created' | 'organization.directory.group_updated';
      eventId: string;
      version: bigint;
      groupId: string;
      name: string;
    }
  | { kind: 'group_deleted'; eventId: string; version: bigint; groupId: string; name: string }
  | { kind: 'directory'; eventId: string; version: bigint; enabled: boolean }
  | { kind: 'unknown'; eventId: string; version: bigint };

export interface History {
  organizationId: string;
  events: HistoryEvent[];
  universe: Universe;
}

const USERS = 3;
const GROUPS = 2;

const intentArb = fc.record({
  op: fc.constantFrom(
    'user',
    'user',
    'user',
    'user_deleted',
    'group',
    'group',
    'group_deleted',
    'directory',
    'unknown',
  ),
  slot: fc.nat(USERS - 1),
  group: fc.nat(GROUPS - 1),
  email: fc.constantFrom('ada@example.com', 'grace@example.com', null),
  name: fc.constantFrom('Ada', 'Grace', 'Linus', null),
  department: fc.constantFrom('R&D', 'Sales', null),
  active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False')),
  groupMask: fc.nat(2 ** GROUPS - 1),
  roles: fc.subarray(['owner', 'member', 'billing']),
  groupName: fc.constantFrom('Engineering', 'Admins', 'Everyone'),
  gap: fc.bigInt({ min: 1n, max: 5_000_000_000n }),
});

/** Histories of up to `maxEvents` events for one organization; event ids carry `eventPrefix`. */
export function historyArb(organizationId: string, eventPrefix: string, maxEvents = 30): fc.Arbitrary<History> {
  return fc.array(intentArb, { minLength: 1, maxLength: maxEvents }).map((intents) => {
    const events: HistoryEvent[] = [];
    const userAlive = new Array<boolean>(USERS).fill(false);
    const generation = new Array<number>(GROUPS).fill(0);
    const groupAlive = new Array<boolean>(GROUPS).fill(false);
    const groupName = new Array<string>(GROUPS).fill('');
    const groupIds = new Set<string>();
    let version = START;
    intents.forEach((intent, i) => {
      version += intent.gap;
      const eventId = `evt_${eventPrefix}${i}`;
      const userId = `diruser_${intent.slot}`;
      const gid = (g: number) => `dirgroup_${g}_${generation[g]}`;
      switch (intent.op) {
        case 'user': {
          const groups: { id: string; name: string }[] = [];
          for (let g = 0; g < GROUPS; g++) {
            if (groupAlive[g] && intent.groupMask & (1 << g)) groups.push({ id: gid(g), name: groupName[g]! });
          }
          const active = typeof intent.active === 'boolean' ? intent.active : intent.active === 'True';
          events.push({
            kind: 'user',
            type: userAlive[intent.slot]
              ? 'organization.directory.user_updated'
              : 'organization.directory.user_created',
            eventId,
            version,
            userId,
            email: intent.email,
            name: intent.name,
            department: intent.department,
            active,
            activeRaw: intent.active,
            groups,
            roles: intent.roles,
          });
          userAlive[intent.slot] = true;
          return;
        }
        case 'user_deleted':
          events.push({ kind: 'user_deleted', eventId, version, userId });
          userAlive[intent.slot] = false;
          return;
        case 'group': {
          const g = intent.group;
          const created = !groupAlive[g];
          groupAlive[g] = true;
          groupName[g] = intent.groupName;
          groupIds.add(gid(g));
          events.push({
            kind: 'group',
            type: created ? 'organization.directory.group_created' : 'organization.directory.group_updated',
            eventId,
            version,
            groupId: gid(g),
            name: intent.groupName,
          });
          return;
        }
        case 'group_deleted': {
          const g = intent.group;
          groupIds.add(gid(g));
          events.push({ kind: 'group_deleted', eventId, version, groupId: gid(g), name: groupName[g]! });
          // A deleted group's id never comes back: the next group in this slot is a new one.
          groupAlive[g] = false;
          generation[g]!++;
          return;
        }
        case 'directory':
          events.push({ kind: 'directory', eventId, version, enabled: intent.groupMask % 2 === 0 });
          return;
        case 'unknown':
          events.push({ kind: 'unknown', eventId, version });
          return;
      }
    });
    return {
      organizationId,
      events,
      universe: {
        organizationId,
        userIds: Array.from({ length: USERS }, (_, i) => `diruser_${i}`),
        groupIds: [...groupIds].sort(),
        directoryIds: [DIRECTORY_ID],
        eventIds: events.map((e) => e.eventId),
      },
    };
  });
}

/** The raw Scalekit payload of a history event. */
export function toPayload(organizationId: string, event: HistoryEvent): Record<string, unknown> {
  const envelope = (type: string, data: unknown) => ({
    spec_version: '1',
    id: event.eventId,
    type,
    occurred_at: nanosToRfc3339(event.version),
    environment_id: 'env_1',
    organization_id: organizationId,
    object: 'DirectoryUser',
    display_name: type,
    data,
  });
  switch (event.kind) {
    case 'user':
      return envelope(event.type, {
        id: event.userId,
        organization_id: organizationId,
        email: event.email,
        name: event.name,
        department: event.department,
        active: event.activeRaw,
        groups: event.groups.map((g) => ({ id: g.id, name: g.name })),
        roles: event.roles.map((role_name) => ({ role_name })),
      });
    case 'user_deleted':
      return envelope('organization.directory.user_deleted', { id: event.userId, organization_id: organizationId });
    case 'group':
      return envelope(event.type, {
        id: event.groupId,
        organization_id: organizationId,
        directory_id: DIRECTORY_ID,
        display_name: event.name,
      });
    case 'group_deleted':
      return envelope('organization.directory.group_deleted', {
        id: event.groupId,
        organization_id: organizationId,
        directory_id: DIRECTORY_ID,
        display_name: event.name,
      });
    case 'directory':
      return envelope(event.enabled ? 'organization.directory_enabled' : 'organization.directory_disabled', {
        id: DIRECTORY_ID,
        organization_id: organizationId,
        provider: 'OKTA',
      });
    case 'unknown':
      return envelope('organization.directory.something_new', { anything: [1, 'two'] });
  }
}

/**
 * The part of the store the model predicts. `users` holds the users whose newest event is not a
 * deletion. A user whose newest event is a deletion is only known to be deprovisioned: whether an
 * inactive row was ever created depends on whether one of its older events arrived before the
 * deletion, which delivery order decides.
 */
export interface ModelState {
  users: Record<
    string,
    { email: string | null; displayName: string | null; department: string | null; active: boolean; roles: string[] }
  >;
  userVersions: Record<string, { version: bigint; deleted: boolean }>;
  groups: Record<string, string>;
  groupVersions: Record<string, { version: bigint; deleted: boolean }>;
  memberships: string[];
  directories: Record<string, boolean>;
  inbox: string[];
}

/**
 * The rules, written as plainly as possible: events are applied once each in version order; the
 * newest version of an entity wins; a deleted entity keeps a tombstone; a user's memberships are
 * its event's groups; a deleted group takes its memberships with it; roles are the directory's own
 * roles followed by those of the role table, without repeats.
 */
export function referenceModel(history: History, deprovision: 'deactivate' | 'delete'): ModelState {
  const sorted = [...history.events].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  const users = new Map<string, ModelState['users'][string]>();
  const userVersions = new Map<string, { version: bigint; deleted: boolean }>();
  const groups = new Map<string, string>();
  const groupVersions = new Map<string, { version: bigint; deleted: boolean }>();
  const memberships = new Map<string, Set<string>>();
  const directories = new Map<string, boolean>();
  const directoryRoles = new Map<string, string[]>();
  const newer = (map: Map<string, { version: bigint }>, id: string, version: bigint) =>
    (map.get(id)?.version ?? -1n) < version;

  for (const event of sorted) {
    switch (event.kind) {
      case 'user': {
        if (!newer(userVersions, event.userId, event.version)) break;
        const live = event.groups.filter((g) => groupVersions.get(g.id)?.deleted !== true);
        userVersions.set(event.userId, { version: event.version, deleted: false });
        memberships.set(event.userId, new Set(live.map((g) => g.id)));
        for (const g of live) if (!groups.has(g.id)) groups.set(g.id, g.name);
        directoryRoles.set(event.userId, event.roles);
        users.set(event.userId, {
          email: event.email,
          displayName: event.name,
          department: event.department,
          active: event.active,
          roles: rolesOf(
            event.roles,
            live.map((g) => g.id),
          ),
        });
        break;
      }
      case 'user_deleted': {
        if (!newer(userVersions, event.userId, event.version)) break;
        userVersions.set(event.userId, { version: event.version, deleted: true });
        memberships.delete(event.userId);
        const user = users.get(event.userId);
        if (deprovision === 'delete') users.delete(event.userId);
        else if (user !== undefined) user.active = false;
        break;
      }
      case 'group':
        if (!newer(groupVersions, event.groupId, event.version)) break;
        groupVersions.set(event.groupId, { version: event.version, deleted: false });
        groups.set(event.groupId, event.name);
        break;
      case 'group_deleted':
        if (!newer(groupVersions, event.groupId, event.version)) break;
        groupVersions.set(event.groupId, { version: event.version, deleted: true });
        groups.delete(event.groupId);
        for (const [userId, set] of memberships) {
          if (!set.delete(event.groupId)) continue;
          // A role the deleted group granted goes with it.
          const user = users.get(userId);
          if (user !== undefined) user.roles = rolesOf(directoryRoles.get(userId) ?? [], [...set]);
        }
        break;
      case 'directory':
        directories.set(DIRECTORY_ID, event.enabled);
        break;
      case 'unknown':
        break;
    }
  }
  for (const [id, state] of userVersions) if (state.deleted) users.delete(id);
  return {
    users: Object.fromEntries([...users].sort()),
    userVersions: Object.fromEntries([...userVersions].sort()),
    groups: Object.fromEntries([...groups].sort()),
    groupVersions: Object.fromEntries([...groupVersions].sort()),
    memberships: [...memberships].flatMap(([u, set]) => [...set].map((g) => `${u}>${g}`)).sort(),
    directories: Object.fromEntries(directories),
    inbox: history.events.map((e) => e.eventId).sort(),
  };
}

function rolesOf(directoryRoles: readonly string[], groupIds: readonly string[]): string[] {
  return [...new Set([...directoryRoles, ...groupIds.flatMap((id) => ROLE_TABLE[id] ?? [])])];
}

/**
 * The same projection, read from the memory adapter. The row of a deleted user, where there is one,
 * must be inactive (policy 'deactivate') and is then left out like the model leaves it out.
 */
export function observedState(adapter: MemoryAdapter, u: Universe): ModelState {
  const { inspect } = adapter;
  const org = u.organizationId;
  const users: ModelState['users'] = {};
  for (const user of inspect.users(org).sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (inspect.entity(org, 'user', user.id)?.deleted === true) {
      if (user.active) throw new Error(`deleted user ${user.id} is still active`);
      continue;
    }
    users[user.id] = {
      email: user.email ?? null,
      displayName: user.displayName ?? null,
      department: user.department ?? null,
      active: user.active,
      roles: user.roles,
    };
  }
  const versions = (kind: 'user' | 'group', ids: readonly string[]) =>
    Object.fromEntries(
      ids.flatMap((id) => {
        const state = inspect.entity(org, kind, id);
        return state === null ? [] : [[id, { version: state.version, deleted: state.deleted }]];
      }),
    );
  const groups: Record<string, string> = {};
  for (const id of u.groupIds) {
    const group = inspect.group(org, id);
    if (group !== null) groups[id] = group.displayName ?? '';
  }
  const directories: Record<string, boolean> = {};
  for (const id of u.directoryIds) {
    const directory = inspect.directory(org, id);
    if (directory !== null) directories[id] = directory.enabled;
  }
  return {
    users,
    userVersions: versions('user', u.userIds),
    groups,
    groupVersions: versions('group', u.groupIds),
    memberships: u.userIds.flatMap((id) => inspect.groupIdsOfUser(org, id).map((g) => `${id}>${g}`)).sort(),
    directories,
    inbox: u.eventIds.filter((id) => inspect.inbox(id) !== null).sort(),
  };
}
