import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';

export type Provider = 'postgresql' | 'mysql' | 'sqlite';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');

/** The shipped migrations of one provider, in order: folder name and SQL. */
export function shippedMigrations(provider: Provider): { name: string; sql: string }[] {
  const migrations = join(packageRoot, 'prisma', provider, 'migrations');
  return readdirSync(migrations, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(migrations, name, 'migration.sql'), 'utf8') }));
}

/** The test app's own table. */
export function appTableSql(provider: Provider): string {
  return readFileSync(join(here, 'schema', `${provider}-app.sql`), 'utf8');
}

/** The shipped migrations of one provider, in order, then the test app's own table. */
function schemaSql(provider: Provider): string[] {
  return [...shippedMigrations(provider).map((m) => m.sql), appTableSql(provider)];
}

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

/** The same server URL with another database name (credentials untouched, never logged). */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Why a database is missing, or null when it answers. In CI a missing database fails the run; on a
 * developer machine the test files skip with this reason.
 */
export async function unavailable(provider: Provider): Promise<string | null> {
  try {
    if (provider === 'postgresql') {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.end();
    } else if (provider === 'mysql') {
      const conn = await mariadb.createConnection(mysqlOptions(MYSQL_URL));
      await conn.end();
    }
    return null;
  } catch (error) {
    const reason = `${provider} is not reachable (${(error as Error).message}); set TEST_POSTGRES_URL / TEST_MYSQL_URL`;
    if (process.env.CI) throw new Error(`${reason}. Database tests must not skip in CI.`, { cause: error });
    return reason;
  }
}

export function mysqlOptions(url: string): mariadb.ConnectionConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.slice(1) || undefined,
  };
}

/**
 * This checkout's own name for a database: other checkouts of the repository (worktrees, CI) run the
 * same tests against the same servers at the same time, and must not drop each other's databases.
 */
function checkoutDatabase(base: string): string {
  return `${base}_${createHash('sha1').update(packageRoot).digest('hex').slice(0, 10)}`;
}

/**
 * Creates the database afresh and applies the shipped migrations through the driver, the way
 * `prisma migrate deploy` would apply them (or the statements given). Resolves what a Prisma driver
 * adapter needs.
 */
export async function createDatabase(
  provider: Provider,
  base: string,
  sql: string[] = schemaSql(provider),
): Promise<string> {
  const name = provider === 'sqlite' ? base : checkoutDatabase(base);
  if (provider === 'postgresql') {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(POSTGRES_URL, name);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const step of sql) await client.query(step);
    } finally {
      await client.end();
    }
    return url;
  }
  if (provider === 'mysql') {
    const conn = await mariadb.createConnection({ ...mysqlOptions(MYSQL_URL), multipleStatements: true });
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.query(`CREATE DATABASE \`${name}\``);
      await conn.query(`USE \`${name}\``);
      for (const step of sql) await conn.query(step);
    } finally {
      await conn.end();
    }
    return withDatabase(MYSQL_URL, name);
  }
  const dir = join(packageRoot, 'test', 'generated', 'databases');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) rmSync(file + suffix);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    for (const step of sql) db.exec(step);
  } finally {
    db.close();
  }
  return `file:${file}`;
}

/** Runs SQL (several statements at once) on a database `createDatabase` made, through the driver. */
export async function applySql(provider: Provider, url: string, sql: string): Promise<void> {
  if (provider === 'postgresql') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  } else if (provider === 'mysql') {
    const conn = await mariadb.createConnection({ ...mysqlOptions(url), multipleStatements: true });
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  } else {
    const db = new Database(url.slice('file:'.length));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  }
}
