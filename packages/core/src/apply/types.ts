import type { EntityState, StoredGroup, UserWrite } from '../adapter/contract.js';
import type { Directory, DirectoryEvent, DirectoryGroup, DirectoryGroupRef, DirectoryUser } from '../events/types.js';

/**
 * Where a change comes from: a Scalekit webhook delivery, a reconciliation against the Directory API, or a
 * request to the app's own SCIM 2.0 server.
 */
export type WriteSource = 'webhook' | 'sync' | 'scim';

/** Why a user is being deprovisioned. */
export type DeprovisionReason =
  /** A `user_deleted` event, or a user a complete sync listing no longer returns. */
  | 'deleted'
  /** The directory shows the user inactive (`active: false` in an event or a listing). */
  | 'deactivated';

export type DeprovisionAction = 'deactivate' | 'delete' | 'keep';

export interface DeprovisionContext {
  organizationId: string;
  userId: string;
  reason: DeprovisionReason;
  /** The version record before this change, null when the user was never seen. */
  previous: EntityState | null;
  source: WriteSource;
  /** The event being applied (absent in a sync). */
  event?: DirectoryEvent;
}

/**
 * What happens to a deprovisioned user: `'deactivate'` (the default) marks it inactive in the app;
 * `'delete'` deletes it when the directory deleted it and deactivates it when the directory only
 * deactivated it; a function decides per user (`'keep'` leaves the app's user untouched).
 */
export type DeprovisionPolicy =
  | 'deactivate'
  | 'delete'
  | ((context: DeprovisionContext) => DeprovisionAction | Promise<DeprovisionAction>);

export interface RoleMappingContext {
  user: DirectoryUser;
  /** The user's groups, with the display names known to the store. */
  groups: DirectoryGroupRef[];
}

/**
 * Group -> role mapping. A table maps a group id, or a group display name (compared without regard
 * to case), to one or more roles; a function computes the roles itself. Roles the directory itself
 * assigned (`roles[].role_name`) are always kept.
 */
export type GroupRoleMapping =
  | Readonly<Record<string, string | readonly string[]>>
  | ((context: RoleMappingContext) => readonly string[]);

/** How a user came to have access: first seen active, or active again after a deactivation or deletion. */
export type ProvisionChange = 'created' | 'reactivated';

export interface UserHookPayload {
  organizationId: string;
  user: UserWrite;
  source: WriteSource;
  event?: DirectoryEvent;
}

export interface UserProvisionedPayload extends UserHookPayload {
  change: ProvisionChange;
}

export interface UserDeprovisionedPayload {
  organizationId: string;
  userId: string;
  action: Exclude<DeprovisionAction, 'keep'>;
  reason: DeprovisionReason;
  source: WriteSource;
  event?: DirectoryEvent;
}

export interface GroupChangedPayload {
  organizationId: string;
  change: 'created' | 'updated' | 'deleted';
  group: DirectoryGroup | StoredGroup;
  /** Users whose memberships or roles changed because of this group change. */
  affectedUserIds: string[];
  source: WriteSource;
  event?: DirectoryEvent;
}

export interface DirectoryChangedPayload {
  organizationId: string;
  directory: Directory;
  /** Users deactivated because the directory was disabled (with `directoryDisabled: 'deactivate-users'`). */
  deactivatedUserIds: string[];
  event: DirectoryEvent;
}

/**
 * App hooks. They run after the change is committed; a hook that throws is logged and the change
 * stays committed (the delivery is still acknowledged). Which hook fires depends only on the change,
 * never on its source: a webhook and a sync that make the same change fire the same hook.
 */
export interface ScimHooks {
  /** A user gets access: first seen active (`change: 'created'`), or active again (`'reactivated'`). */
  onUserProvisioned?(payload: UserProvisionedPayload): void | Promise<void>;
  /** A user's directory record changed, without a change of access. */
  onUserUpdated?(payload: UserHookPayload): void | Promise<void>;
  /** A user loses access (deactivated) or is deleted from the app. */
  onUserDeprovisioned?(payload: UserDeprovisionedPayload): void | Promise<void>;
  onGroupChanged?(payload: GroupChangedPayload): void | Promise<void>;
  onDirectoryChanged?(payload: DirectoryChangedPayload): void | Promise<void>;
  onUnknownEvent?(payload: { organizationId: string; type: string; event: DirectoryEvent }): void | Promise<void>;
}
