import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

export const PG_BASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_BASE_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const checkout = new URL('../../', import.meta.url).pathname;

/**
 * This checkout's own database name: other checkouts of the repository (worktrees, CI) run the same tests
 * against the same servers at the same time, and must not drop each other's databases.
 */
export function testDatabase(base: string): string {
  return `${base}_${createHash('sha1').update(checkout).digest('hex').slice(0, 10)}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A database that cannot be reached fails the run in CI; on a developer's machine its tests are skipped
 * with the reason (never the URL, which may carry a password).
 */
export function unreachable(what: string, error: unknown): string {
  const reason = `${what} is not reachable (${(error as Error).message.split('\n')[0]})`;
  if (process.env.CI) throw new Error(`${reason}; CI requires it`, { cause: error });
  console.warn(`skipping the ${what} tests: ${reason}`);
  return reason;
}

export async function recreatePostgres(database: string): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_BASE_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  return withDatabase(PG_BASE_URL, database);
}

export async function recreateMysql(database: string): Promise<string> {
  const admin = await mysql.createConnection({ uri: MYSQL_BASE_URL });
  try {
    await admin.query(`drop database if exists ${database}`);
    await admin.query(`create database ${database} character set utf8mb4`);
  } finally {
    await admin.end();
  }
  return withDatabase(MYSQL_BASE_URL, database);
}
