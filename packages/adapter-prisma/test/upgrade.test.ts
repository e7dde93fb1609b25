import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prismaAdapter } from '../src/index.js';
import { type AnyPrisma, clientFor } from './clients.js';
import { applySql, appTableSql, createDatabase, type Provider, shippedMigrations, unavailable } from './databases.js';
import { asPostgres } from './mappings.js';

/**
 * Upgrading: rows the previous release wrote (instants as Prisma writes a DateTime: UTC `timestamp(3)` on
 * PostgreSQL, UTC `DATETIME(3)` on MySQL, ISO text on SQLite) read back the same instants after the
 * `scim_sql` migration, and compare as instants in @scim/sql's statements.
 */
const OLD_INSTANT: Record<Provider, string> = {
  postgresql: '2026-01-02 03:04:05.678',
  mysql: '2026-01-02 03:04:05.678',
  sqlite: '2026-01-02T03:04:05.678+00:00',
};
const INSTANT = new Date('2026-01-02T03:04:05.678Z');

for (const provider of ['postgresql', 'mysql', 'sqlite'] as const satisfies Provider[]) {
  const reason = await unavailable(provider);

  describe.skipIf(reason !== null)(`prisma:${provider}: upgrading to the scim_sql migration`, () => {
    let client: AnyPrisma;
    beforeAll(async () => {
      const migrations = shippedMigrations(provider);
      const last = migrations.at(-1)!;
      expect(last.name).toMatch(/_scim_sql$/);
      const before = migrations.slice(0, -1).map((m) => m.sql);
      const url = await createDatabase(provider, 'scim_prisma_test_upgrade', [...before, appTableSql(provider)]);
      const at = `'${OLD_INSTANT[provider]}'`;
      const q = provider === 'mysql' ? '`' : '"';
      await applySql(
        provider,
        url,
        [
          `INSERT INTO scim_leases (name, owner, expires_at) VALUES ('sync:org', 'old-owner', ${at});`,
          `INSERT INTO scim_events (id, organization_id, type, occurred_at, received_at, status) VALUES ('evt_old', 'org', 'user_created', '2026-01-02T03:04:05Z', ${at}, 'applied');`,
          `INSERT INTO scim_sync_states (organization_id, directory_id, status, watermark, updated_at) VALUES ('org', 'dir', 'idle', ${at}, ${at});`,
          `INSERT INTO scim_groups (organization_id, id, display_name, updated_at) VALUES ('org', 'g1', 'Old', ${at});`,
          `INSERT INTO scim_entities (organization_id, kind, id, version, deleted, active, updated_at) VALUES ('org', 'user', 'u1', 5, false, true, ${at});`,
          `INSERT INTO scim_directories (organization_id, id, enabled, ${q}updated_at${q}) VALUES ('org', 'dir', true, ${at});`,
        ].join('\n'),
      );
      await applySql(provider, url, last.sql);
      client = clientFor(provider, url);
    });
    afterAll(() => client?.$disconnect());

    test('old rows read back the same and compare as instants', async () => {
      const adapter = prismaAdapter(asPostgres(client), { provider });
      expect(await adapter.getLeases!(['sync:org'], new Date('2026-01-01T00:00:00Z'))).toEqual([
        { name: 'sync:org', owner: 'old-owner', expiresAt: INSTANT },
      ]);
      expect(await adapter.getLeases!(['sync:org'], new Date('2026-01-03T00:00:00Z'))).toEqual([]);
      expect(await adapter.getEvent('evt_old')).toMatchObject({ receivedAt: INSTANT, status: 'applied' });
      expect(await adapter.getSyncState('org', 'dir')).toMatchObject({ watermark: INSTANT, updatedAt: INSTANT });
      expect(await adapter.getGroups('org', ['g1'])).toMatchObject([{ id: 'g1', displayName: 'Old' }]);
      expect(await adapter.getEntities('org', 'user', ['u1'])).toMatchObject([{ version: 5n, updatedAt: INSTANT }]);
      expect(await adapter.getDirectory('org', 'dir')).toMatchObject({ enabled: true });

      // An expired lease is taken over, one still held is not.
      const held = { name: 'sync:org', owner: 'new-owner', ttlMs: 60_000 };
      expect(await adapter.acquireLease({ ...held, now: new Date('2026-01-02T03:04:05.000Z') })).toBe(false);
      expect(await adapter.acquireLease({ ...held, now: new Date('2026-01-02T03:04:06.000Z') })).toBe(true);
      // The old event is pruned by an instant after it, not by one before.
      expect(await adapter.pruneEvents(new Date('2026-01-02T03:04:05.000Z'))).toBe(0);
      expect(await adapter.pruneEvents(new Date('2026-01-02T03:04:06.000Z'))).toBe(1);
      // Prisma's own client reads what @scim/sql wrote.
      const lease = await asPostgres(client).scimLease.findUnique({ where: { name: 'sync:org' } });
      expect(lease).toMatchObject({ owner: 'new-owner', expiresAt: new Date('2026-01-02T03:05:06.000Z') });
    });
  });
}
