import type { ScimLogger } from '../logger.js';
import type { Effect } from './effects.js';
import type { RoleMapper } from './policies.js';
import type { DeprovisionPolicy, ScimHooks } from './types.js';
import type { UserLayer } from './user-layer.js';

/** What the Applier and the GroupWriter are configured with (the engine's options, resolved). */
export interface ApplyConfig {
  deprovision: DeprovisionPolicy;
  roles: RoleMapper | null;
  hooks: ScimHooks;
  logger: ScimLogger;
  /** On `directory_disabled`: only record it, or also deactivate the organization's users. */
  directoryDisabled: 'record' | 'deactivate-users';
  users: UserLayer;
  /** The adapter's `capabilities.maxBatchSize`: no store call carries more items. */
  maxBatchSize: number;
  /** The adapter's `capabilities.transactions`: a transaction's writes commit together or not at all. */
  transactions: boolean;
}

/** What applying a batch did: one step per change, in the order of the changes. */
export interface Applied<Step> {
  steps: Step[];
  /** Whether each change's version record was written (the store's own check may refuse a planned one). */
  written: boolean[];
  /** Hooks of each change, to run after commit. */
  effects: Effect[][];
}
