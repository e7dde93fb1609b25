import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type Dialect, drizzleKitGenerate, drizzleKitMigrations } from './support/databases.js';

// The conformance files apply these same migrations to real databases; here, what drizzle-kit makes of our tables.
describe.each(['pg', 'mysql', 'sqlite'] as Dialect[])('drizzle-kit generate (%s)', (dialect) => {
  test('one migration holds the app tables and every SDK table, memberships cascading with their group', async () => {
    const out = await drizzleKitMigrations(dialect);
    const files = readdirSync(out).filter((f) => f.endsWith('.sql'));
    expect(files).toHaveLength(1);
    const text = readFileSync(join(out, files[0]!), 'utf8');
    for (const table of [
      'app_users',
      'scim_events',
      'scim_entities',
      'scim_groups',
      'scim_memberships',
      'scim_directories',
      'scim_sync_states',
      'scim_leases',
      'scim_links',
    ]) {
      expect(text).toContain(table);
    }
    expect(text).toMatch(/plan/);
    // Contract v2: the inbox keeps why an event was rejected, and links are found from either side.
    expect(text).toMatch(/[`"]reason[`"]\s+text/i);
    expect(text).toMatch(/scim_links_app_user_idx/);
    expect(text.toLowerCase()).toMatch(
      /references ([`"]?\w+[`"]?\.)?[`"]?scim_groups[`"]?\s*\([^)]*\)[^;]*?on delete cascade/,
    );
  });

  test('a second generate finds nothing to change: the definitions are stable', async () => {
    const out = await drizzleKitMigrations(dialect);
    expect(await drizzleKitGenerate(dialect, out)).toMatch(/No schema changes/i);
    expect(readdirSync(out).filter((f) => f.endsWith('.sql'))).toHaveLength(1);
  });
});
