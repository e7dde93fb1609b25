import { type ScimAdapter, ScimError } from '@scim/core';
import { retryOnConflict, type ScimStore, type UserTableStore } from '@scim/core/adapter';
import { translateSqlError } from './errors.js';
import type { SqlPort, SqlSession } from './port.js';
import { SQL_STORE_METHODS, type SqlStoreMethods, sqlStore } from './sql-store.js';

/** A table mapping of the app's users table over the same port (what the ORM adapters keep of their own). */
export interface SqlUserTable<Tx> {
  /** The mapping's writes in one transaction: its session, and the transaction as the app knows it. */
  store(session: SqlSession, tx: Tx): UserTableStore;
  /** The mapping has an email column, so `linkUsersByEmail` can link rows (`capabilities.linkByEmail`). */
  linkByEmail: boolean;
}

export interface SqlAdapterOptions<Tx> {
  /** A short name for logs. Default `sql:<dialect>`. */
  name?: string;
  /** Largest item count one call accepts; the engine splits larger batches. Default 1000. */
  maxBatchSize?: number;
  /** How many times a single write made outside `transaction()` is retried after a conflict. Default 5. */
  conflictRetries?: number;
  /** The table mapping. Without one the adapter is for service mode (the app's own user functions). */
  userTable?: SqlUserTable<Tx>;
}

const USER_TABLE_METHODS: Record<keyof UserTableStore, true> = {
  upsertUsers: true,
  patchUsers: true,
  deleteUsers: true,
  linkUsersByEmail: true,
};

function serviceMode(): UserTableStore {
  const refuse = async (): Promise<never> => {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      'This adapter has no table mapping (service mode): give the engine your user functions (`users`)',
    );
  };
  return { upsertUsers: refuse, patchUsers: refuse, deleteUsers: refuse, linkUsersByEmail: refuse };
}

/**
 * A complete storage adapter over a `SqlPort`: the SQL bookkeeping and the SCIM server's records in the
 * tables of `@scim/sql/schema/<dialect>.sql`, `transaction(fn)` handing the app the port's own transaction
 * (`Tx`), driver errors translated to `AdapterError`s. A method called outside `transaction()` runs on
 * its own: a read as a plain statement, a write in a transaction of its own, retried after a conflict.
 */
export function sqlAdapter<Tx>(port: SqlPort<Tx>, options: SqlAdapterOptions<Tx> = {}): ScimAdapter<Tx> {
  const classifyError = port.classifyError?.bind(port);
  const userTable = options.userTable;
  const storeIn = (session: SqlSession, tx: Tx): ScimStore => ({
    ...sqlStore(session, port.dialect, { inTransaction: true, ...(classifyError ? { classifyError } : {}) }),
    ...(userTable === undefined ? serviceMode() : userTable.store(session, tx)),
  });
  const transaction = async <T>(fn: (store: ScimStore, tx: Tx) => Promise<T>): Promise<T> => {
    try {
      return await port.transaction((session, tx) => fn(storeIn(session, tx), tx));
    } catch (error) {
      throw translateSqlError(error, classifyError);
    }
  };
  const reads = sqlStore(port, port.dialect, { inTransaction: false, ...(classifyError ? { classifyError } : {}) });
  const conflictRetries = options.conflictRetries ?? 5;
  const single: Record<string, unknown> = {};
  const methods = [...Object.entries(SQL_STORE_METHODS), ...Object.keys(USER_TABLE_METHODS).map((m) => [m, 'write'])];
  for (const [name, kind] of methods as [keyof ScimStore, 'read' | 'write'][]) {
    single[name] =
      kind === 'read'
        ? async (...args: unknown[]) => {
            try {
              return await (reads[name as keyof SqlStoreMethods] as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              throw translateSqlError(error, classifyError);
            }
          }
        : (...args: unknown[]) =>
            retryOnConflict(
              () => transaction((store) => (store[name] as (...a: unknown[]) => Promise<unknown>)(...args)),
              { retries: conflictRetries },
            );
  }
  return {
    ...(single as unknown as ScimStore),
    name: options.name ?? `sql:${port.dialect}`,
    capabilities: {
      transactions: true,
      batchWrites: true,
      maxBatchSize: options.maxBatchSize ?? 1000,
      userTable: userTable !== undefined,
      linkByEmail: userTable?.linkByEmail ?? false,
      scimResources: true,
    },
    transaction,
  };
}
