import type { EntityState, ScimAdapter, StoredGroup, UserWrite } from '../adapter/contract.js';
import type { Directory, DirectoryEvent, DirectoryGroup, DirectoryGroupRef, DirectoryUser } from '../events/types.js';
import type { ScimLogger } from '../logger.js';
import type {
  DirectoryApiClient,
  ScheduleOptions,
  SyncEngineOptions,
  SyncOptions,
  SyncReport,
  SyncSchedule,
} from '../sync/types.js';
import type { HeadersLike } from '../webhook/headers.js';

/** Why a user is being deprovisioned. */
export type DeprovisionReason =
  /** A `user_deleted` event (or, in a sync, a user the directory no longer lists). */
  | 'deleted'
  /** A user event with `active: false`. */
  | 'deactivated';

export type DeprovisionAction = 'deactivate' | 'delete' | 'keep';

export interface DeprovisionContext {
  organizationId: string;
  userId: string;
  reason: DeprovisionReason;
  /** The version record before this change, null when the user was never seen. */
  previous: EntityState | null;
  /** The event being applied (absent in a sync). */
  event?: DirectoryEvent;
}

/**
 * What happens to a deprovisioned user: `'deactivate'` (the default) marks it inactive in the app;
 * `'delete'` deletes it when the directory deleted it and deactivates it when the directory only
 * deactivated it; a function decides per user (`'keep'` leaves the app's row untouched).
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

export type WriteSource = 'webhook' | 'sync';

export interface UserHookPayload {
  organizationId: string;
  user: UserWrite;
  source: WriteSource;
  event?: DirectoryEvent;
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
 * stays committed (the delivery is still acknowledged).
 */
export interface ScimHooks {
  onUserProvisioned?(payload: UserHookPayload): void | Promise<void>;
  onUserUpdated?(payload: UserHookPayload): void | Promise<void>;
  onUserDeprovisioned?(payload: UserDeprovisionedPayload): void | Promise<void>;
  onGroupChanged?(payload: GroupChangedPayload): void | Promise<void>;
  onDirectoryChanged?(payload: DirectoryChangedPayload): void | Promise<void>;
  onUnknownEvent?(payload: { organizationId: string; type: string; event: DirectoryEvent }): void | Promise<void>;
}

export interface ScimEngineOptions {
  adapter: ScimAdapter;
  /**
   * The webhook signing secret(s) (`whsec_...`); several during a rotation. Defaults to
   * `SCALEKIT_WEBHOOK_SECRET`. Only needed for `handleWebhook`.
   */
  webhookSecret?: string | readonly string[];
  /** Accepted clock difference for `webhook-timestamp`, both ways. Default 300 s. */
  webhookToleranceSeconds?: number;
  /** Largest accepted webhook body. Default 1 MiB. */
  maxBodyBytes?: number;
  deprovision?: DeprovisionPolicy;
  groupRoles?: GroupRoleMapping;
  /** Roles given to a user none of whose groups maps to a role. */
  defaultRoles?: readonly string[];
  /** On `directory_disabled`: only record it (default), or also deactivate the organization's users. */
  directoryDisabled?: 'record' | 'deactivate-users';
  hooks?: ScimHooks;
  /** Defaults to warnings and errors on the console. */
  logger?: ScimLogger;
  /** Injectable clock, for tests. */
  now?: () => Date;
  /**
   * How many times a transaction that hit a conflict (deadlock, serialization failure) is retried:
   * an event's, or a sync batch's. Default 3.
   */
  conflictRetries?: number;
  /**
   * Group commit of webhook events (adapters with transactions). At most `concurrency` transactions
   * apply events at once (default 4); while some run, events that arrive in the same turn of the
   * event loop, or while they are all busy, are applied together, one organization per transaction, up
   * to `maxEvents` (default 64), each still claimed, version-checked and answered on its own, and
   * acknowledged only after that commit. An event that finds nothing running starts at once. `false`
   * applies every event in a transaction of its own, as many at once as arrive.
   */
  eventBatching?: false | { concurrency?: number; maxEvents?: number };
  /**
   * The Directory API client for `sync`: a `ScalekitClient` from `@scalekit-sdk/node`. Without it,
   * one is built on first use from `SCALEKIT_ENVIRONMENT_URL`, `SCALEKIT_CLIENT_ID` and
   * `SCALEKIT_CLIENT_SECRET`.
   */
  scalekit?: DirectoryApiClient;
  /** Tuning of `sync`: batch size, guard threshold, retries, lease. */
  sync?: SyncEngineOptions;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'unknown_type';

export interface ApplyResult {
  outcome: ApplyOutcome;
  eventId: string;
  type: string;
}

export interface WebhookRequest {
  headers: HeadersLike;
  /** The body exactly as received. Re-serialized JSON does not verify. */
  rawBody: string | Uint8Array;
}

export interface WebhookResponseBody {
  /** `processed` (201), `duplicate`, `stale`, `ignored`, `unknown_type` (200), or `error`. */
  status: 'processed' | ApplyOutcome | 'error';
  eventId?: string;
  /** Stable error code when `status` is `error`. */
  code?: string;
  message?: string;
}

export interface WebhookResponse {
  status: number;
  body: WebhookResponseBody;
}

export interface ScimEngine {
  readonly adapter: ScimAdapter;
  /** The largest webhook body `handleWebhook` accepts, in bytes: HTTP bindings stop reading past it. */
  readonly maxBodyBytes: number;
  /** Verifies, parses and applies one webhook delivery; never throws. */
  handleWebhook(request: WebhookRequest): Promise<WebhookResponse>;
  /** Applies an already verified and parsed event. Throws `ScimError` when it could not be committed. */
  applyEvent(event: DirectoryEvent): Promise<ApplyResult>;
  /**
   * Reconciles an organization's directory against the Directory API: streams users and groups page
   * by page, plans creates/updates/reactivations/deprovisions, and applies them in batches through
   * the same version rules as webhooks. A full sync deprovisions users the directory no longer lists,
   * but never after an incomplete listing and never more than the guard allows unless `force`. One
   * sync per directory runs at a time across instances (a lease); an interrupted sync resumes from
   * its checkpoint. `dryRun` returns the plan and writes nothing.
   */
  sync(options: SyncOptions): Promise<SyncReport>;
  /** Runs syncs on an interval until `stop()`. */
  scheduleSync(options: ScheduleOptions): SyncSchedule;
}
