/**
 * The deliveries of the ingest benchmark: a timeline of directory events over a few organizations (groups created,
 * users created, updated, deactivated and deleted, groups renamed and one group deleted per organization), then
 * sent in a shuffled order with redeliveries, the way Scalekit's retries and parallel senders produce them. Seeded,
 * so every target and every run gets the same events in the same order. Also the end state they must leave.
 */

export interface Delivery {
  /** The `webhook-id` header: the same for a redelivery of one event, as Standard Webhooks retries keep it. */
  webhookId: string;
  eventId: string;
  body: Buffer;
}

export interface ExpectedUser {
  organizationId: string;
  userId: string;
  email: string;
  active: boolean;
  /**
   * Deleted by its newest event. When the deletion overtook the creation, the tombstone keeps the late creation
   * out, so no row at all is as right as an inactive one.
   */
  deleted: boolean;
  /** Nanoseconds of the last event, as the version the store must hold. */
  version: bigint;
  groupIds: string[];
}

export interface IngestPlan {
  deliveries: Delivery[];
  distinctEvents: number;
  redeliveries: number;
  /** Events sent after an event of the same entity with a later `occurred_at`. */
  outOfOrder: number;
  mix: Record<string, number>;
  users: Map<string, ExpectedUser>;
  /** Live groups, by `${organizationId}/${groupId}`, with their last name. */
  groups: Map<string, string>;
}

const ORGANIZATIONS = 4;
const GROUPS_PER_ORGANIZATION = 12;
const REDELIVERY_SHARE = 0.15;
const DELAYED_SHARE = 0.1;
const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'Research', 'Legal'];

