/**
 * The benchmarks' databases on the PostgreSQL of `TEST_POSTGRES_URL` (default the local server), each created
 * afresh: a Drizzle one with the app's table and the SDK's tables as drizzle-kit would migrate them, or a Prisma
 * one through the adapter package's own test client and migrations.
 */
import { spawnSync } from 'node:child_process';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { PrismaClient } from '../packages/adapter-prisma/test/generated/postgresql/client/client.js';
import * as schema from './drizzle-schema.js';

export const BASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database `name`; resolves its URL. */
export async function createEmptyDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database `name` with the tables of drizzle-schema.ts; resolves its URL. */
export async function createDrizzleDatabase(name: string): Promise<string> {
  const url = new URL(await createEmptyDatabase(name));
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const { generateDrizzleJson, generateMigration } = await import('drizzle-kit/api');
  for (const statement of await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema))) {
    await client.query(statement);
  }
  await client.end();
  return url.toString();
}

/**
 * A fresh database `name` migrated the way `prisma migrate deploy` would, and a client on it: the adapter
 * package's test client (its test app's User model plus the shipped fragment), generated first, with a pool of
 * `max` connections. Exits the process when the client cannot be generated.
 */
export async function createPrismaDatabase(name: string, max: number): Promise<{ url: string; prisma: PrismaClient }> {
  const adapterPackage = new URL('../packages/adapter-prisma/', import.meta.url);
  const generate = spawnSync(process.execPath, [new URL('scripts/generate.mjs', adapterPackage).pathname], {
    stdio: 'inherit',
  });
  if (generate.status !== 0) process.exit(generate.status ?? 1);
  const { PrismaClient: Client } = await import(
    '../packages/adapter-prisma/test/generated/postgresql/client/client.js'
  );
  const { createDatabase } = await import('../packages/adapter-prisma/test/databases.js');
  const url = await createDatabase('postgresql', name);
  return { url, prisma: new Client({ adapter: new PrismaPg({ connectionString: url, max }) }) };
}
