import fc from 'fast-check';
import { nanosToRfc3339 } from '../../src/events/timestamp.js';
import type { ApiDirectoryGroup, ApiDirectoryUser, DirectoryApiClient } from '../../src/sync/types.js';

/**
 * A directory that changes over time, seen two ways: as the webhook events Scalekit sends for each
 * change, and as what the Directory API lists at any moment. The differential tests feed the same
 * history to the engine both ways and compare what the app ends with.
 *
 * Like a real directory: every change is a full record, a user names only groups that exist, a group's
 * deletion also sends `user_updated` for each of its members (Scalekit does), and deleted ids never
 * come back for groups. Roles come only from groups here: the Directory API does not list the
 * directory's own roles, so the two sources could not agree on them.
 */

export const DIRECTORY_ID = 'dir_1';
export const ROLE_TABLE: Record<string, string | string[]> = {
  dirgroup_0_0: 'admin',
  Engineering: ['editor', 'viewer'],
  dirgroup_1_1: 'auditor',
};

const USERS = 4;
const GROUPS = 2;
/** Versions a millisecond apart at least: a sync's own version (its start) has millisecond precision. */
const MS = 1_000_000n;
const START = BigInt(Date.UTC(2026, 0, 1)) * MS;

interface UserRecord {
  id: string;
  email: string | null;
  name: string | null;
  department: string | null;
  active: boolean;
  groups: string[];
  version: bigint;
}

interface GroupRecord {
  id: string;
  name: string;
  version: bigint;
}

export type Payload = Record<string, unknown>;

/** One change of the directory and the events it sends (a group deletion sends several). */
export interface Step {
  events: { id: string; version: bigint; payload: Payload }[];
  /** A deletion: only a full sync can see it. */
  deletes: boolean;
  /** The directory after the step, as the Directory API lists it. */
  users: readonly UserRecord[];
  groups: readonly GroupRecord[];
}

export interface DirectoryHistory {
  organizationId: string;
  steps: Step[];
  userIds: string[];
  groupIds: string[];
}

const intentArb = fc.record({
  op: fc.constantFrom('user', 'user', 'user', 'user', 'user_deleted', 'group', 'group', 'group_deleted'),
  slot: fc.nat(USERS - 1),
  group: fc.nat(GROUPS - 1),
  email: fc.constantFrom('ada@example.com', 'grace@example.com', null),
  name: fc.constantFrom('Ada', 'Grace', null),
  department: fc.constantFrom('R&D', 'Sales', null),
  active: fc.boolean(),
  groupMask: fc.nat(2 ** GROUPS - 1),
  groupName: fc.constantFrom('Engineering', 'Admins', 'Everyone'),
  gapMs: fc.integer({ min: 2, max: 5_000 }),
});

export function directoryHistoryArb(organizationId: string, maxSteps = 25): fc.Arbitrary<DirectoryHistory> {
  return fc.array(intentArb, { minLength: 1, maxLength: maxSteps }).map((intents) => {
    const users = new Map<string, UserRecord>();
    const groups = new Map<string, GroupRecord>();
    const generation = new Array<number>(GROUPS).fill(0);
    const seenGroups = new Set<string>();
    const steps: Step[] = [];
    let version = START;
    let n = 0;
    const next = () => {
      version += MS * 2n;
      return version;
    };
    const snapshot = (events: Step['events'], deletes: boolean) =>
      steps.push({
        events,
        deletes,
        users: [...users.values()].map((u) => ({ ...u, groups: [...u.groups] })),
        groups: [...groups.values()].map((g) => ({ ...g })),
      });
    for (const intent of intents) {
      version += BigInt(intent.gapMs) * MS;
      const userId = `diruser_${intent.slot}`;
      const groupId = `dirgroup_${intent.group}_${generation[intent.group]}`;
      if (intent.op === 'user') {
        const existed = users.has(userId);
        const record: UserRecord = {
          id: userId,
          email: intent.email,
          name: intent.name,
          department: intent.department,
          active: intent.active,
          groups: [...groups.keys()].filter((_, g) => intent.groupMask & (1 << g)).sort(),
          version: next(),
        };
        users.set(userId, record);
        const type = existed ? 'organization.directory.user_updated' : 'organization.directory.user_created';
        snapshot([userEvent(organizationId, `evt_${n++}`, type, record, groups)], false);
      } else if (intent.op === 'user_deleted') {
        if (!users.delete(userId)) continue;
        const v = next();
        snapshot(
          [
            {
              id: `evt_${n}`,
              version: v,
              payload: envelope(organizationId, `evt_${n++}`, 'organization.directory.user_deleted', v, {
                id: userId,
                organization_id: organizationId,
              }),
            },
          ],
          true,
        );
      } else if (intent.op === 'group') {
        const record = { id: groupId, name: intent.groupName, version: next() };
        const type = groups.has(groupId)
          ? 'organization.directory.group_updated'
          : 'organization.directory.group_created';
        groups.set(groupId, record);
        seenGroups.add(groupId);
        snapshot(
          [
            {
              id: `evt_${n}`,
              version: record.version,
              payload: envelope(organizationId, `evt_${n++}`, type, record.version, groupData(organizationId, record)),
            },
          ],
          false,
        );
      } else {
        const group = groups.get(groupId);
        if (group === undefined) continue;
        groups.delete(groupId);
        generation[intent.group]!++;
        const v = next();
        const events: Step['events'] = [
          {
            id: `evt_${n}`,
            version: v,
            payload: envelope(
              organizationId,
              `evt_${n++}`,
              'organization.directory.group_deleted',
              v,
              groupData(organizationId, group),
            ),
          },
        ];
        for (const user of users.values()) {
          if (!user.groups.includes(groupId)) continue;
          user.groups = user.groups.filter((g) => g !== groupId);
          user.version = next();
          events.push(userEvent(organizationId, `evt_${n++}`, 'organization.directory.user_updated', user, groups));
        }
        snapshot(events, true);
      }
    }
    return {
      organizationId,
      steps,
      userIds: Array.from({ length: USERS }, (_, i) => `diruser_${i}`),
      groupIds: [...seenGroups].sort(),
    };
  });
}

