import type { ScimAdapter } from '@scim/core';
import { type AdapterCapabilities, AdapterError, type ScimStore } from '@scim/core/adapter';
import type { ClientSession, Connection } from 'mongoose';
import { type HelloResult, transactionsFromHello } from './capabilities.js';
import { hasErrorLabel, translateMongoError } from './errors.js';
import { scimModels } from './models.js';
import { MongooseStore, type StoreContext } from './mongoose-store.js';
import type { MongooseAdapterOptions } from './options.js';

export interface MongooseScimAdapter extends ScimAdapter {
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
 * The Mongoose storage adapter. Provisioned users land in the app's own model through `users`;
 * the SDK's bookkeeping lives in `scim_*` collections registered on the same connection.
 *
 * On a standalone mongod (no transactions) the inbox claim, the version gate and the leases rest on
 * unique indexes and single-document conditional upserts, and the engine orders its writes so that
 * a redelivery completes an interrupted change. On a replica set or mongos, `transaction()` is a
 * real session transaction.
 */
export function mongooseAdapter<TUser>(
  connection: Connection,
  options: MongooseAdapterOptions<TUser>,
): MongooseScimAdapter {
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

  const context: StoreContext<TUser> = { models, users: options.users, ready };
  const plain = new MongooseStore(context, null);
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;

  const transaction = async <T>(fn: (store: ScimStore) => Promise<T>): Promise<T> => {
    await ready();
    if (!transactions) return fn(plain);
    const session = await connection.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
      let result: T;
      try {
        result = await fn(new MongooseStore(context, session));
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

  const capabilities = (): AdapterCapabilities => ({ transactions, batchWrites: true, maxBatchSize });

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
    pruneEvents: (before) => plain.pruneEvents(before),
    getEntities: (organizationId, kind, ids) => plain.getEntities(organizationId, kind, ids),
    advanceEntities: (organizationId, kind, items) => plain.advanceEntities(organizationId, kind, items),
    listEntities: (organizationId, kind, page) => plain.listEntities(organizationId, kind, page),
    upsertUsers: (organizationId, users) => plain.upsertUsers(organizationId, users),
    patchUsers: (organizationId, patches) => plain.patchUsers(organizationId, patches),
    deleteUsers: (organizationId, ids) => plain.deleteUsers(organizationId, ids),
    upsertGroups: (organizationId, groups) => plain.upsertGroups(organizationId, groups),
    ensureGroups: (organizationId, groups) => plain.ensureGroups(organizationId, groups),
    deleteGroups: (organizationId, ids) => plain.deleteGroups(organizationId, ids),
    getGroups: (organizationId, ids) => plain.getGroups(organizationId, ids),
    replaceMemberships: (organizationId, entries) => plain.replaceMemberships(organizationId, entries),
    removeGroupMemberships: (organizationId, groupIds) => plain.removeGroupMemberships(organizationId, groupIds),
    listMemberships: (organizationId, filter) => plain.listMemberships(organizationId, filter),
    upsertDirectory: (organizationId, directory) => plain.upsertDirectory(organizationId, directory),
    getDirectory: (organizationId, id) => plain.getDirectory(organizationId, id),
    getSyncState: (organizationId, directoryId) => plain.getSyncState(organizationId, directoryId),
    saveSyncState: (state) => plain.saveSyncState(state),
    acquireLease: (request) => plain.acquireLease(request),
    releaseLease: (name, owner) => plain.releaseLease(name, owner),
  };
}
