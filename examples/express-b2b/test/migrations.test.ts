import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPostgresDatabase } from '@scim/demo/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db.js';
import { migratePostgres, migrateSqlite, type Provider, readMigrations } from '../src/migrate.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const adapterDir = dirname(createRequire(import.meta.url).resolve('@scim/adapter-prisma/package.json'));
const postgres = await freshPostgresDatabase('scim_example_express_b2b_migrations');
const allNames = (provider: Provider) => readMigrations(provider).map((migration) => migration.name);

describe.each(['sqlite', 'postgresql'] as const)('the %s schema', (provider) => {
  it("holds @scim/adapter-prisma's fragment and migrations unchanged", () => {
    const copied = (path: string) => readFileSync(join(exampleDir, 'prisma', provider, path), 'utf8');
    const shipped = (path: string) => readFileSync(join(adapterDir, 'prisma', provider, path), 'utf8');
    expect(copied('scim.prisma')).toBe(shipped('scim.prisma'));
    for (const name of readdirSync(join(adapterDir, 'prisma', provider, 'migrations')).filter((n) => /^\d/.test(n))) {
      expect(copied(`migrations/${name}/migration.sql`)).toBe(shipped(`migrations/${name}/migration.sql`));
    }
  });
});

describe('migrations on SQLite', () => {
  let dir: string;
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies each migration once, and the client reads and writes every model', async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-example-b2b-migrations-'));
    const file = join(dir, 'app.db');
    expect(await migrateSqlite(file)).toEqual(allNames('sqlite'));
    expect(await migrateSqlite(file)).toEqual([]);
    const database = await openDatabase(undefined, dir);
    try {
      await expectEveryModelUsable(database.prisma);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(postgres === undefined)('migrations on PostgreSQL', () => {
  it('applies each migration once across racing instances, and the client reads and writes every model', async () => {
    const [first, second] = await Promise.all([migratePostgres(postgres!), migratePostgres(postgres!)]);
    expect([...first!, ...second!].sort()).toEqual(allNames('postgresql'));
    expect(await migratePostgres(postgres!)).toEqual([]);
    const database = await openDatabase(postgres, tmpdir());
    try {
      await expectEveryModelUsable(database.prisma);
    } finally {
      await database.close();
    }
  });
});

/** Each query selects every column of its model: one missing from the migrations fails it. */
async function expectEveryModelUsable(prisma: Database) {
  const user = await prisma.user.create({ data: { email: 'a@example.com' } });
  await expect(prisma.user.create({ data: { email: 'a@example.com' } })).rejects.toMatchObject({ code: 'P2002' });
  await prisma.organizationMember.create({ data: { userId: user.id, organizationId: 'org_1' } });
  await prisma.auditLog.create({
    data: { actor: 'app', userId: user.id, action: 'user.created', changes: { email: user.email } },
  });
  await prisma.organizationDomain.create({ data: { domain: 'example.com', organizationId: 'org_1' } });
  await prisma.organizationSettings.create({ data: { organizationId: 'org_1' } });
  expect(await prisma.organizationMember.findFirst()).toMatchObject({ role: 'member', active: true });
  expect(await prisma.auditLog.findFirst()).toMatchObject({ changes: { email: 'a@example.com' } });
  expect(await prisma.organizationSettings.findFirst()).toMatchObject({ emailFromUsername: false });
  await prisma.user.delete({ where: { id: user.id } });
  expect(await prisma.organizationMember.count()).toBe(0);
  expect(await prisma.auditLog.count()).toBe(0);
  await prisma.scimLink.create({ data: { organizationId: 'org_1', directoryUserId: 'diruser_1', appUserId: '1' } });
  for (const read of [
    prisma.scimEvent.findFirst(),
    prisma.scimEntity.findFirst(),
    prisma.scimGroup.findFirst(),
    prisma.scimMembership.findFirst(),
    prisma.scimDirectory.findFirst(),
    prisma.scimSyncState.findFirst(),
    prisma.scimLease.findFirst(),
    prisma.scimResource.findFirst(),
    prisma.scimResourceEmail.findFirst(),
    prisma.scimToken.findFirst(),
  ]) {
    await expect(read).resolves.toBeNull();
  }
}
