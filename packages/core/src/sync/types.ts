/** A protobuf Timestamp as the Directory API returns it. */
export interface ApiTimestamp {
  seconds: bigint;
  nanos: number;
}

export interface ApiDirectoryGroup {
  id: string;
  displayName: string;
  updatedAt?: ApiTimestamp | undefined;
  groupDetail?: unknown;
}

export interface ApiDirectoryUser {
  id: string;
  email: string;
  preferredUsername: string;
  givenName: string;
  familyName: string;
  updatedAt?: ApiTimestamp | undefined;
  emails: string[];
  groups: ApiDirectoryGroup[];
  userDetail?: unknown;
}

export interface ApiDirectory {
  id: string;
  organizationId: string;
  enabled: boolean;
}

interface ListOptions {
  pageSize?: number;
  pageToken?: string;
  includeDetail?: boolean;
  updatedAfter?: string;
}

/**
 * The part of `ScalekitClient` the sync engine uses (`client.directory`). A `ScalekitClient` from
 * `@scalekit-sdk/node` fits it as it is; the structural type keeps the SDK out of core's types.
 */
export interface DirectoryApiClient {
  directory: {
    listDirectories(organizationId: string): Promise<{ directories: ApiDirectory[] }>;
    listDirectoryUsers(
      organizationId: string,
      directoryId: string,
      options?: ListOptions & { directoryGroupId?: string },
    ): Promise<{ users: ApiDirectoryUser[]; totalSize: number; nextPageToken: string }>;
    listDirectoryGroups(
      organizationId: string,
      directoryId: string,
      options?: ListOptions,
    ): Promise<{ groups: ApiDirectoryGroup[]; totalSize: number; nextPageToken: string }>;
  };
}

export type SyncMode = 'full' | 'incremental';

export type SyncPhase = 'groups' | 'users' | 'deprovision' | 'done';

export interface SyncProgress {
  organizationId: string;
  directoryId: string;
  phase: SyncPhase;
  pages: number;
  usersListed: number;
  groupsListed: number;
  usersWritten: number;
  /**
   * The users the listing holds, as the Directory API counts them (`totalSize` of its pages), once the
   * first page of users answered: with `usersListed`, how far the users phase is.
   */
  usersTotal?: number;
}

export interface SyncOptions {
  organizationId: string;
  /** Defaults to the organization's first enabled directory. */
  directoryId?: string;
  /**
   * `'full'` (default) lists everything and deprovisions users the directory no longer lists; `'incremental'`
   * lists what changed since the watermark (the last successful sync, minus `watermarkSkewMs`).
   */
  mode?: SyncMode;
  /**
   * A windowed incremental sync: lists the users and groups updated after this time instead of after the
   * watermark, to refill a gap the webhooks left (an outage, lost deliveries). Same apply path and version
   * rules as any sync: a change newer than the listing (a webhook) still wins. It advances the watermark only
   * when the window starts no later than the watermark minus `watermarkSkewMs` (it then listed everything the
   * next incremental sync would), and never moves it backwards. Refused (`CONFIGURATION_ERROR`) with
   * `mode: 'full'`, and when it is not a valid date or is in the future. Implies `mode: 'incremental'`.
   */
  updatedAfter?: Date;
  /** Plan only: the report carries the plan and nothing is written. */
  dryRun?: boolean;
  /** Deprovision even when the share of users to deprovision passes the guard's threshold. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** How long to wait for another instance's sync of the same directory to finish. Default: no limit. */
  lockTimeoutMs?: number;
}

export type PlannedAction = 'create' | 'update' | 'reactivate' | 'deactivate' | 'delete' | 'unchanged' | 'skip';

export interface PlannedChange {
  kind: 'user' | 'group';
  id: string;
  action: PlannedAction;
  /** A user's email as the listing gives it, when the change writes the user (create, update, reactivate). */
  email?: string;
}

