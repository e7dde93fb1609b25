/** The eight directory event types Scalekit sends today. */
export const DIRECTORY_EVENT_TYPES = [
  'organization.directory_enabled',
  'organization.directory_disabled',
  'organization.directory.user_created',
  'organization.directory.user_updated',
  'organization.directory.user_deleted',
  'organization.directory.group_created',
  'organization.directory.group_updated',
  'organization.directory.group_deleted',
] as const;

export type KnownDirectoryEventType = (typeof DIRECTORY_EVENT_TYPES)[number];

/** A reference to a group as it appears in a user's `groups` array. */
export interface DirectoryGroupRef {
  id: string;
  displayName?: string | null;
}

/**
 * A directory user, normalized from a webhook payload or a Directory API answer.
 *
 * A field that is `undefined` was not given by the source and must be left as it is; `null` means
 * the source cleared it.
 */
export interface DirectoryUser {
  id: string;
  organizationId: string;
  /** The identity provider's own id for the user (`dp_id`). */
  externalId?: string | null;
  email?: string | null;
  emails?: string[];
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  nickname?: string | null;
  username?: string | null;
  /** Absent when the source did not say; the engine resolves it before a write. */
  active?: boolean;
  /** The user's memberships; `undefined` leaves memberships as they are, `[]` removes them all. */
  groups?: DirectoryGroupRef[];
  /** Role names the directory assigned (`roles[].role_name`). */
  roles?: string[];
  title?: string | null;
  department?: string | null;
  division?: string | null;
  costCenter?: string | null;
  employeeId?: string | null;
  userType?: string | null;
  phoneNumber?: string | null;
  locale?: string | null;
  language?: string | null;
  zoneinfo?: string | null;
  picture?: string | null;
  profile?: string | null;
  address?: unknown;
  customAttributes?: Record<string, unknown>;
  rawAttributes?: Record<string, unknown>;
}

/** What a `user_deleted` event says about the user. */
export interface DeletedDirectoryUser {
  id: string;
  organizationId: string;
  externalId?: string | null;
  email?: string | null;
}

export interface DirectoryGroup {
  id: string;
  organizationId: string;
  directoryId?: string | null;
  displayName?: string | null;
  externalId?: string | null;
  rawAttributes?: Record<string, unknown>;
}

export interface Directory {
  id: string;
  organizationId: string;
  enabled: boolean;
  provider?: string | null;
  directoryType?: string | null;
  status?: string | null;
  updatedAt?: string | null;
  lastSyncAt?: string | null;
}

/** Fields every event carries. */
export interface DirectoryEventBase {
  /** Event id (`evt_...`): the inbox key. */
  id: string;
  organizationId: string;
  environmentId?: string;
  /** `occurred_at` exactly as sent, nanoseconds included. */
  occurredAtRaw: string;
  /** `occurred_at` as a Date (millisecond precision). */
  occurredAt: Date;
  /** `occurred_at` in nanoseconds since the Unix epoch: the ordering key of the event. */
  version: bigint;
  /** The parsed JSON as received. */
  raw: Record<string, unknown>;
}

export interface DirectoryEnabledEvent extends DirectoryEventBase {
  type: 'organization.directory_enabled';
  data: Directory;
}
export interface DirectoryDisabledEvent extends DirectoryEventBase {
  type: 'organization.directory_disabled';
  data: Directory;
}
export interface UserCreatedEvent extends DirectoryEventBase {
  type: 'organization.directory.user_created';
  data: DirectoryUser;
}
export interface UserUpdatedEvent extends DirectoryEventBase {
  type: 'organization.directory.user_updated';
  data: DirectoryUser;
}
export interface UserDeletedEvent extends DirectoryEventBase {
  type: 'organization.directory.user_deleted';
  data: DeletedDirectoryUser;
}
export interface GroupCreatedEvent extends DirectoryEventBase {
  type: 'organization.directory.group_created';
  data: DirectoryGroup;
}
export interface GroupUpdatedEvent extends DirectoryEventBase {
  type: 'organization.directory.group_updated';
  data: DirectoryGroup;
}
export interface GroupDeletedEvent extends DirectoryEventBase {
  type: 'organization.directory.group_deleted';
  data: DirectoryGroup;
}
/** Any event type this version of the SDK does not know. It is recorded and acknowledged. */
export interface UnknownDirectoryEvent extends DirectoryEventBase {
  type: 'unknown';
  /** The `type` field as sent. */
  rawType: string;
  data: unknown;
}

export type DirectoryEvent =
  | DirectoryEnabledEvent
  | DirectoryDisabledEvent
  | UserCreatedEvent
  | UserUpdatedEvent
  | UserDeletedEvent
  | GroupCreatedEvent
  | GroupUpdatedEvent
  | GroupDeletedEvent
  | UnknownDirectoryEvent;

export type UserEvent = UserCreatedEvent | UserUpdatedEvent | UserDeletedEvent;
export type GroupEvent = GroupCreatedEvent | GroupUpdatedEvent | GroupDeletedEvent;
export type DirectoryStateEvent = DirectoryEnabledEvent | DirectoryDisabledEvent;