function envelope(organizationId: string, id: string, type: string, version: bigint, data: unknown): Payload {
  return {
    spec_version: '1',
    id,
    type,
    occurred_at: nanosToRfc3339(version),
    environment_id: 'env_1',
    organization_id: organizationId,
    object: type.includes('group') ? 'DirectoryGroup' : 'DirectoryUser',
    data,
  };
}

function groupData(organizationId: string, group: GroupRecord): Payload {
  return { id: group.id, organization_id: organizationId, directory_id: DIRECTORY_ID, display_name: group.name };
}

function userData(organizationId: string, user: UserRecord, groups: ReadonlyMap<string, GroupRecord>): Payload {
  return {
    id: user.id,
    organization_id: organizationId,
    email: user.email,
    name: user.name,
    department: user.department,
    active: user.active,
    groups: user.groups.map((id) => ({ id, name: groups.get(id)?.name ?? null })),
  };
}

function userEvent(
  organizationId: string,
  id: string,
  type: string,
  user: UserRecord,
  groups: ReadonlyMap<string, GroupRecord>,
): Step['events'][number] {
  return {
    id,
    version: user.version,
    payload: envelope(organizationId, id, type, user.version, userData(organizationId, user, groups)),
  };
}

const timestamp = (v: bigint) => ({ seconds: v / 1_000_000_000n, nanos: Number(v % 1_000_000_000n) });

/**
 * The Directory API over one step of the history: what Scalekit lists at that moment, 100 users and
 * 30 groups a page at most, `updatedAfter` honoured, users with their detail (webhook-shaped data).
 */
export function directoryApi(organizationId: string, current: () => Step): DirectoryApiClient {
  const page = <T>(items: readonly T[], token: string | undefined, size: number) => {
    const start = token ? Number(token) : 0;
    return { items: items.slice(start, start + size), next: start + size < items.length ? String(start + size) : '' };
  };
  const after = (updatedAfter: string | undefined) =>
    updatedAfter === undefined ? -1n : BigInt(Date.parse(updatedAfter)) * MS;
  return {
    directory: {
      listDirectories: async () => ({ directories: [{ id: DIRECTORY_ID, organizationId, enabled: true }] }),
      listDirectoryUsers: async (_org, _dir, options = {}) => {
        const step = current();
        const groups = new Map(step.groups.map((g) => [g.id, g]));
        const since = after(options.updatedAfter);
        const listed = step.users
          .filter((u) => u.version > since)
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map(
            (u): ApiDirectoryUser => ({
              id: u.id,
              email: u.email ?? '',
              preferredUsername: '',
              givenName: '',
              familyName: '',
              updatedAt: timestamp(u.version),
              emails: u.email === null ? [] : [u.email],
              groups: u.groups.map((id) => ({ id, displayName: groups.get(id)?.name ?? '' })),
              userDetail: userData(organizationId, u, groups),
            }),
          );
        const { items, next } = page(listed, options.pageToken, options.pageSize ?? 10);
        return { users: items, totalSize: listed.length, nextPageToken: next };
      },
      listDirectoryGroups: async (_org, _dir, options = {}) => {
        const since = after(options.updatedAfter);
        const listed = current()
          .groups.filter((g) => g.version > since)
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((g): ApiDirectoryGroup => ({ id: g.id, displayName: g.name, updatedAt: timestamp(g.version) }));
        const { items, next } = page(listed, options.pageToken, options.pageSize ?? 10);
        return { groups: items, totalSize: listed.length, nextPageToken: next };
      },
    },
  };
}
