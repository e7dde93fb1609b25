import { nanosToRfc3339 } from '@scim/core/testing';
import { randomEventId, randomToken } from './ids.js';

/**
 * Raw Scalekit directory event payloads, snake_case, as a webhook delivers them. Feed them to
 * `parseDirectoryEvent` from `@scim/core`, exactly as the webhook path does.
 */

export interface RawGroupRef {
  id: string;
  name?: string | null;
}

export interface RawUserData {
  id: string;
  organization_id?: string;
  dp_id?: string | null;
  email?: string | null;
  emails?: string[] | null;
  preferred_username?: string | null;
  name?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  nickname?: string | null;
  /** Some providers send the strings "True" / "False". */
  active?: boolean | string | null;
  groups?: RawGroupRef[] | null;
  roles?: { role_name: string }[] | null;
  title?: string | null;
  department?: string | null;
  division?: string | null;
  cost_center?: string | null;
  employee_id?: string | null;
  user_type?: string | null;
  phone_number?: string | null;
  locale?: string | null;
  language?: string | null;
  zoneinfo?: string | null;
  picture?: string | null;
  profile?: string | null;
  address?: unknown;
  custom_attributes?: Record<string, unknown> | null;
  raw_attributes?: Record<string, unknown> | null;
}

export interface RawDeletedUserData {
  id: string;
  organization_id?: string;
  dp_id?: string | null;
  email?: string | null;
}

export interface RawGroupData {
  id: string;
  organization_id?: string;
  directory_id?: string | null;
  display_name?: string | null;
  external_id?: string | null;
  dp_id?: string | null;
  raw_attributes?: Record<string, unknown> | null;
}

export interface RawDirectoryData {
  id: string;
  organization_id?: string;
  directory_type?: string | null;
  provider?: string | null;
  enabled?: boolean | null;
  status?: string | null;
  updated_at?: string | null;
  last_sync_at?: string | null;
}

export interface RawScalekitEvent<Data = unknown> {
  spec_version: string;
  id: string;
  type: string;
  /** RFC 3339 with nanoseconds. */
  occurred_at: string;
  environment_id: string;
  organization_id: string;
  object: string;
  display_name: string;
  data: Data;
}

export interface EventOptions {
  /** `occurred_at`: nanoseconds since the epoch, or the exact RFC 3339 text. Defaults to the builder's clock. */
  at?: bigint | string;
  /** The event id; a fresh `evt_...` by default. */
  id?: string;
}

export interface ScalekitEventsOptions {
  organizationId: string;
  /** The directory of group and directory events; a fresh `dir_...` by default. */
  directoryId?: string;
  environmentId?: string;
  /** Where the clock starts, in nanoseconds since the epoch. Default 2025-06-02T08:00:00Z. */
  start?: bigint;
  /** How far the clock moves per event, in nanoseconds. Default 1 ms + 1 ns, so no two events share a millisecond or a nanosecond digit. */
  step?: bigint;
}

export interface ScalekitEvents {
  readonly organizationId: string;
  readonly directoryId: string;
  readonly environmentId: string;
  /** The `occurred_at` (ns) the next event gets when it is not given one. */
  now(): bigint;
  /** Moves the clock forward by `ns`. */
  advance(ns: bigint): void;
  /** A complete user record with every documented field filled (no `groups` or `roles` unless given). */
  user(id: string, overrides?: Partial<RawUserData>): RawUserData;
  userCreated(data: RawUserData, options?: EventOptions): RawScalekitEvent<RawUserData>;
  userUpdated(data: RawUserData, options?: EventOptions): RawScalekitEvent<RawUserData>;
  userDeleted(data: RawDeletedUserData, options?: EventOptions): RawScalekitEvent<RawDeletedUserData>;
  groupCreated(data: RawGroupData, options?: EventOptions): RawScalekitEvent<RawGroupData>;
  groupUpdated(data: RawGroupData, options?: EventOptions): RawScalekitEvent<RawGroupData>;
  groupDeleted(data: RawGroupData, options?: EventOptions): RawScalekitEvent<RawGroupData>;
  directoryEnabled(data?: Partial<RawDirectoryData>, options?: EventOptions): RawScalekitEvent<RawDirectoryData>;
  directoryDisabled(data?: Partial<RawDirectoryData>, options?: EventOptions): RawScalekitEvent<RawDirectoryData>;
  /** Any event type, including ones this SDK does not know. */
  event<Data>(type: string, data: Data, options?: EventOptions & { object?: string }): RawScalekitEvent<Data>;
}

const NS_PER_MS = 1_000_000n;
const DEFAULT_START = BigInt(Date.UTC(2025, 5, 2, 8, 0, 0)) * NS_PER_MS;
const DEFAULT_STEP = NS_PER_MS + 1n;

