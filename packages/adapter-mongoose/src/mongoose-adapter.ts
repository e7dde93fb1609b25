import type { ScimAdapter } from '@scim/core';
import { type AdapterCapabilities, AdapterError, type ScimStore } from '@scim/core/adapter';
import type { ClientSession, Connection } from 'mongoose';
import { type HelloResult, transactionsFromHello } from './capabilities.js';
import { hasErrorLabel, translateMongoError } from './errors.js';
import { scimModels } from './models.js';
import { MongooseStore, type StoreContext } from './mongoose-store.js';
import type { MongooseAdapterOptions, UserFields } from './options.js';

/**
 * The Mongoose adapter. Its transaction, as the app's own functions get it (`ctx.tx`), is the
 * `ClientSession` of a MongoDB transaction, or `undefined` on a server without transactions (a standalone
 * mongod, where the engine runs without one): pass it on as `{ session: ctx.tx }`, which every Mongoose
 * call takes either way (its options type `session` as `ClientSession | undefined`, not null).
 */
export interface MongooseScimAdapter extends ScimAdapter<ClientSession | undefined> {
  /**
   * Waits for the connection, asks the server what it is (`hello`: replica set or mongos gets
   * transactions) and builds the bookkeeping indexes. Every method awaits it on first use; call it
   * at startup so that `capabilities` is final before the first event.
   */
  ready(): Promise<void>;
}

const DEFAULT_MAX_BATCH_SIZE = 1000;

/**
 * MongoDB answers a write conflict at once instead of waiting for the other transaction; a short,
 * random pause before the engine's retry gives the winner time to commit.
 */
function pauseAfterConflict(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 45)));
}

async function hello(connection: Connection): Promise<HelloResult> {
  const db = connection.db;
  if (db === undefined) throw new AdapterError('STORAGE_FAILURE', 'The Mongoose connection has no database yet');
  try {
    return (await db.admin().command({ hello: 1 })) as HelloResult;
  } catch (error) {
    // Servers before 4.4.2 only know the legacy spelling.
    if ((error as { codeName?: unknown }).codeName !== 'CommandNotFound') throw error;
    return (await db.admin().command({ isMaster: 1 })) as HelloResult;
  }
}

async function commit(session: ClientSession): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      // The commit may or may not have happened; committing again is safe and tells.
      if (attempt < 2 && hasErrorLabel(error, 'UnknownTransactionCommitResult')) continue;
      throw error;
    }
  }
}

/**
 * The Mongoose storage adapter. The SDK's bookkeeping lives in `scim_*` collections registered on the
 * app's connection. With `users` (a table mapping), provisioned users land in the app's own model;
 * without it, the app's own functions write them (`createScimEngine({ users })`) in the SDK's session.
 *
 * On a standalone mongod (no transactions) the inbox claim, the version gate and the leases rest on
 * unique indexes and single-document conditional upserts, and the engine orders its writes so that
 * a redelivery completes an interrupted change. On a replica set or mongos, `transaction()` is a
 * real session transaction.
 */
export function mongooseAdapter<
  TUser,
  F extends UserFields<TUser>,
  A extends UserFields<TUser>,
  R extends UserFields<TUser>,
