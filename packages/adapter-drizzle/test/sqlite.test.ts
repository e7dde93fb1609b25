import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdapterConformance } from '@scim/adapter-test-suite';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/sqlite-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { type ActiveStyle, rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations } from './support/databases.js';
import { activeMapping, appFields } from './support/mapping.js';

const folder = mkdtempSync(join(tmpdir(), 'scim-drizzle-sqlite-'));
const migrations = await drizzleKitMigrations('sqlite');

/** A connection to the test file, as an app opens it: WAL, foreign keys on (they cascade memberships). */
function open() {
  const client = new Database(join(folder, 'scim.db'));
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 0');
  return { client, db: drizzle(client, { schema }) };
}

const primary = open();
// A second connection to the same file: the peer, as a second process would be.
const second = open();
migrate(primary.db, { migrationsFolder: migrations });
afterAll(() => {
  primary.client.close();
  second.client.close();
  rmSync(folder, { recursive: true, force: true });
});

const reader = {
  textType: 'text' as const,
  rows: async (query: SQL) => primary.db.all<Record<string, unknown>>(query),
};

for (const style of ['column', 'deactivatedAt'] as ActiveStyle[]) {
  const options = {
    users: {
      model: schema.appUsers,
      organizationId: 'scimOrganizationId',
      userId: 'scimUserId',
      fields: appFields,
      active: activeMapping(style),
      roles: 'roles',
    },
  } as const;
  const adapter = drizzleAdapter(primary.db, options);
  runAdapterConformance({
    name: `drizzle:sqlite (better-sqlite3, active as ${style})`,
    setup: () => ({ adapter, backdoor: rawBackdoor(reader, style) }),
    peer: () => ({ adapter: drizzleAdapter(second.db, options) }),
  });
}

let statements = 0;
const counted = drizzle(primary.client, { schema, logger: { logQuery: () => void statements++ } });
adapterBehaviour('drizzle:sqlite (better-sqlite3)', () => ({
  reader,
  exec: async (query) => primary.db.run(query),
  counted: {
    adapter: drizzleAdapter(counted, {
      users: {
        model: schema.appUsers,
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: appFields,
        active: 'isActive',
        roles: 'roles',
      },
    }),
    statements: () => statements,
  },
}));
