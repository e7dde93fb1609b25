import type { ScimAdapter } from '@scim/core';
import { type ResourceStore, retryOnConflict, type ScimStore } from '@scim/core/adapter';
import { translateError } from './errors.js';
import type {
  PrismaAdapterOptions,
  PrismaClientLike,
  PrismaModelName,
  PrismaModelRow,
  PrismaTransactionClient,
  PrismaTransactionOptions,
  PrismaUserFields,
} from './options.js';
import { PrismaStore } from './prisma-store.js';
import { readDataModel, readPostgresColumnTypes, readProvider, resolveUserModel } from './user-model.js';
import { type ErasedUserMapping, UserWriter } from './user-writer.js';

const DEFAULT_MAX_BATCH_SIZE = 1000;
/** A call made outside `transaction()` runs in one of its own; a conflict there is retried this often. */
const AUTO_TRANSACTION_ATTEMPTS = 5;

/**
 * A `@scim` storage adapter over a Prisma client (Prisma 7, and Prisma 6 with the same client API): the
 * SDK's bookkeeping lives in the `scim_` tables of the shipped schema fragment and migrations. PostgreSQL,
 * MySQL/MariaDB, SQLite. With `options.users` (a table mapping), provisioned users land in the app's own
 * model; without it, the app's own functions write them (`createScimEngine({ users })`) through the
 * interactive transaction's client, `ctx.tx`.
 *
 * ```ts
 * const adapter = prismaAdapter(prisma, {
 *   users: {
 *     model: 'User',
 *     organizationId: 'scimOrganizationId',
 *     userId: 'scimUserId',
 *     fields: (u) => ({ email: u.email, name: u.displayName }),
 *     active: 'isActive',
 *   },
 * });
 * ```
 */
export function prismaAdapter<
  C extends PrismaClientLike,
  M extends PrismaModelName<C>,
  F extends PrismaUserFields<PrismaModelRow<C, M>>,
  A extends PrismaUserFields<PrismaModelRow<C, M>>,
  R extends PrismaUserFields<PrismaModelRow<C, M>>,
  N extends PrismaUserFields<PrismaModelRow<C, M>>,
