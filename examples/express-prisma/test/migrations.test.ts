import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db.js';
import { migratePostgres, migrateSqlite, type Provider, readMigrations } from '../src/migrate.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const adapterDir = dirname(createRequire(import.meta.url).resolve('@scim/adapter-prisma/package.json'));
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// This checkout's own database: other checkouts run the same test against the same server.
const DATABASE = `scim_example_express_prisma_migrations_${createHash('sha1').update(exampleDir).digest('hex').slice(0, 10)}`;

async function freshPostgresDatabase(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is required in CI and unreachable: ${String(error)}`);
    return undefined;
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

const postgres = await freshPostgresDatabase();
const allNames = (provider: Provider) => readMigrations(provider).map((migration) => migration.name);

describe.each(['sqlite', 'postgresql'] as const)('the %s schema', (provider) => {
  it("holds @scim/adapter-prisma's fragment and migration unchanged", () => {
    const copied = (path: string) => readFileSync(join(exampleDir, 'prisma', provider, path), 'utf8');
    const shipped = (path: string) => readFileSync(join(adapterDir, 'prisma', provider, path), 'utf8');
    expect(copied('scim.prisma')).toBe(shipped('scim.prisma'));
    const migration = 'migrations/20250601000000_scim_bookkeeping/migration.sql';
    expect(copied(migration)).toBe(shipped(migration));
  });
});

describe('migrations on SQLite', () => {
  let dir: string;
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies each migration once, and the client reads every model of the schema', async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-example-migrations-'));
    const file = join(dir, 'app.db');
    expect(await migrateSqlite(file)).toEqual(allNames('sqlite'));
    expect(await migrateSqlite(file)).toEqual([]);
    const database = await openDatabase(undefined, dir);
    try {
      await expectEveryModelReadable(database.prisma);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(postgres === undefined)('migrations on PostgreSQL', () => {
  it('applies each migration once across racing instances, and the client reads every model', async () => {
    const [first, second] = await Promise.all([migratePostgres(postgres!), migratePostgres(postgres!)]);
    expect([...first!, ...second!].sort()).toEqual(allNames('postgresql'));
    expect(await migratePostgres(postgres!)).toEqual([]);
    const database = await openDatabase(postgres, tmpdir());
    try {
      await expectEveryModelReadable(database.prisma);
    } finally {
      await database.close();
    }
  });
});

/** A query selects every column of its model: one missing from the migrations fails it. */
async function expectEveryModelReadable(prisma: Awaited<ReturnType<typeof openDatabase>>['prisma']) {
  const created = await prisma.user.create({
    data: { email: 'a@example.com', scimOrganizationId: 'org_1', scimUserId: 'diruser_1', roles: ['member'] },
  });
  expect(created).toMatchObject({ plan: 'team', isActive: true, roles: ['member'] });
  await prisma.scimGroup.create({ data: { organizationId: 'org_1', id: 'dirgroup_1' } });
  await prisma.scimMembership.create({ data: { organizationId: 'org_1', userId: 'diruser_1', groupId: 'dirgroup_1' } });
  await prisma.scimGroup.delete({ where: { organizationId_id: { organizationId: 'org_1', id: 'dirgroup_1' } } });
  expect(await prisma.scimMembership.count()).toBe(0);
  for (const read of [
    prisma.scimEvent.findFirst(),
    prisma.scimEntity.findFirst(),
    prisma.scimDirectory.findFirst(),
    prisma.scimSyncState.findFirst(),
    prisma.scimLease.findFirst(),
    prisma.scimLink.findFirst(),
    prisma.scimResource.findFirst(),
    prisma.scimResourceEmail.findFirst(),
    prisma.scimToken.findFirst(),
  ]) {
    await expect(read).resolves.toBeNull();
  }
}
