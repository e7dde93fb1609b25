import { AdapterError } from '@scim/core/adapter';

type Code = 'UNIQUE_VIOLATION' | 'TRANSACTION_CONFLICT' | 'STORAGE_FAILURE';

const PG_CODES: Record<string, Code> = {
  '23505': 'UNIQUE_VIOLATION',
  '40001': 'TRANSACTION_CONFLICT',
  '40P01': 'TRANSACTION_CONFLICT',
  '55P03': 'TRANSACTION_CONFLICT',
};
const MYSQL_ERRNOS: Record<number, Code> = {
  1062: 'UNIQUE_VIOLATION',
  1213: 'TRANSACTION_CONFLICT',
  1205: 'TRANSACTION_CONFLICT',
};
const SQLITE_CODES: Record<string, Code> = {
  SQLITE_CONSTRAINT_UNIQUE: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'UNIQUE_VIOLATION',
  SQLITE_BUSY: 'TRANSACTION_CONFLICT',
  SQLITE_BUSY_SNAPSHOT: 'TRANSACTION_CONFLICT',
  SQLITE_LOCKED: 'TRANSACTION_CONFLICT',
};
// Losing the connection: the call may be retried once the database is back.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

function codeOf(error: unknown): Code | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof errno === 'number' && typeof code === 'string' && code.startsWith('ER_')) return MYSQL_ERRNOS[errno];
  if (typeof code !== 'string') return undefined;
  if (code in PG_CODES) return PG_CODES[code];
  if (code in SQLITE_CODES) return SQLITE_CODES[code];
  if (CONNECTION_CODES.has(code) || /^08...$/.test(code)) return 'STORAGE_FAILURE';
  return undefined;
}

/**
 * The driver error behind `error`: Drizzle wraps driver errors in a `DrizzleQueryError` whose
 * `cause` is the driver's own error. Walks a few levels of `cause`.
 */
function recognise(error: unknown): Code | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const code = codeOf(current);
    if (code !== undefined) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Translates a recognised driver error into an `AdapterError` (the original stays as `cause`);
 * returns anything else unchanged, so that the caller rethrows it.
 */
export function translateError(error: unknown): unknown {
  if (error instanceof AdapterError) return error;
  const code = recognise(error);
  if (code === undefined) return error;
  const message =
    code === 'UNIQUE_VIOLATION'
      ? 'unique constraint violated'
      : code === 'TRANSACTION_CONFLICT'
        ? 'transaction conflict (serialization failure, deadlock or lock timeout)'
        : 'database connection failed';
  return new AdapterError(code, message, { cause: error });
}

/** MySQL's duplicate-key error, behind Drizzle's wrapper. */
export function isMysqlDuplicate(error: unknown): boolean {
  return recognise(error) === 'UNIQUE_VIOLATION';
}