>(
  prisma: C,
  options: PrismaAdapterOptions<C, M, PrismaModelRow<C, M>, F, A, R, N> = {},
): ScimAdapter<PrismaTransactionClient<C>> {
  const provider = options.provider ?? readProvider(prisma);
  const mapping = options.users as unknown as ErasedUserMapping | undefined;
  let writer: UserWriter | null = null;
  if (mapping !== undefined) {
    const model = resolveUserModel(readDataModel(prisma), provider, mapping);
    writer = new UserWriter(provider, model, mapping, (db) => readPostgresColumnTypes(db, model.table));
  }
  const transactionOptions: PrismaTransactionOptions = {
    maxWait: 10_000,
    timeout: 60_000,
    // MySQL's default REPEATABLE READ takes gap locks and reads from an old snapshot; the version rules
    // are enforced by the conditional writes themselves and need neither.
    ...(provider === 'mysql' ? { isolationLevel: 'ReadCommitted' as const } : {}),
    ...options.transactionOptions,
  };

  const plain = new PrismaStore(prisma, provider, writer, false);

  type Tx = PrismaTransactionClient<C>;
  const transaction = async <T>(fn: (store: ScimStore, tx: Tx) => Promise<T>): Promise<T> => {
    try {
      return await prisma.$transaction(
        (tx) => fn(new PrismaStore(tx, provider, writer, true), tx as Tx),
        transactionOptions,
      );
    } catch (error) {
      throw translateError(error, 'transaction');
    }
  };

  /** A write outside `transaction()`: atomic on its own, and retried when it loses a race. */
  const write =
    <A extends unknown[], R>(pick: (store: ScimStore) => (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      retryOnConflict(() => transaction((store) => pick(store).apply(store, args)), {
        retries: AUTO_TRANSACTION_ATTEMPTS - 1,
      });

  /**
   * A call that is one statement (atomic by itself) outside `transaction()`. Not on SQLite: there every
   * query shares one connection, and Prisma serializes only its transactions, so a statement sent
   * beside an open transaction would run inside it (and be rolled back with it).
   */
  const single = <A extends unknown[], R>(
    name: string,
    pick: (store: ScimStore) => (...args: A) => Promise<R>,
  ): ((...args: A) => Promise<R>) => {
    if (provider === 'sqlite') return write(pick);
    return async (...args: A): Promise<R> => {
      try {
        return await pick(plain).apply(plain, args);
      } catch (error) {
        throw translateError(error, name);
      }
    };
  };

  const mysql = provider === 'mysql';

  return {
    name: `prisma:${provider}`,
    capabilities: {
      transactions: true,
      batchWrites: true,
      maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
      userTable: writer !== null,
      linkByEmail: writer?.model.email != null,
      scimResources: provider === 'postgresql',
    },
    transaction,
    claimEvents: single('claimEvents', (s) => s.claimEvents),
    finishEvents: single('finishEvents', (s) => s.finishEvents),
    getEvent: single('getEvent', (s) => s.getEvent),
    listEvents: single('listEvents', (s) => s.listEvents),
    pruneEvents: single('pruneEvents', (s) => s.pruneEvents),
    getEntities: single('getEntities', (s) => s.getEntities),
    advanceEntities: mysql ? write((s) => s.advanceEntities) : single('advanceEntities', (s) => s.advanceEntities),
    listEntities: single('listEntities', (s) => s.listEntities),
    upsertUsers: write((s) => s.upsertUsers),
    patchUsers: write((s) => s.patchUsers),
    deleteUsers: write((s) => s.deleteUsers),
    linkUsersByEmail: write((s) => s.linkUsersByEmail),
    upsertGroups: write((s) => s.upsertGroups),
    ensureGroups: write((s) => s.ensureGroups),
    deleteGroups: write((s) => s.deleteGroups),
    getGroups: single('getGroups', (s) => s.getGroups),
    replaceMemberships: write((s) => s.replaceMemberships),
    removeGroupMemberships: write((s) => s.removeGroupMemberships),
    listMemberships: single('listMemberships', (s) => s.listMemberships),
    upsertDirectory: single('upsertDirectory', (s) => s.upsertDirectory),
    getDirectory: single('getDirectory', (s) => s.getDirectory),
    getLinks: single('getLinks', (s) => s.getLinks),
    getLinksToAppUsers: single('getLinksToAppUsers', (s) => s.getLinksToAppUsers),
    saveLinks: single('saveLinks', (s) => s.saveLinks),
    deleteLinks: single('deleteLinks', (s) => s.deleteLinks),
    getSyncState: single('getSyncState', (s) => s.getSyncState),
    listSyncStates: single('listSyncStates', (s) => s.listSyncStates),
    saveSyncState: single('saveSyncState', (s) => s.saveSyncState),
    acquireLease: mysql ? write((s) => s.acquireLease) : single('acquireLease', (s) => s.acquireLease),
    releaseLease: single('releaseLease', (s) => s.releaseLease),
    getLeases: single('getLeases', (s) => s.getLeases!),
    ...(provider === 'postgresql' ? scimResourceMethods(single, write) : {}),
  };
}

type Single = <A extends unknown[], R>(
  name: string,
  pick: (store: ScimStore) => (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;
type Write = <A extends unknown[], R>(
  pick: (store: ScimStore) => (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;

/** The SCIM server's records (PostgreSQL): reads and token writes are one statement each, member deltas go in a transaction. */
function scimResourceMethods(single: Single, write: Write): ResourceStore {
  return {
    getResource: single('getResource', (s) => s.getResource!),
    queryResources: single('queryResources', (s) => s.queryResources!),
    existingResources: single('existingResources', (s) => s.existingResources!),
    putResource: write((s) => s.putResource!),
    addMemberships: write((s) => s.addMemberships!),
    removeMemberships: write((s) => s.removeMemberships!),
    listGroupMembers: single('listGroupMembers', (s) => s.listGroupMembers!),
    findToken: single('findToken', (s) => s.findToken!),
    saveToken: single('saveToken', (s) => s.saveToken!),
    listTokens: single('listTokens', (s) => s.listTokens!),
    expireTokens: single('expireTokens', (s) => s.expireTokens!),
  };
}
