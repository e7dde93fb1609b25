import type { ScimEngine } from '@scim/core';
import { explainError } from '../errors.js';
import { codesOf, messagesOf, rootMessage } from './error-facts.js';
import { type CheckResult, check } from './types.js';

/** An organization no directory has: the reads below find nothing and write nothing. */
export const PROBE_ORGANIZATION = 'org_scimdoctorprobe';

// A table or a column that is not there: the bookkeeping schema is not (fully) migrated.
const NOT_MIGRATED_CODES = new Set([
  '42P01', // PostgreSQL undefined_table
  '42703', // PostgreSQL undefined_column
  '1146', // MySQL ER_NO_SUCH_TABLE
  'ER_NO_SUCH_TABLE',
  '1054', // MySQL ER_BAD_FIELD_ERROR
  'ER_BAD_FIELD_ERROR',
  'P2021', // Prisma: the table does not exist
  'P2022', // Prisma: the column does not exist
]);
const NOT_MIGRATED_MESSAGES = [
  /no such table/i,
  /no such column/i,
  /relation "?[\w.]+"? does not exist/i,
  /TableDoesNotExist/,
];

// The database cannot be reached or refuses the connection itself.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  '57P03', // PostgreSQL cannot_connect_now
  '3D000', // PostgreSQL: database does not exist
  '28P01', // PostgreSQL: password authentication failed
  '28000', // PostgreSQL: invalid authorization
  '1045', // MySQL access denied
  'ER_ACCESS_DENIED_ERROR',
  '1049', // MySQL unknown database
  'ER_BAD_DB_ERROR',
  'P1000', // Prisma: authentication failed
  'P1001', // Prisma: cannot reach the database server
  'P1003', // Prisma: database does not exist
  'SQLITE_CANTOPEN',
]);
const UNREACHABLE_NAMES = /MongoServerSelectionError|MongoNetworkError/;

export type DatabaseFailure = 'not-migrated' | 'unreachable' | 'other';

/** Which of the two usual failures an error is, by its codes (and, for drivers without codes, its message). */
export function classifyDatabaseError(error: unknown): DatabaseFailure {
  const codes = codesOf(error);
  const messages = messagesOf(error);
  if (codes.some((code) => NOT_MIGRATED_CODES.has(code))) return 'not-migrated';
  if (messages.some((m) => NOT_MIGRATED_MESSAGES.some((pattern) => pattern.test(m)))) return 'not-migrated';
  if (codes.some((code) => UNREACHABLE_CODES.has(code))) return 'unreachable';
  if (messages.some((m) => UNREACHABLE_NAMES.test(m) || /ECONNREFUSED|connect ETIMEDOUT/.test(m))) return 'unreachable';
  return 'other';
}

const MIGRATE_FIX =
  "Run your migrations: the SDK's scim_* tables are part of your schema (Prisma: `prisma migrate deploy`; " +
  'Drizzle: `drizzle-kit migrate`; @scim/sql: apply schema/<dialect>.sql or call applySqlSchema).';

/** The line for an error met while building the engine or reading through it. */
export function databaseFailure(error: unknown, adapterName: string): CheckResult {
  const kind = classifyDatabaseError(error);
  const title = 'Database';
  const cause = rootMessage(error);
  if (kind === 'not-migrated') {
    return check('database', title, 'fail', `reachable, but the bookkeeping tables are not migrated (${cause})`, {
      fix: MIGRATE_FIX,
      data: { adapter: adapterName, failure: kind },
    });
  }
  if (kind === 'unreachable') {
    return check('database', title, 'fail', `cannot be reached (${cause})`, {
      fix: 'Start the database, or check the connection string the app reads (DATABASE_URL or the like), its host, port, name and credentials.',
      data: { adapter: adapterName, failure: kind },
    });
  }
  return check('database', title, 'fail', explainError(error).join(' / '), {
    fix: "See the cause above; the app's own logs will say the same.",
    data: { adapter: adapterName, failure: kind },
  });
}

/**
 * Harmless reads of each bookkeeping table through the app's own adapter (sync states, the inbox, versions,
 * groups, directories, links, and the SCIM server's tokens when the adapter keeps them), for an
 * organization that has none: a missing table or an unreachable database shows, and nothing is written.
 */
export async function checkDatabase(engine: ScimEngine): Promise<CheckResult> {
  const adapter = engine.adapter;
  try {
    const states = await engine.syncStatus();
    await engine.events({ limit: 1 });
    await adapter.getEntities(PROBE_ORGANIZATION, 'user', ['diruser_scimdoctorprobe']);
    await adapter.getGroups(PROBE_ORGANIZATION, ['dirgroup_scimdoctorprobe']);
    await adapter.getDirectory(PROBE_ORGANIZATION, 'dir_scimdoctorprobe');
    await adapter.getLinks(PROBE_ORGANIZATION, ['diruser_scimdoctorprobe']);
    if (adapter.capabilities.scimResources === true) await adapter.listTokens?.(PROBE_ORGANIZATION);
    const organizations = new Set(states.map((s) => s.organizationId)).size;
    return check(
      'database',
      'Database',
      'pass',
      `reachable through the ${adapter.name} adapter, bookkeeping tables migrated (${states.length} directory sync state(s), ${organizations} organization(s))`,
      { data: { adapter: adapter.name, syncStates: states.length } },
    );
  } catch (error) {
    return databaseFailure(error, adapter.name);
  }
}