export interface SyncReport {
  organizationId: string;
  directoryId: string;
  /** The mode that ran (an incremental sync without a watermark runs as full, unless it has `updatedAfter`). */
  mode: SyncMode;
  /** A windowed sync's `updatedAfter`: it listed only what changed after it. */
  updatedAfter?: Date;
  dryRun: boolean;
  /** Continued from the checkpoint of an interrupted sync. */
  resumed: boolean;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  pages: { users: number; groups: number };
  /** API calls retried after a rate limit or a transient failure. */
  retries: number;
  users: {
    listed: number;
    created: number;
    updated: number;
    reactivated: number;
    deactivated: number;
    deleted: number;
    unchanged: number;
    /** Listed, but a newer change (a webhook) was already applied. */
    skipped: number;
    /** Refused by the app for good (see `rejected`). */
    rejected: number;
  };
  groups: { listed: number; created: number; updated: number; deleted: number; unchanged: number; skipped: number };
  /** Users whose memberships were rewritten. */
  memberships: number;
  /**
   * Users the app (or a constraint of its tables) refused for good: nothing of them was written, and the next
   * sync tries them again. Their reasons carry codes and messages, never field values.
   */
  rejected: { userId: string; reason: string }[];
  /** Dry runs only: every change the sync would make (unchanged entities left out). */
  plan?: PlannedChange[];
}

export interface SyncEngineOptions {
  /** Users written per transaction. Default 500. */
  batchSize?: number;
  /**
   * User batches written at once, each in its own transaction, while the listing goes on: the
   * database works on some while Node plans others. Default 2. Each takes a connection from the
   * app's pool for the length of its transaction. An adapter without transactions, and a dry run,
   * write one batch at a time.
   */
  concurrency?: number;
  /** Users per page asked of the Directory API (at most 100, Scalekit's limit). Default 100. */
  pageSize?: number;
  /** Groups per page asked of the Directory API (at most 30, Scalekit's limit). Default 30. */
  groupPageSize?: number;
  /** Ask for `userDetail` (names, titles, departments...). Default true. */
  includeDetail?: boolean;
  /**
   * A full sync refuses to deprovision more than this share of an organization's active users
   * (unless `force`). Default 0.25. Organizations with fewer than `guardMinUsers` active users
   * are not guarded. Default 20.
   */
  maxDeprovisionShare?: number;
  guardMinUsers?: number;
  /** An incremental sync asks for changes since the last watermark minus this margin. Default 60 s. */
  watermarkSkewMs?: number;
  /** Lease time-to-live; renewed as the sync progresses. Default 60 s. */
  leaseTtlMs?: number;
  /** Retries of one API call after a rate limit or a transient failure. Default 8. */
  maxRetries?: number;
  /** Backoff of the first retry; doubles each time, capped at 30 s, with jitter. Default 500 ms. */
  retryBaseMs?: number;
}

export interface ScheduleOptions {
  /** Organizations to reconcile each round (a function is called every round). */
  organizations: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  intervalMs: number;
  mode?: SyncMode;
  /** Run a round at once instead of after the first interval. Default true. */
  runImmediately?: boolean;
  onReport?: (report: SyncReport) => void;
  onError?: (error: unknown, organizationId: string) => void;
}

export interface SyncSchedule {
  /** Stops the schedule: aborts a running sync and resolves once it has ended. */
  stop(): Promise<void>;
}

/** The instance running a directory's sync, as `engine.syncLeases` reports it. */
export interface SyncLeaseHolder {
  /** The directory whose sync holds the lease. */
  directoryId: string;
  /**
   * The sync's lease owner: `host:pid:random` (the machine's host name, the process id, and a part that
   * tells two attempts of one process apart). Syncs of an older SDK held leases as `sync-<uuid>`.
   */
  owner: string;
  /** When the lease runs out unless the sync renews it (it does every third of the lease's TTL). */
  expiresAt: Date;
}
