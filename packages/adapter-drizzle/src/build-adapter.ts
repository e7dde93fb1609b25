import type { ScimAdapter } from '@scim/core';
import { retryOnConflict, type ScimStore } from '@scim/core/adapter';
import { translateError } from './errors.js';
import { inOrder } from './in-order.js';

export interface AdapterParts {
  name: string;
  maxBatchSize: number;
  conflictRetries: number;
  /** Runs `fn` in one database transaction, with a store bound to it. */
  transaction<T>(fn: (store: ScimStore) => Promise<T>): Promise<T>;
}

// Typed as a record so that a method added to the contract fails to compile here.
const METHODS: Record<keyof ScimStore, true> = {
  claimEvents: true,
  finishEvents: true,
  getEvent: true,
  pruneEvents: true,
  getEntities: true,
  advanceEntities: true,
  listEntities: true,
  upsertUsers: true,
  patchUsers: true,
  deleteUsers: true,
  upsertGroups: true,
  ensureGroups: true,
  deleteGroups: true,
  getGroups: true,
  replaceMemberships: true,
  removeGroupMemberships: true,
  listMemberships: true,
  upsertDirectory: true,
  getDirectory: true,
  getSyncState: true,
  saveSyncState: true,
  acquireLease: true,
  releaseLease: true,
};
const STORE_METHODS = Object.keys(METHODS) as (keyof ScimStore)[];

/**
 * The adapter around a dialect's transaction runner. A store method called outside `transaction()`
 * runs in a transaction of its own (some take several statements), retried a few times on a
 * conflict: it is the whole unit of work, so a retry cannot repeat anything half done.
 */
export function buildAdapter(parts: AdapterParts): ScimAdapter {
  const transaction = async <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> => {
    try {
      return await parts.transaction((store) => fn(inOrder(store)));
    } catch (error) {
      throw translateError(error);
    }
  };

  const single = <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> =>
    retryOnConflict(() => transaction(fn), { retries: parts.conflictRetries });

  const methods = Object.fromEntries(
    STORE_METHODS.map((method) => [
      method,
      (...args: unknown[]) =>
        single((store) => (store[method] as (...a: unknown[]) => Promise<unknown>).apply(store, args)),
    ]),
  ) as unknown as ScimStore;

  return {
    name: parts.name,
    capabilities: { transactions: true, batchWrites: true, maxBatchSize: parts.maxBatchSize },
    transaction,
    ...methods,
  };
}
