import type { ScimAdapter, ScimStore } from '../adapter/contract.js';
import type { Applier } from '../apply/applier.js';
import type { Effect } from '../apply/effects.js';
import type { ApplyScope } from '../apply/user-layer.js';
import type { ScimLogger } from '../logger.js';
import type { Checkpoint } from './checkpoint.js';
import type { DirectoryApiClient, SyncEngineOptions, SyncPhase, SyncReport } from './types.js';

/** What every sync shares: the store, the apply path, the Directory API client, the settings. */
export interface SyncContext {
  adapter: ScimAdapter;
  applier: Applier;
  client: () => Promise<DirectoryApiClient>;
  logger: ScimLogger;
  now: () => Date;
  /** Retries of a transaction that hit a deadlock or a serialization failure. */
  conflictRetries: number;
  settings: Required<SyncEngineOptions>;
  /** Set with `directScim`: whether an organization is provisioned by the app's SCIM server instead. */
  scimOnly?: (store: ScimStore, organizationId: string) => Promise<boolean>;
}

/** One running sync, as its phases see it. */
export interface SyncScope {
  readonly ctx: SyncContext;
  readonly client: DirectoryApiClient;
  readonly org: string;
  readonly directoryId: string;
  readonly dryRun: boolean;
  /** The run's start (ns): the version of its removals, and its watermark. */
  readonly startedAtNs: bigint;
  readonly report: SyncReport;
  readonly signal: AbortSignal;
  /** The users the Directory API says the listing holds (its `totalSize`), once a page told. */
  usersTotal: number | undefined;
  /** A Directory API call, retried on transient failures. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** One unit of work in a transaction (retried on conflicts); outside one without transactions. */
  transaction<T>(fn: (scope: ApplyScope) => Promise<T>): Promise<T>;
  /** Where a dry run reads: the adapter itself, outside any transaction. */
  readScope(): ApplyScope;
  /** Runs hooks of committed changes, one batch at a time in commit order. */
  hooks(effects: readonly Effect[][]): Promise<void>;
  progress(phase: SyncPhase): void;
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Pages held by a read-ahead listing. */
  readAheadPages(pageSize: number): number;
  /** Throws SYNC_ABORTED when the sync was aborted. */
  checkAborted(): void;
}
