import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenDatabase {
  db: Database;
  /** `postgresql` or `pglite (<folder>)`, for the startup line; never the URL (it may hold a password). */
  description: string;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * PostgreSQL through node-postgres when DATABASE_URL is set, otherwise PGlite (PostgreSQL compiled to
 * WebAssembly) in a folder: no server to install. Either way the drizzle-kit migrations run first.
 */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string): Promise<OpenDatabase> {
  if (databaseUrl !== undefined) {
    const { Pool } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    const pool = new Pool({ connectionString: databaseUrl, max: 10 });
    // A dropped connection emits 'error' on the pool (idle clients) or on the client (checked out, e.g. in a
    // transaction). The failing query rejects anyway (the webhook answers 500 and Scalekit retries); without
    // listeners the event would end the process.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = drizzle({ client: pool, schema });
    await migrate(db, { migrationsFolder });
    return { db, description: 'postgresql', close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const folder = join(dataDir, 'pglite');
  await mkdir(folder, { recursive: true });
  const client = new PGlite(folder);
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder });
  return { db, description: `pglite (${folder})`, close: () => client.close() };
}
