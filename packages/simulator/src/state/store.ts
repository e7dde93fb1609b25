import { nanosToRfc3339 } from '@scim/core/testing';
import type { EventClock } from '../clock.js';
import { SimulatorError } from '../errors.js';
import { generateDirectory } from '../generator/generate.js';
import { defaultGroupCount, type SeedOptions, type SeedResult } from '../generator/seed-options.js';
import { hasPrefix, ID_PREFIX, type IdGenerator, type IdKind, MAX_ORGANIZATION_ID_LENGTH } from '../ids.js';
import type { DirectoryState } from './directory-state.js';
import { deletedUserData, directoryData, groupData, userData } from './payloads.js';
import {
  addGroup,
  type DirectoryRecord,
  type GroupRecord,
  invalidateUser,
  type OrganizationRecord,
  removeGroup,
  type UserRecord,
} from './records.js';
import { compareIds, insertSorted, removeSorted } from './sorted.js';
import {
  type DeactivationEvent,
  DIRECTORY_PROVIDERS,
  DIRECTORY_TYPES,
  type DirectoryInput,
  type GroupInput,
  type GroupPatch,
  type OrganizationInput,
  type SimulatedDirectory,
  type SimulatedGroup,
  type SimulatedOrganization,
  type SimulatedUser,
  type SimulatorEvent,
  type SimulatorEventType,
  type UserInput,
  type UserPatch,
  type UserProfile,
} from './types.js';

export interface StoreOptions {
  ids: IdGenerator;
  eventIds: IdGenerator;
  clock: EventClock;
  environmentId: string;
  /** Default content seed of `seed()`. */
  seed: number | string;
  eventHistoryLimit: number;
}

const OBJECT_OF: Record<SimulatorEventType, string> = {
  'organization.directory_enabled': 'Directory',
  'organization.directory_disabled': 'Directory',
  'organization.directory.user_created': 'DirectoryUser',
  'organization.directory.user_updated': 'DirectoryUser',
  'organization.directory.user_deleted': 'DirectoryUser',
  'organization.directory.group_created': 'DirectoryGroup',
  'organization.directory.group_updated': 'DirectoryGroup',
  'organization.directory.group_deleted': 'DirectoryGroup',
};

const DISPLAY_NAME_OF: Record<SimulatorEventType, string> = {
  'organization.directory_enabled': 'Directory enabled',
  'organization.directory_disabled': 'Directory disabled',
  'organization.directory.user_created': 'Directory user created',
  'organization.directory.user_updated': 'Directory user updated',
  'organization.directory.user_deleted': 'Directory user deleted',
  'organization.directory.group_created': 'Directory group created',
  'organization.directory.group_updated': 'Directory group updated',
  'organization.directory.group_deleted': 'Directory group deleted',
};

class EventRecord implements SimulatorEvent {
  #body: string | undefined;

  constructor(
    readonly id: string,
    readonly type: string,
    readonly occurredAt: string,
    readonly version: bigint,
    readonly organizationId: string,
    readonly directoryId: string | null,
    readonly payload: Readonly<Record<string, unknown>>,
  ) {}

  get body(): string {
    this.#body ??= JSON.stringify(this.payload);
    return this.#body;
  }
}

function fail(code: SimulatorError['code'], message: string): never {
  throw new SimulatorError(code, message);
}

function checkId(id: string, kind: IdKind, what: string): void {
  if (!hasPrefix(id, kind) || /\s/.test(id)) fail('INVALID_INPUT', `${what} id must look like ${ID_PREFIX[kind]}...`);
}

function text(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : value;
}

/** The state of the simulated environment. Internal: the library API exposes it as `DirectoryState`. */
export class StateStore implements DirectoryState {
  readonly organizationsById = new Map<string, OrganizationRecord>();
  readonly directoriesById = new Map<string, DirectoryRecord>();
  readonly usersById = new Map<string, UserRecord>();
  readonly groupsById = new Map<string, GroupRecord>();

  readonly #options: StoreOptions;
  readonly #listeners = new Set<(event: SimulatorEvent) => void>();
  #history: SimulatorEvent[] = [];
  #silent = false;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  // ---- events

