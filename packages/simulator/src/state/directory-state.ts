import type { SeedOptions, SeedResult } from '../generator/seed-options.js';
import type {
  DeactivationEvent,
  DirectoryInput,
  GroupInput,
  GroupPatch,
  OrganizationInput,
  SimulatedDirectory,
  SimulatedGroup,
  SimulatedOrganization,
  SimulatedUser,
  SimulatorEvent,
  UserInput,
  UserPatch,
} from './types.js';

/**
 * The directories behind the simulator, and the controls that change them the way an identity provider
 * would. Every change is applied at once (the Directory API answers with it right away) and produces the
 * webhook event Scalekit would send, with an `occurred_at` that is also the changed user's or group's API
 * `updatedAt`.
 *
 * Changes to a disabled directory throw `DIRECTORY_DISABLED`: Scalekit takes no changes from the identity
 * provider then. Unknown ids throw `NOT_FOUND`, malformed ones `INVALID_INPUT`.
 */
export interface DirectoryState {
  // Organizations and directories

  createOrganization(input?: OrganizationInput): SimulatedOrganization;
  /** Creates a directory; one created enabled (the default) sends `directory_enabled`. */
  createDirectory(organizationId: string, input?: DirectoryInput): SimulatedDirectory;
  /** Sends `directory_enabled` when the directory was disabled. */
  enableDirectory(directoryId: string): SimulatedDirectory;
  /** Sends `directory_disabled` when the directory was enabled. Its users and groups stay listed. */
  disableDirectory(directoryId: string): SimulatedDirectory;

  // Users

  /** Sends `user_created`, with the user's `groups`. */
  createUser(directoryId: string, input: UserInput): SimulatedUser;
  /** Sends `user_updated` with the whole user. `groupIds` replaces the memberships. */
  updateUser(userId: string, patch: UserPatch): SimulatedUser;
  /**
   * Deactivates a user: it leaves the Directory API's listings. Sends `user_updated` with `active: false`
   * (the default) or `user_deleted`, the two forms Scalekit uses. No event when it was already inactive.
   */
  deactivateUser(userId: string, options?: { event?: DeactivationEvent }): SimulatedUser;
  /** Sends `user_updated` with `active: true`; the user is listed again. */
  reactivateUser(userId: string): SimulatedUser;
  /** Removes the user from the directory and its groups; sends `user_deleted`. */
  deleteUser(userId: string): void;

  // Groups and memberships

  /** Sends `group_created`, then `user_updated` for each of `memberIds`. */
  createGroup(directoryId: string, input: GroupInput): SimulatedGroup;
  /** Sends `group_updated`. Members get no event; the API shows the new name in their `groups`. */
  updateGroup(groupId: string, patch: GroupPatch): SimulatedGroup;
  /** Sends `group_deleted`, then `user_updated` (without the group) for each member, as Scalekit does. */
  deleteGroup(groupId: string): void;
  /** Memberships are carried by user events: one `user_updated` per user whose groups changed. */
  addMembers(groupId: string, userIds: readonly string[]): void;
  removeMembers(groupId: string, userIds: readonly string[]): void;

  // Seeded directories

  /**
   * Fills a directory with a realistic generated population: names, emails, departments, titles and
   * memberships drawn from `seed`. Creates the organization and the directory unless given. Silent by
   * default (no events, like a directory that existed before you subscribed); `events: true` sends
   * `group_created` for each group, then `user_created` for each user.
   */
  seed(options: SeedOptions): SeedResult;

  // Reads (copies; changing them changes nothing)

  organizations(): SimulatedOrganization[];
  organization(organizationId: string): SimulatedOrganization | undefined;
  /** All directories, or those of one organization. */
  directories(organizationId?: string): SimulatedDirectory[];
  directory(directoryId: string): SimulatedDirectory | undefined;
  /** Users sorted by id; deactivated ones only with `includeInactive`. Deleted users are gone. */
  users(directoryId: string, options?: { includeInactive?: boolean }): SimulatedUser[];
  user(userId: string): SimulatedUser | undefined;
  /** Groups sorted by id. */
  groups(directoryId: string): SimulatedGroup[];
  group(groupId: string): SimulatedGroup | undefined;
  /** Member ids of a group, sorted, deactivated members included. */
  members(groupId: string): string[];

  // Events

  /** Calls `listener` synchronously with every event, in order. Returns the unsubscribe function. */
  onEvent(listener: (event: SimulatorEvent) => void): () => void;
  /** The most recent events, oldest first (at most `eventHistoryLimit` of them). */
  events(): SimulatorEvent[];
  /**
   * Sends an event of any type with the given `data`, e.g. a type this SDK does not know yet, to check
   * that a consumer acknowledges and records it.
   */
  emitCustomEvent(input: {
    type: string;
    organizationId: string;
    object?: string;
    data: Record<string, unknown>;
  }): SimulatorEvent;
}