>(connection: Connection, options: MongooseAdapterOptions<TUser, F, A, R> = {}): MongooseScimAdapter {
  const models = scimModels(connection);
  const requested = options.transactions ?? 'auto';
  let transactions = requested === true;
  let preparing: Promise<void> | null = null;

  const prepare = async (): Promise<void> => {
    await connection.asPromise();
    if (requested === 'auto') transactions = transactionsFromHello(await hello(connection));
    if (options.createIndexes !== false) {
      await Promise.all(Object.values(models).map((model) => model.createIndexes()));
    }
  };

  const ready = (): Promise<void> => {
    preparing ??= prepare().catch((error: unknown) => {
      // Not cached: the next call tries again (the server may have been down).
      preparing = null;
      throw translateMongoError(error);
    });
    return preparing;
  };

  const users = (options.users ?? null) as StoreContext<TUser>['users'];
  const context: StoreContext<TUser> = { models, users, ready };
  const plain = new MongooseStore(context, null);
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;

  const transaction = async <T>(fn: (store: ScimStore, tx: ClientSession | undefined) => Promise<T>): Promise<T> => {
    await ready();
    if (!transactions) {
      try {
        return await fn(plain, undefined);
      } catch (error) {
        throw translateMongoError(error);
      }
    }
    const session = await connection.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
      let result: T;
      try {
        result = await fn(new MongooseStore(context, session), session);
        await commit(session);
      } catch (error) {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        const translated = translateMongoError(error);
        if (translated instanceof AdapterError && translated.code === 'TRANSACTION_CONFLICT')
          await pauseAfterConflict();
        throw translated;
      }
      return result;
    } finally {
      await session.endSession();
    }
  };

  const capabilities = (): AdapterCapabilities => ({
    transactions,
    batchWrites: true,
    maxBatchSize,
    userTable: users !== null,
    linkByEmail: users?.email !== undefined,
  });

  return {
    name: 'mongoose',
    get capabilities() {
      return capabilities();
    },
    ready,
    transaction,
    claimEvents: (records) => plain.claimEvents(records),
    finishEvents: (entries) => plain.finishEvents(entries),
    getEvent: (id) => plain.getEvent(id),
    listEvents: (query) => plain.listEvents(query),
    pruneEvents: (before) => plain.pruneEvents(before),
    getEntities: (organizationId, kind, ids) => plain.getEntities(organizationId, kind, ids),
    advanceEntities: (organizationId, kind, items) => plain.advanceEntities(organizationId, kind, items),
    listEntities: (organizationId, kind, page) => plain.listEntities(organizationId, kind, page),
    upsertUsers: (organizationId, users) => plain.upsertUsers(organizationId, users),
    patchUsers: (organizationId, patches) => plain.patchUsers(organizationId, patches),
    deleteUsers: (organizationId, ids) => plain.deleteUsers(organizationId, ids),
    linkUsersByEmail: (organizationId, links) => plain.linkUsersByEmail(organizationId, links),
    upsertGroups: (organizationId, groups) => plain.upsertGroups(organizationId, groups),
    ensureGroups: (organizationId, groups) => plain.ensureGroups(organizationId, groups),
    deleteGroups: (organizationId, ids) => plain.deleteGroups(organizationId, ids),
    getGroups: (organizationId, ids) => plain.getGroups(organizationId, ids),
    replaceMemberships: (organizationId, entries) => plain.replaceMemberships(organizationId, entries),
    removeGroupMemberships: (organizationId, groupIds) => plain.removeGroupMemberships(organizationId, groupIds),
    listMemberships: (organizationId, filter) => plain.listMemberships(organizationId, filter),
    upsertDirectory: (organizationId, directory) => plain.upsertDirectory(organizationId, directory),
    getDirectory: (organizationId, id) => plain.getDirectory(organizationId, id),
    getLinks: (organizationId, ids) => plain.getLinks(organizationId, ids),
    getLinksToAppUsers: (organizationId, ids) => plain.getLinksToAppUsers(organizationId, ids),
    saveLinks: (organizationId, links) => plain.saveLinks(organizationId, links),
    deleteLinks: (organizationId, ids) => plain.deleteLinks(organizationId, ids),
    getSyncState: (organizationId, directoryId) => plain.getSyncState(organizationId, directoryId),
    listSyncStates: (organizationId) => plain.listSyncStates(organizationId),
    saveSyncState: (state) => plain.saveSyncState(state),
    acquireLease: (request) => plain.acquireLease(request),
    releaseLease: (name, owner) => plain.releaseLease(name, owner),
    getLeases: (names, now) => plain.getLeases(names, now),
  };
}