/** mulberry32: small, seeded, good enough to shuffle a benchmark. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RFC 3339 with nanoseconds, as Scalekit sends `occurred_at`. */
function rfc3339(nanoseconds: bigint): string {
  const millis = new Date(Number(nanoseconds / 1_000_000n)).toISOString();
  return `${millis.slice(0, 19)}.${(nanoseconds % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

interface TimelineEvent {
  id: string;
  entity: string;
  version: bigint;
  body: string;
}

interface LiveUser {
  id: string;
  organizationId: string;
  email: string;
  givenName: string;
  familyName: string;
  department: string;
  title: string;
  active: boolean;
  groupIds: string[];
}

/** About `deliveries` deliveries: `deliveries / (1 + REDELIVERY_SHARE)` distinct events plus their redeliveries. */
export function ingestPlan(deliveries: number, seed = 7): IngestPlan {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const distinct = Math.round(deliveries / (1 + REDELIVERY_SHARE));
  const timeline: TimelineEvent[] = [];
  const mix: Record<string, number> = {};
  let clock = 1_795_000_000_000_000_000n;
  let eventSeq = 0;
  let userSeq = 0;
  const deleted = new Map<string, LiveUser>();

  const organizations = Array.from({ length: ORGANIZATIONS }, (_, o) => ({
    id: `org_bench${String(o).padStart(4, '0')}`,
    directoryId: `dir_bench${String(o).padStart(4, '0')}`,
    groups: Array.from({ length: GROUPS_PER_ORGANIZATION }, (_, g) => ({
      id: `dirgroup_${o}x${String(g).padStart(3, '0')}`,
      name: `${DEPARTMENTS[g % DEPARTMENTS.length]} ${g}`,
      deleted: false,
    })),
    live: [] as LiveUser[],
  }));

  const emit = (type: string, organizationId: string, entity: string, object: string, data: object) => {
    clock += BigInt(200_000 + Math.floor(rand() * 800_000));
    const id = `evt_${String(seed)}${String(eventSeq++).padStart(9, '0')}`;
    const body = JSON.stringify({
      spec_version: '1',
      id,
      type,
      occurred_at: rfc3339(clock),
      environment_id: 'env_bench0001',
      organization_id: organizationId,
      object,
      data,
    });
    timeline.push({ id, entity: `${organizationId}/${entity}`, version: clock, body });
    mix[type.replace('organization.directory.', '')] = (mix[type.replace('organization.directory.', '')] ?? 0) + 1;
  };

  const groupData = (org: (typeof organizations)[number], group: { id: string; name: string }) => ({
    id: group.id,
    directory_id: org.directoryId,
    organization_id: org.id,
    display_name: group.name,
    external_id: `ext-${group.id}`,
    raw_attributes: {},
  });

  const userData = (org: (typeof organizations)[number], user: LiveUser) => {
    const names = new Map(org.groups.map((g) => [g.id, g.name]));
    return {
      id: user.id,
      organization_id: org.id,
      dp_id: `00u${user.id.slice(-8)}`,
      email: user.email,
      preferred_username: user.email,
      name: `${user.givenName} ${user.familyName}`,
      given_name: user.givenName,
      family_name: user.familyName,
      active: user.active,
      groups: user.groupIds.map((id) => ({ id, name: names.get(id) })),
      roles: [{ role_name: 'member' }],
      title: user.title,
      department: user.department,
      employee_id: `E-${user.id.slice(-6)}`,
      user_type: 'Employee',
      locale: 'en-US',
      zoneinfo: 'America/New_York',
      custom_attributes: { cost_center: `CC-${Math.floor(rand() * 9000) + 1000}` },
      raw_attributes: {},
    };
  };

  const liveGroups = (org: (typeof organizations)[number]) => org.groups.filter((g) => !g.deleted);
  const someGroups = (org: (typeof organizations)[number]) => {
    const groups = liveGroups(org);
    const count = Math.floor(rand() * 3);
    return [...new Set(Array.from({ length: count }, () => pick(groups).id))];
  };

  for (const org of organizations) {
    for (const group of org.groups) {
      emit('organization.directory.group_created', org.id, group.id, 'DirectoryGroup', groupData(org, group));
    }
  }
  const groupDeletionAt = Math.floor(distinct * 0.85);
  let groupsDeleted = false;
  while (timeline.length < distinct) {
    if (!groupsDeleted && timeline.length >= groupDeletionAt) {
      groupsDeleted = true;
      for (const org of organizations) {
        const group = org.groups[org.groups.length - 1]!;
        group.deleted = true;
        emit('organization.directory.group_deleted', org.id, group.id, 'DirectoryGroup', {
          ...groupData(org, group),
          dp_id: `00g${group.id.slice(-6)}`,
        });
        // Scalekit follows a group deletion with a user_updated for each member.
        for (const user of org.live.filter((u) => u.groupIds.includes(group.id))) {
          user.groupIds = user.groupIds.filter((id) => id !== group.id);
          emit('organization.directory.user_updated', org.id, user.id, 'DirectoryUser', userData(org, user));
        }
      }
      continue;
    }
    const org = pick(organizations);
    const roll = rand();
    if (roll < 0.42 || org.live.length < 20) {
      const n = userSeq++;
      const user: LiveUser = {
        id: `diruser_${String(n).padStart(10, '0')}`,
        organizationId: org.id,
        email: `user${n}@${org.id}.example.com`,
        givenName: `Given${n}`,
        familyName: `Family${n}`,
        department: pick(DEPARTMENTS),
        title: 'Engineer',
        active: true,
        groupIds: someGroups(org),
      };
      org.live.push(user);
      emit('organization.directory.user_created', org.id, user.id, 'DirectoryUser', userData(org, user));
    } else if (roll < 0.92) {
      const user = pick(org.live);
      const change = rand();
      if (change < 0.3) user.email = `${user.email.split('@')[0]}.v${eventSeq}@${org.id}.example.com`;
      else if (change < 0.55) user.groupIds = someGroups(org);
      else if (change < 0.65) user.active = !user.active;
      else if (change < 0.85) user.department = pick(DEPARTMENTS);
      else user.title = pick(['Engineer', 'Senior Engineer', 'Manager', 'Director']);
      emit('organization.directory.user_updated', org.id, user.id, 'DirectoryUser', userData(org, user));
    } else if (roll < 0.95) {
      const index = Math.floor(rand() * org.live.length);
      const user = org.live[index]!;
      org.live.splice(index, 1);
      user.active = false;
      user.groupIds = [];
      emit('organization.directory.user_deleted', org.id, user.id, 'DirectoryUser', {
        id: user.id,
        organization_id: org.id,
        dp_id: `00u${user.id.slice(-8)}`,
        email: user.email,
      });
      deleted.set(`${org.id}/${user.id}`, user);
    } else {
      const group = pick(liveGroups(org));
      group.name = `${group.name.split(' (')[0]} (${eventSeq})`;
      emit('organization.directory.group_updated', org.id, group.id, 'DirectoryGroup', groupData(org, group));
    }
  }

  // Send order: a share of events held back by up to 64 places, and redeliveries a little later.
  const sends: { key: number; event: TimelineEvent; redelivery: boolean }[] = timeline.map((event, i) => ({
    key: i + (rand() < DELAYED_SHARE ? 1 + rand() * 64 : 0),
    event,
    redelivery: false,
  }));
  for (const send of [...sends]) {
    if (rand() < REDELIVERY_SHARE)
      sends.push({ key: send.key + 1 + rand() * 200, event: send.event, redelivery: true });
  }
  sends.sort((a, b) => a.key - b.key);

  const newest = new Map<string, bigint>();
  let outOfOrder = 0;
  for (const { event } of sends) {
    const seen = newest.get(event.entity);
    if (seen !== undefined && seen > event.version) outOfOrder++;
    else newest.set(event.entity, event.version);
  }

  const users = new Map<string, ExpectedUser>();
  const versions = new Map(timeline.map((e) => [e.entity, e.version]));
  for (const org of organizations) {
    for (const user of org.live) users.set(`${org.id}/${user.id}`, expected(user, versions));
  }
  for (const [key, user] of deleted) users.set(key, { ...expected(user, versions), deleted: true });
  const groups = new Map<string, string>();
  for (const org of organizations) {
    for (const group of liveGroups(org)) groups.set(`${org.id}/${group.id}`, group.name);
  }

  return {
    deliveries: sends.map(({ event }) => ({
      webhookId: `msg_${event.id.slice(4)}`,
      eventId: event.id,
      body: Buffer.from(event.body),
    })),
    distinctEvents: timeline.length,
    redeliveries: sends.filter((s) => s.redelivery).length,
    outOfOrder,
    mix,
    users,
    groups,
  };
}

function expected(user: LiveUser, versions: Map<string, bigint>): ExpectedUser {
  return {
    organizationId: user.organizationId,
    userId: user.id,
    email: user.email,
    active: user.active,
    deleted: false,
    version: versions.get(`${user.organizationId}/${user.id}`)!,
    groupIds: [...user.groupIds].sort(),
  };
}
