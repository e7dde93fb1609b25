import type { ScimAdapter } from '@scim/core';
import {
  type BookkeepingStore,
  type ResourceStore,
  retryOnConflict,
  type ScimStore,
  type UserTableStore,
} from '@scim/core/adapter';
import { translateError } from './errors.js';
import { inOrder } from './in-order.js';

export interface AdapterParts<Tx> {
  name: string;
  maxBatchSize: number;
  conflictRetries: number;
  /** Whether a table mapping was given (else the table methods are configuration errors). */
  userTable: boolean;
  /** Whether the mapping names an email column (account linking). */
  linkByEmail: boolean;
  /** Runs `fn` in one database transaction, with a store bound to it and the ORM's handle of it. */
  transaction<T>(fn: (store: ScimStore, tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Where the database has a pool, a store outside any transaction for the reads of `READS`: each is
   * one statement (or two that need not agree), which a transaction would only wrap in BEGIN and COMMIT.
   */
  outside?: () => ScimStore;
}

// Typed as a record so that a method added to the contract fails to compile here.
const METHODS: Record<keyof BookkeepingStore | keyof UserTableStore, true> = {
  claimEvents: true,
  finishEvents: true,
  getEvent: true,
  listEvents: true,
  pruneEvents: true,
  getEntities: true,
  advanceEntities: true,
  listEntities: true,
  upsertUsers: true,
  patchUsers: true,
  deleteUsers: true,
  linkUsersByEmail: true,
  upsertGroups: true,
  ensureGroups: true,
  deleteGroups: true,
  getGroups: true,
  replaceMemberships: true,
  removeGroupMemberships: true,
  listMemberships: true,
  upsertDirectory: true,
  getDirectory: true,
  getLinks: true,
  getLinksToAppUsers: true,
  saveLinks: true,
  deleteLinks: true,
  getSyncState: true,
  listSyncStates: true,
  saveSyncState: true,
  acquireLease: true,
  releaseLease: true,
  getLeases: true,
};
const STORE_METHODS = Object.keys(METHODS) as (keyof BookkeepingStore | keyof UserTableStore)[];

// Every dialect keeps the SCIM server's records (`capabilities.scimResources`).
const RESOURCE_METHODS_RECORD: Record<keyof ResourceStore, true> = {
  getResource: true,
  queryResources: true,
  existingResources: true,
  putResource: true,
  addMemberships: true,
  removeMemberships: true,
  listGroupMembers: true,
  findToken: true,
  saveToken: true,
  listTokens: true,
  expireTokens: true,
};
const RESOURCE_METHODS = Object.keys(RESOURCE_METHODS_RECORD) as (keyof ResourceStore)[];

/**
 * The SCIM server's reads, one or two per request: a lookup by filter, a resource, a group's members, a
 * token. Under PostgreSQL's and MySQL's READ COMMITTED each statement reads its own snapshot anyway.
 */
const READS = new Set<keyof ScimStore>([
  'getResource',
  'queryResources',
  'existingResources',
  'listGroupMembers',
  'findToken',
  'listTokens',
  'getGroups',
  'listMemberships',
  'getLeases',
]);

/**
 * The adapter around a dialect's transaction runner. A store method called outside `transaction()`
 * runs in a transaction of its own (some take several statements), retried a few times on a
 * conflict: it is the whole unit of work, so a retry cannot repeat anything half done. The reads of
 * `READS` run outside a transaction where the dialect gives a store for that (`outside`).
 */
export function buildAdapter<Tx>(parts: AdapterParts<Tx>): ScimAdapter<Tx> {
  const transaction = async <T>(fn: (store: ScimStore, tx: Tx) => Promise<T>): Promise<T> => {
    try {
      return await parts.transaction((store, tx) => fn(inOrder(store), tx));
    } catch (error) {
      throw translateError(error);
    }
  };

  const single = <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> =>
    retryOnConflict(() => transaction(fn), { retries: parts.conflictRetries });

  const read = async <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> => {
    try {
      return await fn(parts.outside!());
    } catch (error) {
      throw translateError(error);
    }
  };

  const methods = Object.fromEntries(
    [...STORE_METHODS, ...RESOURCE_METHODS].map((method) => {
      const run = parts.outside !== undefined && READS.has(method) ? read : single;
      return [
        method,
        (...args: unknown[]) =>
          run((store) => (store[method] as (...a: unknown[]) => Promise<unknown>).apply(store, args)),
      ];
    }),
  ) as unknown as ScimStore;

  return {
    name: parts.name,
    capabilities: {
      transactions: true,
      batchWrites: true,
      maxBatchSize: parts.maxBatchSize,
      userTable: parts.userTable,
      linkByEmail: parts.linkByEmail,
      scimResources: true,
    },
    transaction,
    ...methods,
  };
}
