/** Directory protocols, as Scalekit names them. */
export type DirectoryType = 'SCIM' | 'LDAP' | 'POLL';

/** Identity providers, as Scalekit names them. */
export type DirectoryProvider =
  | 'OKTA'
  | 'GOOGLE'
  | 'MICROSOFT_AD'
  | 'AUTH0'
  | 'ONELOGIN'
  | 'JUMPCLOUD'
  | 'PING_IDENTITY';

export const DIRECTORY_TYPES: readonly DirectoryType[] = ['SCIM', 'LDAP', 'POLL'];
export const DIRECTORY_PROVIDERS: readonly DirectoryProvider[] = [
  'OKTA',
  'GOOGLE',
  'MICROSOFT_AD',
  'AUTH0',
  'ONELOGIN',
  'JUMPCLOUD',
  'PING_IDENTITY',
];

/** The directory event types the simulator sends. */
export type SimulatorEventType =
  | 'organization.directory_enabled'
  | 'organization.directory_disabled'
  | 'organization.directory.user_created'
  | 'organization.directory.user_updated'
  | 'organization.directory.user_deleted'
  | 'organization.directory.group_created'
  | 'organization.directory.group_updated'
  | 'organization.directory.group_deleted';

export interface OrganizationInput {
  /** `org_...`, at most 32 characters. Generated when absent. */
  id?: string;
  name?: string;
  externalId?: string | null;
}

export interface SimulatedOrganization {
  id: string;
  name: string;
  externalId: string | null;
  directoryIds: string[];
}

export interface DirectoryInput {
  /** `dir_...`. Generated when absent. */
  id?: string;
  name?: string;
  /** Default `'SCIM'`. */
  type?: DirectoryType;
  /** Default `'OKTA'`. */
  provider?: DirectoryProvider;
  /** Default true: the directory is set up and sends `directory_enabled` when created. */
  enabled?: boolean;
}

export interface SimulatedDirectory {
  id: string;
  organizationId: string;
  name: string;
  type: DirectoryType;
  provider: DirectoryProvider;
  enabled: boolean;
  status: string;
  /** Users the Directory API lists (active users). */
  totalUsers: number;
  totalGroups: number;
  /** RFC 3339 with nanoseconds: the last directory event. */
  updatedAt: string;
  /** RFC 3339 with nanoseconds: the last change to any user or group of the directory; null before the first. */
  lastSyncedAt: string | null;
}

/** The profile fields of a directory user, as the identity provider sends them. */
export interface UserProfile {
  /** The identity provider's id (`dp_id`). Generated when absent. */
  externalId?: string | null;
  email: string;
  /** Every address; defaults to `[email]`. */
  emails?: string[];
  /** `preferred_username`; defaults to the email. */
  username?: string;
  givenName?: string | null;
  familyName?: string | null;
  /** `name`; defaults to given and family name joined. */
  displayName?: string | null;
  nickname?: string | null;
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
  address?: Record<string, unknown> | null;
  /** Role names the directory assigns (`roles[].role_name`). */
  roles?: string[];
  customAttributes?: Record<string, unknown>;
}

export interface UserInput extends UserProfile {
  /** `diruser_...`. Generated when absent. */
  id?: string;
  /** Default true. */
  active?: boolean;
  /** Groups of the same directory the user is a member of from the start. */
  groupIds?: string[];
}

/** A change to a user: the fields given replace the current ones; `groupIds` replaces the memberships. */
export type UserPatch = Partial<UserProfile> & { groupIds?: string[] };

export interface SimulatedUser {
  id: string;
  directoryId: string;
  organizationId: string;
  externalId: string | null;
  email: string;
  emails: string[];
  username: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  nickname: string | null;
  active: boolean;
  title: string | null;
  department: string | null;
  division: string | null;
  costCenter: string | null;
  employeeId: string | null;
  userType: string | null;
  phoneNumber: string | null;
  locale: string | null;
  language: string | null;
  zoneinfo: string | null;
  picture: string | null;
  profile: string | null;
  address: Record<string, unknown> | null;
  roles: string[];
  customAttributes: Record<string, unknown>;
  /** Sorted by id. */
  groupIds: string[];
  /** RFC 3339 with nanoseconds: the `occurred_at` of the last event about the user, and its API `updatedAt`. */
  updatedAt: string;
  /** `updatedAt` in nanoseconds since the epoch. */
  version: bigint;
}

export interface GroupInput {
  /** `dirgroup_...`. Generated when absent. */
  id?: string;
  displayName: string;
  externalId?: string | null;
  /** Users of the same directory added as members right away (one `user_updated` each). */
  memberIds?: string[];
}

export interface GroupPatch {
  displayName?: string;
  externalId?: string | null;
}

export interface SimulatedGroup {
  id: string;
  directoryId: string;
  organizationId: string;
  displayName: string;
  externalId: string | null;
  /** Members, deactivated ones included. */
  memberCount: number;
  /** Members the Directory API counts (active ones): the API's `totalUsers`. */
  totalUsers: number;
  /** RFC 3339 with nanoseconds: the last event about the group. */
  updatedAt: string;
  version: bigint;
}

/** How a deactivation reaches webhooks: Scalekit sends either, depending on the provider. */
export type DeactivationEvent = 'user_updated' | 'user_deleted';

/** One event, as Scalekit would send it. */
export interface SimulatorEvent {
  /** `evt_...` */
  readonly id: string;
  readonly type: SimulatorEventType | (string & {});
  /** RFC 3339 with nine fractional digits. */
  readonly occurredAt: string;
  /** `occurredAt` in nanoseconds since the epoch. */
  readonly version: bigint;
  readonly organizationId: string;
  readonly directoryId: string | null;
  /** The snake_case JSON object of the delivery. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** `payload` as JSON text: the exact bytes every delivery of this event carries. */
  readonly body: string;
}
