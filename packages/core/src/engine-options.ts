import type { ScimAdapter } from './adapter/contract.js';
import type { EventQuery, InboxRecord, SyncState } from './adapter/records.js';
import type { DeprovisionPolicy, GroupRoleMapping, ScimHooks } from './apply/types.js';
import type { LinkByEmailContext, UserService } from './apply/user-service.js';
import type { ApplyResult } from './engine/types.js';
import type { DirectoryEvent } from './events/types.js';
import type { ScimLogger } from './logger.js';
import type { ResourceWrite, ResourceWriteResult } from './resources/resource-writer.js';
import type {
  DirectoryApiClient,
  ScheduleOptions,
  SyncEngineOptions,
  SyncLeaseHolder,
  SyncOptions,
  SyncReport,
  SyncSchedule,
} from './sync/types.js';
import type { WebhookRequest, WebhookResponse } from './webhook/handle-webhook.js';

export interface ScimEngineOptions<Tx = unknown> {
  adapter: ScimAdapter<Tx>;
  /**
   * The app's own user functions (`create`, `update`, `deactivate`, ...): every directory change goes
   * through them, in the SDK's transaction (`ctx.tx`). Without them, the adapter's table mapping writes the
   * app's users table directly.
   */
  users?: UserService<Tx>;
  /**
   * Table mapping only: account linking by email. A directory user seen for the first time is given the
   * app's row with the same email (compared without case) that no directory user is linked to yet, when
   * this says so (for instance, the email's domain is verified for the organization). Never a row linked
   * to any organization. Service functions link with `users.findExisting` instead.
   */
  linkByEmail?: (context: LinkByEmailContext) => boolean | Promise<boolean>;
  /**
   * The app also runs its own SCIM 2.0 server (`@scim/scim-server`) over this engine. One source per
   * organization: an organization holding a SCIM token that has not expired takes changes from its SCIM
   * endpoint only; Scalekit's webhooks for it are recorded as `ignored`, and a sync of it is refused. The
   * adapter must keep SCIM resources (`capabilities.scimResources`).
   */
  directScim?: boolean;
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
   * an event's, or a sync batch's. Default 3 for an event (a delivery that still fails is redelivered) and
   * 10 for a sync batch (nobody redelivers it); a value given here serves both.
   */
  conflictRetries?: number;
  /**
   * Group commit of webhook events (adapters with transactions). At most `concurrency` transactions
   * apply events at once (default 4); while some run, events that arrive in the same turn of the
   * event loop, or while they are all busy, are applied together, one organization per transaction, up
   * to `maxEvents` (default 64), each still claimed, version-checked and answered on its own, and
   * acknowledged only after that commit. An event that finds nothing running starts at once. `false`
   * applies every event in a transaction of its own, as many at once as arrive. With `directScim`, the
   * same limits group the SCIM server's concurrent user creations (`POST /Users`) of an organization.
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

export interface ScimEngine<Tx = unknown> {
  readonly adapter: ScimAdapter<Tx>;
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
  /**
   * Delivered events, newest first: `{ status: 'rejected' }` lists the changes the app or a constraint
   * refused (with their reason), to fix and `replay`. `limit` defaults to 50.
   */
  events(query?: Partial<EventQuery>): Promise<InboxRecord[]>;
  /**
   * Applies a rejected event again, from the payload kept with it (after the app fixed its mapping or
   * functions). Resolves its new outcome; it stays `rejected`, with the new reason, if it fails for good
   * again. Throws `NOT_FOUND` for an unknown event and `NOT_REPLAYABLE` for one that was not rejected.
   */
  replay(eventId: string): Promise<ApplyResult>;
  /** The sync state of each directory of one organization, or of all: status, watermark, last error. */
  syncStatus(organizationId?: string): Promise<SyncState[]>;
  /**
   * Which instance holds the sync lease of each of these directories of the organization now (a sync
   * of it is running there), as of the store's lease records; free ones are left out. Null when the
   * adapter cannot tell (it does not implement the optional `getLeases`).
   */
  syncLeases(organizationId: string, directoryIds: readonly string[]): Promise<SyncLeaseHolder[] | null>;
  /**
   * For `@scim/scim-server`: writes one SCIM request's resource and applies its change through the same
   * rules as webhooks and syncs (`directScim` must be on). Resolves `ok`, `version-conflict`, `uniqueness`,
   * or `{ rejected }` when the app refused the user (nothing written).
   */
  writeResource(write: ResourceWrite): Promise<ResourceWriteResult>;
}
