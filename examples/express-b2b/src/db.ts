import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PrismaClient } from '../generated/sqlite/client.js';
import { migratePostgres, migrateSqlite } from './migrate.js';

/**
 * The app's Prisma client, typed as the SQLite one. Both clients are generated from the same models (only the
 * datasource differs), so the app's queries are the same on either; TypeScript cannot see that on its own,
 * because each generated client declares its types in its own modules.
 */
export type Database = PrismaClient;

export interface OpenDatabase {
  prisma: Database;
  /** `postgresql` or `sqlite (<file>)`, for the startup line; never the URL (it may hold a password). */
  description: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL through node-postgres when DATABASE_URL is set, otherwise a SQLite file in `dataDir`: no server
 * to install. Either way the pending migrations of prisma/<provider>/migrations are applied first.
 */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string): Promise<OpenDatabase> {
  if (databaseUrl !== undefined) {
    await migratePostgres(databaseUrl);
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { PrismaClient } = await import('../generated/postgresql/client.js');
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 10 }) });
    // The same models through the PostgreSQL client (see `Database`); @scim/adapter-prisma reads the
    // provider from the client at runtime, not from its type.
    const prisma = client as unknown as Database;
    return { prisma, description: 'postgresql', close: () => prisma.$disconnect() };
  }
  const folder = resolve(dataDir);
  await mkdir(folder, { recursive: true });
  const file = join(folder, 'app.db');
  await migrateSqlite(file);
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const { PrismaClient } = await import('../generated/sqlite/client.js');
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  return { prisma, description: `sqlite (${file})`, close: () => prisma.$disconnect() };
}
