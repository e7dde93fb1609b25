import type { UserWrite } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prismaAdapter, translateError } from '../src/index.js';
import { type AnyPrisma, clientFor } from './clients.js';
import { createDatabase, type Provider, unavailable } from './databases.js';
import { asPostgres, booleanMapping, functionMapping, rawInsertMapping } from './mappings.js';

const V = 1_750_000_000_000_000_000n;

function user(organizationId: string, id: string, extra: Partial<UserWrite> = {}): UserWrite {
  return { id, organizationId, active: true, version: V, ...extra };
}

function rolesOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

for (const provider of ['postgresql', 'mysql', 'sqlite'] as const satisfies Provider[]) {
  const reason = await unavailable(provider);

  describe.skipIf(reason !== null)(`prisma:${provider}: the app's own user model`, () => {
    let client: AnyPrisma;
    let org = '';
    let n = 0;
    beforeAll(async () => {
      client = clientFor(provider, await createDatabase(provider, 'scim_prisma_test_mapping'));
    });
    afterAll(() => client?.$disconnect());
    const nextOrg = () => {
      org = `org_mapping_${Date.now()}_${n++}`;
      return org;
    };

    test('upsertUsers never touches app-owned columns; new rows get the model defaults', async () => {
      const prisma = asPostgres(client);
      const adapter = prismaAdapter(prisma, { users: booleanMapping });
      nextOrg();
      const existing = await prisma.user.create({
        data: {
          email: 'old@example.com',
          plan: 'enterprise',
          department: 'Sales',
          roles: provider === 'postgresql' ? ['owner'] : (JSON.stringify(['owner']) as never),
          scimOrganizationId: org,
          scimUserId: 'diruser_1',
          createdAt: new Date('2020-01-01T00:00:00.000Z'),
        },
      });

      await adapter.upsertUsers(org, [
        user(org, 'diruser_1', { email: 'new@example.com', displayName: 'New Name' }),
        user(org, 'diruser_2', { email: 'two@example.com', roles: ['viewer'] }),
      ]);

      const updated = await prisma.user.findUniqueOrThrow({ where: { id: existing.id } });
      expect(updated).toMatchObject({
        email: 'new@example.com',
        name: 'New Name',
        plan: 'enterprise',
        department: 'Sales',
        createdAt: new Date('2020-01-01T00:00:00.000Z'),
      });
      // The mapping returned no roles for this write: the app's value stays.
      expect(rolesOf(updated.roles)).toEqual(['owner']);

      const created = await prisma.user.findUniqueOrThrow({
        where: { scimOrganizationId_scimUserId: { scimOrganizationId: org, scimUserId: 'diruser_2' } },
      });
      expect(created.id).toMatch(/^c[a-z0-9]{20,}$/);
      expect(created).toMatchObject({ plan: 'free', email: 'two@example.com', isActive: true });
      expect(created.updatedAt).toBeInstanceOf(Date);
      expect(rolesOf(created.roles)).toEqual(['viewer']);
    });

    test('with `create`, new rows take its values and the database defaults, and existing rows keep theirs', async () => {
      const prisma = asPostgres(client);
      const adapter = prismaAdapter(prisma, { users: rawInsertMapping });
      nextOrg();
      const existing = await prisma.user.create({
        data: { email: 'old@example.com', plan: 'enterprise', scimOrganizationId: org, scimUserId: 'diruser_1' },
      });

      await adapter.upsertUsers(org, [
        user(org, 'diruser_1', { email: 'new@example.com' }),
        user(org, 'diruser_2', { email: 'two@example.com', displayName: 'Two', roles: ['viewer', 'admin'] }),
        user(org, 'diruser_3', { email: 'three@example.com', active: false }),
      ]);

      const rows = await prisma.user.findMany({ where: { scimOrganizationId: org }, orderBy: { scimUserId: 'asc' } });
      expect(rows.map((r) => [r.scimUserId, r.email, r.plan, r.isActive])).toEqual([
        ['diruser_1', 'new@example.com', 'enterprise', true],
        ['diruser_2', 'two@example.com', 'free', true],
        ['diruser_3', 'three@example.com', 'free', false],
      ]);
      expect(rows[0]!.id).toBe(existing.id);
      expect(rows[1]!.id).toMatch(/^raw_/);
      expect(rows[1]!.name).toBe('Two');
      expect(rolesOf(rows[1]!.roles)).toEqual(['viewer', 'admin']);
      expect(rows[1]!.createdAt).toBeInstanceOf(Date);
    });

    test('patchUsers sets only active and roles; deleteUsers removes only the named rows', async () => {
      const prisma = asPostgres(client);
      const adapter = prismaAdapter(prisma, { users: booleanMapping });
      nextOrg();
      await adapter.upsertUsers(org, [
        user(org, 'diruser_1', { email: 'one@example.com', roles: ['a'] }),
        user(org, 'diruser_2', { email: 'two@example.com', roles: ['a'] }),
      ]);

      await adapter.patchUsers(org, [
        { id: 'diruser_1', active: false },
        { id: 'diruser_2', roles: ['b', 'c'] },
      ]);

      const rows = await prisma.user.findMany({ where: { scimOrganizationId: org }, orderBy: { scimUserId: 'asc' } });
      expect(rows.map((r) => [r.scimUserId, r.email, r.isActive, rolesOf(r.roles)])).toEqual([
        ['diruser_1', 'one@example.com', false, ['a']],
        ['diruser_2', 'two@example.com', true, ['b', 'c']],
      ]);

      await adapter.deleteUsers(org, ['diruser_1']);
      expect(await prisma.user.count({ where: { scimOrganizationId: org } })).toBe(1);
    });

    test('an "inactive" function sets deactivatedAt and clears it again', async () => {
      const prisma = asPostgres(client);
      const adapter = prismaAdapter(prisma, { users: functionMapping });
      nextOrg();
      await adapter.upsertUsers(org, [user(org, 'diruser_1', { email: 'one@example.com', active: false })]);
      const where = { scimOrganizationId_scimUserId: { scimOrganizationId: org, scimUserId: 'diruser_1' } };
      const before = Date.now();
      await adapter.patchUsers(org, [{ id: 'diruser_1', active: false }]);
      const inactive = await prisma.user.findUniqueOrThrow({ where });
      expect(inactive.deactivatedAt).toBeInstanceOf(Date);
      // The instant survives the raw write (no time zone shift): within a minute of the call.
      expect(Math.abs(inactive.deactivatedAt!.getTime() - before)).toBeLessThan(60_000);
      // The boolean column is not part of this mapping: it keeps the model's default.
      expect(inactive.isActive).toBe(true);

      await adapter.patchUsers(org, [{ id: 'diruser_1', active: true }]);
      expect((await prisma.user.findUniqueOrThrow({ where })).deactivatedAt).toBeNull();
    });

    test('the same organization and user id in two organizations are two app rows', async () => {
      const prisma = asPostgres(client);
      const adapter = prismaAdapter(prisma, { users: booleanMapping });
      const a = nextOrg();
      const b = nextOrg();
      await adapter.upsertUsers(a, [user(a, 'diruser_1', { email: 'a@example.com' })]);
      await adapter.upsertUsers(b, [user(b, 'diruser_1', { email: 'b@example.com' })]);
      await adapter.patchUsers(a, [{ id: 'diruser_1', active: false }]);
      const rows = await prisma.user.findMany({
        where: { scimUserId: 'diruser_1', scimOrganizationId: { in: [a, b] } },
      });
      expect(rows.map((r) => [r.email, r.isActive]).sort()).toEqual([
        ['a@example.com', false],
        ['b@example.com', true],
      ]);
    });

    test('driver errors become AdapterErrors with the Prisma error as cause; others pass through', async () => {
      const prisma = asPostgres(client);
      const record = {
        id: `evt_${nextOrg()}`,
        organizationId: org,
        type: 't',
        occurredAt: 'x',
        receivedAt: new Date(),
        status: 'pending',
      };
      await prisma.scimEvent.create({ data: record });
      const duplicate = await prisma.scimEvent.create({ data: record }).catch((error: unknown) => error);
      const unique = translateError(duplicate, 'create');
      expect(unique).toBeInstanceOf(AdapterError);
      expect(unique).toMatchObject({ code: 'UNIQUE_VIOLATION', cause: duplicate });
      expect((unique as Error).stack).toBeTruthy();

      const missing = await prisma.scimEvent
        .update({ where: { id: `${record.id}_missing` }, data: { status: 'applied' } })
        .catch((error: unknown) => error);
      expect(translateError(missing, 'update')).toMatchObject({ code: 'NOT_FOUND', cause: missing });

      const plain = new Error('not a driver error');
      expect(translateError(plain, 'x')).toBe(plain);

      const adapter = prismaAdapter(prisma, { users: booleanMapping });
      const failing = adapter.transaction(async () => {
        await prisma.scimEvent.create({ data: record });
      });
      await expect(failing).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION' });
    });

    test('roles into a String field (not a list, not Json) is a CONFIGURATION_ERROR, not JSON text in the column', async () => {
      const prisma = asPostgres(client);
      // The types refuse it; a cast stands for a mapping that got past them.
      const mapping = { ...booleanMapping, roles: 'plan' as 'roles' };
      const make = () => prismaAdapter(prisma, { provider, users: mapping });
      const org = nextOrg();
      if (provider === 'postgresql') {
        // Only the column's type tells a String from a String[] on PostgreSQL: refused at the first write.
        await expect(
          make().upsertUsers(org, [user(org, 'diruser_roles', { roles: ['viewer'] })]),
        ).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR', message: expect.stringContaining('plan') });
      } else {
        expect(make).toThrow(/roles field plan of User cannot take a list of roles/);
      }
      expect(await prisma.user.count({ where: { scimOrganizationId: org } })).toBe(0);
    });

    if (provider !== 'postgresql') return;

    test('a serialization failure surfaces as TRANSACTION_CONFLICT from transaction()', async () => {
      const prisma = asPostgres(client);
      const adapter = prismaAdapter(prisma, {
        users: booleanMapping,
        transactionOptions: { isolationLevel: 'Serializable' },
      });
      const name = `lease_${nextOrg()}`;
      let arrived = 0;
      let release: () => void = () => {};
      const bothRead = new Promise<void>((resolve) => {
        release = resolve;
      });
      // Each transaction reads the absence of the other's row, then writes its own: one must fail.
      const attempt = (owner: string) =>
        adapter.transaction(async (store) => {
          await store.getSyncState(org, name);
          if (++arrived === 2) release();
          await bothRead;
          await store.saveSyncState({
            organizationId: org,
            directoryId: name,
            status: 'running',
            watermark: null,
            checkpoint: owner,
            lastStartedAt: null,
            lastFinishedAt: null,
            lastError: null,
            updatedAt: new Date(),
          });
        });
      const results = await Promise.allSettled([attempt('one'), attempt('two')]);
      const failures = results.filter((r) => r.status === 'rejected');
      expect(failures).toHaveLength(1);
      expect((failures[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'TRANSACTION_CONFLICT' });
    });
  });
}