  onEvent(listener: (event: SimulatorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  events(): SimulatorEvent[] {
    return this.#history.slice(-this.#options.eventHistoryLimit);
  }

  emitCustomEvent(input: {
    type: string;
    organizationId: string;
    object?: string;
    data: Record<string, unknown>;
  }): SimulatorEvent {
    if (typeof input.type !== 'string' || input.type === '')
      fail('INVALID_INPUT', 'event type must be a non-empty string');
    this.#organization(input.organizationId);
    const version = this.#options.clock.now();
    return this.#publish(
      input.type,
      input.object ?? 'Unknown',
      input.type,
      input.organizationId,
      null,
      input.data,
      version,
    );
  }

  /** `data` is built only when the event is sent (not while seeding silently). */
  #emit(
    type: SimulatorEventType,
    directory: DirectoryRecord,
    data: () => Record<string, unknown>,
    version: bigint,
  ): void {
    if (this.#silent) return;
    this.#publish(
      type,
      OBJECT_OF[type],
      DISPLAY_NAME_OF[type],
      directory.organization.id,
      directory.id,
      data(),
      version,
    );
  }

  #publish(
    type: string,
    object: string,
    displayName: string,
    organizationId: string,
    directoryId: string | null,
    data: Record<string, unknown>,
    version: bigint,
  ): SimulatorEvent {
    const occurredAt = nanosToRfc3339(version);
    const id = this.#options.eventIds.next('event');
    const payload = {
      spec_version: '1',
      id,
      type,
      occurred_at: occurredAt,
      environment_id: this.#options.environmentId,
      organization_id: organizationId,
      object,
      display_name: displayName,
      data,
    };
    const event = new EventRecord(id, type, occurredAt, version, organizationId, directoryId, payload);
    const limit = this.#options.eventHistoryLimit;
    if (limit > 0) {
      this.#history.push(event);
      // Trimmed in chunks so that a long run does not shift the array on every event.
      if (this.#history.length > limit * 1.25) this.#history = this.#history.slice(-limit);
    }
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  // ---- lookups used by the Directory API

  #organization(id: string): OrganizationRecord {
    const org = this.organizationsById.get(id);
    if (org === undefined) fail('NOT_FOUND', `organization ${id} not found`);
    return org;
  }

  #directory(id: string): DirectoryRecord {
    const directory = this.directoriesById.get(id);
    if (directory === undefined) fail('NOT_FOUND', `directory ${id} not found`);
    return directory;
  }

  #writableDirectory(id: string): DirectoryRecord {
    const directory = this.#directory(id);
    if (!directory.enabled) fail('DIRECTORY_DISABLED', `directory ${id} is disabled`);
    return directory;
  }

  #user(id: string): UserRecord {
    const user = this.usersById.get(id);
    if (user === undefined) fail('NOT_FOUND', `user ${id} not found`);
    return user;
  }

  #group(id: string): GroupRecord {
    const group = this.groupsById.get(id);
    if (group === undefined) fail('NOT_FOUND', `group ${id} not found`);
    return group;
  }

  #groupsOf(directory: DirectoryRecord, ids: readonly string[] | undefined): GroupRecord[] {
    if (ids === undefined) return [];
    return [...new Set(ids)].map((id) => {
      const group = this.#group(id);
      if (group.directory !== directory) fail('INVALID_INPUT', `group ${id} belongs to another directory`);
      return group;
    });
  }

  #touch(directory: DirectoryRecord, version: bigint): void {
    directory.revision++;
    directory.lastSyncedAt = version;
  }

  // ---- organizations and directories

  createOrganization(input: OrganizationInput = {}): SimulatedOrganization {
    const id = input.id ?? this.#options.ids.next('organization');
    checkId(id, 'organization', 'organization');
    if (id.length > MAX_ORGANIZATION_ID_LENGTH) {
      fail('INVALID_INPUT', `organization id must be at most ${MAX_ORGANIZATION_ID_LENGTH} characters`);
    }
    if (this.organizationsById.has(id)) fail('ALREADY_EXISTS', `organization ${id} already exists`);
    const org: OrganizationRecord = {
      id,
      name: input.name ?? `Organization ${this.organizationsById.size + 1}`,
      externalId: input.externalId ?? null,
      directories: [],
    };
    this.organizationsById.set(id, org);
    return toOrganization(org);
  }

  createDirectory(organizationId: string, input: DirectoryInput = {}): SimulatedDirectory {
    const org = this.#organization(organizationId);
    const id = input.id ?? this.#options.ids.next('directory');
    checkId(id, 'directory', 'directory');
    if (this.directoriesById.has(id)) fail('ALREADY_EXISTS', `directory ${id} already exists`);
    const type = input.type ?? 'SCIM';
    const provider = input.provider ?? 'OKTA';
    if (!DIRECTORY_TYPES.includes(type)) fail('INVALID_INPUT', `unknown directory type ${String(type)}`);
    if (!DIRECTORY_PROVIDERS.includes(provider))
      fail('INVALID_INPUT', `unknown directory provider ${String(provider)}`);
    const enabled = input.enabled ?? true;
    const directory: DirectoryRecord = {
      id,
      organization: org,
      name: input.name ?? `${provider} directory`,
      type,
      provider,
      enabled,
      status: 'COMPLETED',
      version: this.#options.clock.now(),
      lastSyncedAt: null,
      users: new Map(),
      listed: [],
      groups: new Map(),
      groupList: [],
      revision: 0,
      renderEpoch: 0,
    };
    this.directoriesById.set(id, directory);
    org.directories.push(directory);
    if (enabled)
      this.#emit('organization.directory_enabled', directory, () => directoryData(directory), directory.version);
    return toDirectory(directory);
  }

  enableDirectory(directoryId: string): SimulatedDirectory {
    return this.setDirectoryEnabled(this.#directory(directoryId), true);
  }

  disableDirectory(directoryId: string): SimulatedDirectory {
    return this.setDirectoryEnabled(this.#directory(directoryId), false);
  }

  /** Also behind the API's EnableDirectory / DisableDirectory. */
  setDirectoryEnabled(directory: DirectoryRecord, enabled: boolean): SimulatedDirectory {
    if (directory.enabled !== enabled) {
      directory.enabled = enabled;
      directory.version = this.#options.clock.now();
      directory.revision++;
      this.#emit(
        enabled ? 'organization.directory_enabled' : 'organization.directory_disabled',
        directory,
        () => directoryData(directory),
        directory.version,
      );
    }
    return toDirectory(directory);
  }

  // ---- users

  createUser(directoryId: string, input: UserInput): SimulatedUser {
    const directory = this.#writableDirectory(directoryId);
    const id = input.id ?? this.#options.ids.next('user');
    checkId(id, 'user', 'user');
    if (this.usersById.has(id)) fail('ALREADY_EXISTS', `user ${id} already exists`);
    const groups = this.#groupsOf(directory, input.groupIds);
    const user = this.#newUser(id, directory, input, input.active ?? true, this.#options.clock.now());
    this.#addUser(user, groups);
    this.#touch(directory, user.version);
    this.#emit('organization.directory.user_created', directory, () => userData(user), user.version);
    return toUser(user);
  }

  /**
   * A user record from a profile. `owned`: the profile's arrays and objects are fresh (a generated
   * directory) and are taken over instead of copied.
   */
  #newUser(
    id: string,
    directory: DirectoryRecord,
    input: UserProfile,
    active: boolean,
    version: bigint,
    owned = false,
  ): UserRecord {
    if (typeof input.email !== 'string' || input.email.trim() === '') fail('INVALID_INPUT', 'user email is required');
    const givenName = text(input.givenName);
    const familyName = text(input.familyName);
    const joined =
      input.displayName !== undefined ? '' : [givenName, familyName].filter((n) => n !== null && n !== '').join(' ');
    return {
      id,
      directory,
      externalId: input.externalId === undefined ? null : input.externalId,
      email: input.email,
      emails: input.emails === undefined ? [input.email] : owned ? input.emails : [...input.emails],
      username: input.username ?? input.email,
      givenName,
      familyName,
      displayName: input.displayName !== undefined ? input.displayName : joined === '' ? null : joined,
      nickname: text(input.nickname),
      active,
      title: text(input.title),
      department: text(input.department),
      division: text(input.division),
      costCenter: text(input.costCenter),
      employeeId: text(input.employeeId),
      userType: text(input.userType),
      phoneNumber: text(input.phoneNumber),
      locale: text(input.locale),
      language: text(input.language),
      zoneinfo: text(input.zoneinfo),
      picture: text(input.picture),
      profile: text(input.profile),
      address: input.address == null ? null : owned ? input.address : { ...input.address },
      roles: input.roles === undefined ? [] : owned ? input.roles : [...input.roles],
      customAttributes:
        input.customAttributes === undefined ? {} : owned ? input.customAttributes : { ...input.customAttributes },
      groups: [],
      version,
      apiBytes: undefined,
      apiEpoch: 0,
    };
  }

  #addUser(user: UserRecord, groups: readonly GroupRecord[]): void {
    const directory = user.directory;
    this.usersById.set(user.id, user);
    directory.users.set(user.id, user);
    if (user.active) insertSorted(directory.listed, user);
    for (const group of groups) this.#join(user, group);
  }

  #join(user: UserRecord, group: GroupRecord): boolean {
    if (!addGroup(user, group)) return false;
    group.memberCount++;
    if (user.active) group.activeMembers++;
    return true;
  }

  #leave(user: UserRecord, group: GroupRecord): boolean {
    if (!removeGroup(user, group)) return false;
    group.memberCount--;
    if (user.active) group.activeMembers--;
    return true;
  }

  /** Members of a group in id order, deactivated ones included: a scan of the directory's users. */
  #membersOf(group: GroupRecord): UserRecord[] {
    if (group.memberCount === 0) return [];
    const members: UserRecord[] = [];
    for (const user of group.directory.users.values()) if (user.groups.includes(group)) members.push(user);
    return members.sort(compareIds);
  }

  /** Stamps a changed user with a new version and sends its `user_updated`. */
  #userChanged(user: UserRecord): void {
    user.version = this.#options.clock.now();
    invalidateUser(user);
    this.#touch(user.directory, user.version);
    this.#emit('organization.directory.user_updated', user.directory, () => userData(user), user.version);
  }

  updateUser(userId: string, patch: UserPatch): SimulatedUser {
    const user = this.#user(userId);
    this.#writableDirectory(user.directory.id);
    const groups = patch.groupIds === undefined ? undefined : this.#groupsOf(user.directory, patch.groupIds);
    if (patch.email !== undefined) {
      if (typeof patch.email !== 'string' || patch.email.trim() === '') fail('INVALID_INPUT', 'user email is required');
      const previous = user.email;
      if (patch.emails === undefined)
        user.emails = [patch.email, ...user.emails.filter((e) => e !== previous && e !== patch.email)];
      if (patch.username === undefined && user.username === previous) user.username = patch.email;
      user.email = patch.email;
    }
    if (patch.emails !== undefined) user.emails = [...patch.emails];
    if (patch.username !== undefined) user.username = patch.username;
    if (patch.externalId !== undefined) user.externalId = patch.externalId;
    const fields = [
      'givenName',
      'familyName',
      'displayName',
      'nickname',
      'title',
      'department',
      'division',
      'costCenter',
      'employeeId',
      'userType',
      'phoneNumber',
      'locale',
      'language',
      'zoneinfo',
      'picture',
      'profile',
    ] as const;
    for (const field of fields) {
      const value = patch[field];
      if (value !== undefined) user[field] = value;
    }
    if (patch.address !== undefined) user.address = patch.address === null ? null : { ...patch.address };
    if (patch.roles !== undefined) user.roles = [...patch.roles];
    if (patch.customAttributes !== undefined) user.customAttributes = { ...patch.customAttributes };
    if (groups !== undefined) {
      const next = new Set(groups);
      for (const group of [...user.groups]) if (!next.has(group)) this.#leave(user, group);
      for (const group of groups) this.#join(user, group);
    }
    this.#userChanged(user);
    return toUser(user);
  }

  deactivateUser(userId: string, options: { event?: DeactivationEvent } = {}): SimulatedUser {
    const user = this.#user(userId);
    const directory = this.#writableDirectory(user.directory.id);
    if (!user.active) return toUser(user);
    user.active = false;
    removeSorted(directory.listed, user);
    for (const group of user.groups) group.activeMembers--;
    if ((options.event ?? 'user_updated') === 'user_deleted') {
      user.version = this.#options.clock.now();
      invalidateUser(user);
      this.#touch(directory, user.version);
      this.#emit('organization.directory.user_deleted', directory, () => deletedUserData(user), user.version);
    } else {
      this.#userChanged(user);
    }
    return toUser(user);
  }

  reactivateUser(userId: string): SimulatedUser {
    const user = this.#user(userId);
    const directory = this.#writableDirectory(user.directory.id);
    if (user.active) return toUser(user);
    user.active = true;
    insertSorted(directory.listed, user);
    for (const group of user.groups) group.activeMembers++;
    this.#userChanged(user);
    return toUser(user);
  }

  deleteUser(userId: string): void {
    const user = this.#user(userId);
    const directory = this.#writableDirectory(user.directory.id);
    for (const group of [...user.groups]) this.#leave(user, group);
    if (user.active) removeSorted(directory.listed, user);
    directory.users.delete(user.id);
    this.usersById.delete(user.id);
    user.version = this.#options.clock.now();
    this.#touch(directory, user.version);
    this.#emit('organization.directory.user_deleted', directory, () => deletedUserData(user), user.version);
  }

  // ---- groups

  createGroup(directoryId: string, input: GroupInput): SimulatedGroup {
    const directory = this.#writableDirectory(directoryId);
    const id = input.id ?? this.#options.ids.next('group');
    checkId(id, 'group', 'group');
    if (this.groupsById.has(id)) fail('ALREADY_EXISTS', `group ${id} already exists`);
    if (typeof input.displayName !== 'string' || input.displayName.trim() === '') {
      fail('INVALID_INPUT', 'group displayName is required');
    }
    const members = (input.memberIds ?? []).map((userId) => this.#memberOf(directory, userId));
    const group = this.#newGroup(id, directory, input.displayName, input.externalId ?? null, this.#options.clock.now());
    this.#touch(directory, group.version);
    this.#emit('organization.directory.group_created', directory, () => groupData(group, false), group.version);
    for (const user of members) if (this.#join(user, group)) this.#userChanged(user);
    return toGroup(group);
  }

  #newGroup(id: string, directory: DirectoryRecord, displayName: string, externalId: string | null, version: bigint) {
    const group: GroupRecord = {
      id,
      directory,
      displayName,
      externalId,
      version,
      memberCount: 0,
      activeMembers: 0,
    };
    this.groupsById.set(id, group);
    directory.groups.set(id, group);
    insertSorted(directory.groupList, group);
    return group;
  }

  #memberOf(directory: DirectoryRecord, userId: string): UserRecord {
    const user = this.#user(userId);
    if (user.directory !== directory) fail('INVALID_INPUT', `user ${userId} belongs to another directory`);
    return user;
  }

  updateGroup(groupId: string, patch: GroupPatch): SimulatedGroup {
    const group = this.#group(groupId);
    const directory = this.#writableDirectory(group.directory.id);
    if (patch.displayName !== undefined) {
      if (typeof patch.displayName !== 'string' || patch.displayName.trim() === '') {
        fail('INVALID_INPUT', 'group displayName is required');
      }
      if (patch.displayName !== group.displayName) directory.renderEpoch++;
      group.displayName = patch.displayName;
    }
    if (patch.externalId !== undefined) group.externalId = patch.externalId;
    group.version = this.#options.clock.now();
    this.#touch(directory, group.version);
    this.#emit('organization.directory.group_updated', directory, () => groupData(group, false), group.version);
    return toGroup(group);
  }

  deleteGroup(groupId: string): void {
    const group = this.#group(groupId);
    const directory = this.#writableDirectory(group.directory.id);
    directory.groups.delete(group.id);
    removeSorted(directory.groupList, group);
    this.groupsById.delete(group.id);
    group.version = this.#options.clock.now();
    this.#touch(directory, group.version);
    this.#emit('organization.directory.group_deleted', directory, () => groupData(group, true), group.version);
    for (const user of this.#membersOf(group)) {
      this.#leave(user, group);
      this.#userChanged(user);
    }
  }

  addMembers(groupId: string, userIds: readonly string[]): void {
    const group = this.#group(groupId);
    const directory = this.#writableDirectory(group.directory.id);
    const users = userIds.map((id) => this.#memberOf(directory, id));
    for (const user of users) if (this.#join(user, group)) this.#userChanged(user);
  }

  removeMembers(groupId: string, userIds: readonly string[]): void {
    const group = this.#group(groupId);
    const directory = this.#writableDirectory(group.directory.id);
    const users = userIds.map((id) => this.#memberOf(directory, id));
    for (const user of users) if (this.#leave(user, group)) this.#userChanged(user);
  }

  // ---- seeding

  seed(options: SeedOptions): SeedResult {
    const userCount = options.users;
    if (!Number.isSafeInteger(userCount) || userCount < 0) fail('INVALID_INPUT', 'users must be an integer >= 0');
    const groupCount = options.groups ?? Math.min(defaultGroupCount(userCount), Math.max(userCount, 1));
    if (!Number.isSafeInteger(groupCount) || groupCount < 0) fail('INVALID_INPUT', 'groups must be an integer >= 0');
    if (options.updatedAt !== undefined && !(options.updatedAt.getTime() < Date.now())) {
      fail('INVALID_INPUT', 'updatedAt must be a Date in the past');
    }

    const silent = options.events !== true;
    const previous = this.#silent;
    this.#silent = silent;
    try {
      let directory: DirectoryRecord;
      if (options.directoryId !== undefined) {
        directory = this.#writableDirectory(options.directoryId);
        if (options.organizationId !== undefined && directory.organization.id !== options.organizationId) {
          fail('INVALID_INPUT', `directory ${options.directoryId} belongs to another organization`);
        }
      } else {
        const org =
          options.organizationId !== undefined
            ? this.#organization(options.organizationId)
            : this.organizationsById.get(this.createOrganization().id)!;
        directory = this.directoriesById.get(
          this.createDirectory(org.id, options.provider === undefined ? {} : { provider: options.provider }).id,
        )!;
      }
      const generated = generateDirectory({
        users: userCount,
        groups: groupCount,
        seed: options.seed ?? this.#options.seed,
        provider: directory.provider,
        ...(options.domain === undefined ? {} : { domain: options.domain }),
      });
      if (options.organizationId === undefined && options.directoryId === undefined) {
        directory.organization.name = generated.companyName;
      }

      const clock = this.#options.clock;
      // A backdated seed stamps its users and groups with consecutive instants from `updatedAt`.
      let backdated = options.updatedAt === undefined ? null : BigInt(options.updatedAt.getTime()) * 1_000_000n;
      const stamp = () => (backdated === null ? clock.now() : backdated++);
      const groups = generated.groups.map((g) => {
        const group = this.#newGroup(this.#options.ids.next('group'), directory, g.displayName, g.externalId, stamp());
        this.#emit('organization.directory.group_created', directory, () => groupData(group, false), group.version);
        return group;
      });
      const listed = directory.listed;
      const wasSorted = listed.length === 0;
      const userIds: string[] = [];
      for (const profile of generated.users) {
        const user = this.#newUser(this.#options.ids.next('user'), directory, profile, true, stamp(), true);
        this.usersById.set(user.id, user);
        directory.users.set(user.id, user);
        // Generated ids only grow, so appending keeps the list sorted unless it held hand-picked ids.
        listed.push(user);
        for (const index of profile.groupIndexes) this.#join(user, groups[index]!);
        userIds.push(user.id);
        this.#emit('organization.directory.user_created', directory, () => userData(user), user.version);
      }
      if (!wasSorted) listed.sort(compareIds);
      if (userIds.length > 0 || groups.length > 0) this.#touch(directory, stamp());
      return {
        organization: toOrganization(directory.organization),
        directory: toDirectory(directory),
        userIds,
        groupIds: groups.map((g) => g.id),
      };
    } finally {
      this.#silent = previous;
    }
  }

  // ---- reads

  organizations(): SimulatedOrganization[] {
    return [...this.organizationsById.values()].map(toOrganization);
  }

  organization(organizationId: string): SimulatedOrganization | undefined {
    const org = this.organizationsById.get(organizationId);
    return org === undefined ? undefined : toOrganization(org);
  }

  directories(organizationId?: string): SimulatedDirectory[] {
    const records =
      organizationId === undefined
        ? [...this.directoriesById.values()]
        : (this.organizationsById.get(organizationId)?.directories ?? []);
    return records.map(toDirectory);
  }

  directory(directoryId: string): SimulatedDirectory | undefined {
    const directory = this.directoriesById.get(directoryId);
    return directory === undefined ? undefined : toDirectory(directory);
  }

  users(directoryId: string, options: { includeInactive?: boolean } = {}): SimulatedUser[] {
    const directory = this.#directory(directoryId);
    if (!options.includeInactive) return directory.listed.map(toUser);
    return [...directory.users.values()].sort(compareIds).map(toUser);
  }

  user(userId: string): SimulatedUser | undefined {
    const user = this.usersById.get(userId);
    return user === undefined ? undefined : toUser(user);
  }

  groups(directoryId: string): SimulatedGroup[] {
    return this.#directory(directoryId).groupList.map(toGroup);
  }

  group(groupId: string): SimulatedGroup | undefined {
    const group = this.groupsById.get(groupId);
    return group === undefined ? undefined : toGroup(group);
  }

  members(groupId: string): string[] {
    return this.#membersOf(this.#group(groupId)).map((u) => u.id);
  }
}

function toOrganization(org: OrganizationRecord): SimulatedOrganization {
  return { id: org.id, name: org.name, externalId: org.externalId, directoryIds: org.directories.map((d) => d.id) };
}

export function toDirectory(directory: DirectoryRecord): SimulatedDirectory {
  return {
    id: directory.id,
    organizationId: directory.organization.id,
    name: directory.name,
    type: directory.type,
    provider: directory.provider,
    enabled: directory.enabled,
    status: directory.status,
    totalUsers: directory.listed.length,
    totalGroups: directory.groupList.length,
    updatedAt: nanosToRfc3339(directory.version),
    lastSyncedAt: directory.lastSyncedAt === null ? null : nanosToRfc3339(directory.lastSyncedAt),
  };
}

function toUser(user: UserRecord): SimulatedUser {
  return {
    id: user.id,
    directoryId: user.directory.id,
    organizationId: user.directory.organization.id,
    externalId: user.externalId,
    email: user.email,
    emails: [...user.emails],
    username: user.username,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    nickname: user.nickname,
    active: user.active,
    title: user.title,
    department: user.department,
    division: user.division,
    costCenter: user.costCenter,
    employeeId: user.employeeId,
    userType: user.userType,
    phoneNumber: user.phoneNumber,
    locale: user.locale,
    language: user.language,
    zoneinfo: user.zoneinfo,
    picture: user.picture,
    profile: user.profile,
    address: user.address === null ? null : { ...user.address },
    roles: [...user.roles],
    customAttributes: { ...user.customAttributes },
    groupIds: user.groups.map((g) => g.id),
    updatedAt: nanosToRfc3339(user.version),
    version: user.version,
  };
}

function toGroup(group: GroupRecord): SimulatedGroup {
  return {
    id: group.id,
    directoryId: group.directory.id,
    organizationId: group.directory.organization.id,
    displayName: group.displayName,
    externalId: group.externalId,
    memberCount: group.memberCount,
    totalUsers: group.activeMembers,
    updatedAt: nanosToRfc3339(group.version),
    version: group.version,
  };
}
