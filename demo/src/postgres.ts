import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * This checkout's own database name: other checkouts of the repository (worktrees, CI) run the same
 * tests against the same server at the same time, and must not drop each other's databases.
 */
export function checkoutDatabase(base: string): string {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  return `${base}_${createHash('sha1').update(root).digest('hex').slice(0, 10)}`;
}

/**
 * A new, empty PostgreSQL database for an end-to-end test, dropped first if an earlier run left it;
 * resolves its URL. Without a server it resolves undefined on a developer's machine (the caller skips,
 * saying why) and throws in CI, where a database test must fail rather than skip.
 */
export async function freshPostgresDatabase(base: string): Promise<string | undefined> {
  const database = checkoutDatabase(base);
  const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is required in CI and unreachable: ${String(error)}`);
    return undefined;
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