const LABELS: Record<string, string> = {
  'organization.directory_enabled': 'Directory enabled',
  'organization.directory_disabled': 'Directory disabled',
  'organization.directory.user_created': 'Directory user created',
  'organization.directory.user_updated': 'Directory user updated',
  'organization.directory.user_deleted': 'Directory user deleted',
  'organization.directory.group_created': 'Directory group created',
  'organization.directory.group_updated': 'Directory group updated',
  'organization.directory.group_deleted': 'Directory group deleted',
};

/** A builder of raw events for one organization, with a clock you control. */
export function scalekitEvents(options: ScalekitEventsOptions): ScalekitEvents {
  const { organizationId } = options;
  const directoryId = options.directoryId ?? `dir_${randomToken(18)}`;
  const environmentId = options.environmentId ?? `env_${randomToken(18)}`;
  const step = options.step ?? DEFAULT_STEP;
  let clock = options.start ?? DEFAULT_START;

  const occurredAt = (at: bigint | string | undefined): string => {
    if (typeof at === 'string') return at;
    if (at !== undefined) return nanosToRfc3339(at);
    const value = clock;
    clock += step;
    return nanosToRfc3339(value);
  };

  function event<Data>(
    type: string,
    data: Data,
    opts: EventOptions & { object?: string } = {},
  ): RawScalekitEvent<Data> {
    return {
      spec_version: '1',
      id: opts.id ?? randomEventId(),
      type,
      occurred_at: occurredAt(opts.at),
      environment_id: environmentId,
      organization_id: organizationId,
      object: opts.object ?? 'Unknown',
      display_name: LABELS[type] ?? type,
      data,
    };
  }

  const withOrg = <T extends { organization_id?: string }>(data: T): T => ({
    organization_id: organizationId,
    ...data,
  });
  const directory = (data: Partial<RawDirectoryData> | undefined, enabled: boolean): RawDirectoryData => ({
    id: directoryId,
    organization_id: organizationId,
    directory_type: 'SCIM',
    provider: 'OKTA',
    enabled,
    status: enabled ? 'IN_PROGRESS' : 'DISABLED',
    updated_at: nanosToRfc3339(clock),
    last_sync_at: null,
    ...data,
  });

  return {
    organizationId,
    directoryId,
    environmentId,
    now: () => clock,
    advance(ns) {
      clock += ns;
    },
    user(id, overrides = {}) {
      const local = id.replace(/[^a-z0-9]/gi, '').toLowerCase();
      return {
        id,
        organization_id: organizationId,
        dp_id: `00u${randomToken(17)}`,
        email: `${local}@example.com`,
        emails: [`${local}@example.com`],
        preferred_username: `${local}@example.com`,
        name: `Given ${local} Family`,
        given_name: `Given ${local}`,
        family_name: 'Family',
        nickname: local,
        active: true,
        title: 'Engineer',
        department: 'R&D',
        division: 'Platform',
        cost_center: 'CC-42',
        employee_id: `E-${randomToken(6)}`,
        user_type: 'Employee',
        phone_number: '+1 555 0100',
        locale: 'en-US',
        language: 'en',
        zoneinfo: 'America/New_York',
        picture: null,
        profile: null,
        address: { country: 'US' },
        custom_attributes: {},
        raw_attributes: {},
        ...overrides,
      };
    },
    userCreated: (data, opts = {}) =>
      event('organization.directory.user_created', withOrg(data), { ...opts, object: 'DirectoryUser' }),
    userUpdated: (data, opts = {}) =>
      event('organization.directory.user_updated', withOrg(data), { ...opts, object: 'DirectoryUser' }),
    userDeleted: (data, opts = {}) =>
      event('organization.directory.user_deleted', withOrg(data), { ...opts, object: 'DirectoryUser' }),
    groupCreated: (data, opts = {}) =>
      event(
        'organization.directory.group_created',
        withOrg({ directory_id: directoryId, external_id: null, raw_attributes: {}, ...data }),
        { ...opts, object: 'DirectoryGroup' },
      ),
    groupUpdated: (data, opts = {}) =>
      event(
        'organization.directory.group_updated',
        withOrg({ directory_id: directoryId, external_id: null, raw_attributes: {}, ...data }),
        { ...opts, object: 'DirectoryGroup' },
      ),
    groupDeleted: (data, opts = {}) =>
      event(
        'organization.directory.group_deleted',
        withOrg({ directory_id: directoryId, external_id: null, dp_id: null, raw_attributes: {}, ...data }),
        { ...opts, object: 'DirectoryGroup' },
      ),
    directoryEnabled: (data, opts = {}) =>
      event('organization.directory_enabled', directory(data, true), { ...opts, object: 'Directory' }),
    directoryDisabled: (data, opts = {}) =>
      event('organization.directory_disabled', directory(data, false), { ...opts, object: 'Directory' }),
    event,
  };
}
