import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Applies the pending migrations of prisma/<provider>/migrations through the database driver, recording each
 * in Prisma's own `_prisma_migrations` table (same columns, same sha256 checksum of migration.sql), the way
 * `prisma migrate deploy` records them. The app does it at startup because Prisma's CLI needs a schema engine
 * that cannot always be downloaded; where it can, `prisma migrate deploy` does the same job.
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export type Provider = 'sqlite' | 'postgresql';

export function readMigrations(provider: Provider): Migration[] {
  const folder = fileURLToPath(new URL(`../prisma/${provider}/migrations`, import.meta.url));
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(folder, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** A migration Prisma started and never finished needs a person (`prisma migrate resolve`), not a retry. */
function refuseUnfinished(rows: { migration_name: string; finished_at: unknown }[]): Set<string> {
  const unfinished = rows.filter((row) => row.finished_at === null).map((row) => row.migration_name);
  if (unfinished.length > 0) {
    throw new Error(`migrations started but not finished: ${unfinished.join(', ')}; resolve them before starting`);
  }
  return new Set(rows.map((row) => row.migration_name));
}

/** Returns the names of the migrations it applied. */
export async function migrateSqlite(file: string): Promise<string[]> {
  const { default: Sqlite } = await import('better-sqlite3');
  const db = new Sqlite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const applied = refuseUnfinished(
      db.prepare('SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL').all() as {
        migration_name: string;
        finished_at: unknown;
      }[],
    );
    const record = db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, ?, 1)`,
    );
    const done: string[] = [];
    for (const migration of readMigrations('sqlite')) {
      if (applied.has(migration.name)) continue;
      // BEGIN IMMEDIATE: a second process starting at the same moment waits instead of applying it twice.
      db.transaction(() => {
        const again = db.prepare('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ?').get(migration.name);
        if (again !== undefined) return;
        const startedAt = Date.now();
        db.exec(migration.sql);
        record.run(randomUUID(), migration.checksum, Date.now(), migration.name, startedAt);
        done.push(migration.name);
      }).immediate();
    }
    return done;
  } finally {
    db.close();
  }
}

/** Prisma's own advisory lock key, so this and `prisma migrate deploy` never run at the same time. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Returns the names of the migrations it applied. */
export async function migratePostgres(url: string): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const applied = refuseUnfinished(rows);
    const done: string[] = [];
    for (const migration of readMigrations('postgresql')) {
      if (applied.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed`, { cause: error });
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
}
