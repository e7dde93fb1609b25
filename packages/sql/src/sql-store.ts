import { DIALECTS } from './dialect.js';
import { mysqlOps } from './mysql/ops.js';
import type { SqlDialect, SqlErrorKind, SqlSession } from './port.js';
import { postgresqlOps } from './postgresql/ops.js';
import { sqliteOps } from './sqlite/ops.js';
import { type SqlStoreMethods, StoreContext, type StoreOps } from './store/context.js';

export type { SqlStoreMethods } from './store/context.js';

const OPS: Record<SqlDialect, StoreOps> = { postgresql: postgresqlOps, mysql: mysqlOps, sqlite: sqliteOps };

// Typed as a record so that a method added to the contract fails to compile here.
const METHODS: Record<keyof SqlStoreMethods, 'read' | 'write'> = {
  claimEvents: 'write',
  finishEvents: 'write',
  getEvent: 'read',
  listEvents: 'read',
  pruneEvents: 'write',
  getEntities: 'read',
  advanceEntities: 'write',
  listEntities: 'read',
  upsertGroups: 'write',
  ensureGroups: 'write',
  deleteGroups: 'write',
  getGroups: 'read',
  replaceMemberships: 'write',
  removeGroupMemberships: 'write',
  listMemberships: 'read',
  upsertDirectory: 'write',
  getDirectory: 'read',
  getLinks: 'read',
  getLinksToAppUsers: 'read',
  saveLinks: 'write',
  deleteLinks: 'write',
  getSyncState: 'read',
  listSyncStates: 'read',
  saveSyncState: 'write',
  acquireLease: 'write',
  releaseLease: 'write',
  getLeases: 'read',
  getResource: 'read',
  queryResources: 'read',
  existingResources: 'read',
  putResource: 'write',
  addMemberships: 'write',
  removeMemberships: 'write',
  listGroupMembers: 'read',
  findToken: 'read',
  saveToken: 'write',
  listTokens: 'read',
  expireTokens: 'write',
};

/** The store's methods, and whether each only reads (it may then run outside a transaction). */
export const SQL_STORE_METHODS = METHODS;

export interface SqlStoreOptions {
  /**
   * The session is a transaction's. Writes that take several statements (MySQL's read-backs) and
   * PostgreSQL's shortcut for a new user's memberships rely on one: leave it false only for reads.
   */
  inTransaction: boolean;
  /** The port's own error classifier, if it has one (see `SqlPort.classifyError`). */
  classifyError?: (error: unknown) => SqlErrorKind | undefined;
}

/**
 * The SDK's bookkeeping (`BookkeepingStore`) and the SCIM server's records (`ResourceStore`) over one SQL
 * session, in the tables of `@scim/sql/schema/<dialect>.sql`. Every multi-item method costs a constant
 * number of statements (a few more only past a dialect's bound-parameter limit), and applies an id repeated
 * in one call as the contract says. Errors are the driver's own: translate them with `translateSqlError`
 * (the adapter of `sqlAdapter` does).
 */
export function sqlStore(session: SqlSession, dialect: SqlDialect, options: SqlStoreOptions): SqlStoreMethods {
  const ops = OPS[dialect];
  if (ops === undefined) throw new TypeError(`@scim/sql: unknown dialect ${String(dialect)}`);
  const ctx = new StoreContext(session, DIALECTS[dialect], options.classifyError, options.inTransaction);
  const store: Record<string, unknown> = {};
  for (const name of Object.keys(METHODS) as (keyof SqlStoreMethods)[]) {
    const op = ops[name] as (ctx: StoreContext, ...args: unknown[]) => Promise<unknown>;
    // Own properties, not a prototype's: wrappers that copy a store with `{ ...store }` keep them.
    store[name] = (...args: unknown[]) => op(ctx, ...args);
  }
  return store as unknown as SqlStoreMethods;
}
