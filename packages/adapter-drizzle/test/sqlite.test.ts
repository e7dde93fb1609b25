import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdapterConformance } from '@scim/adapter-test-suite';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/sqlite-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { type ActiveStyle, rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations } from './support/databases.js';
import { activeMapping, appFields, refusingFields, type StrictFields, strictFields } from './support/mapping.js';
import { sqliteReader } from './support/readers.js';
import { sqliteServiceApp } from './support/service-app.js';
import { serviceModeBehaviour } from './support/service-mode-behaviour.js';
import { tableModeBehaviour } from './support/table-mode-behaviour.js';

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

const reader = sqliteReader(primary.db);

for (const style of ['column', 'deactivatedAt'] as ActiveStyle[]) {
  const options = {
    users: {
      model: schema.appUsers,
      organizationId: 'scimOrganizationId',
      userId: 'scimUserId',
      fields: appFields,
      active: activeMapping(style),
      roles: 'roles',
      email: 'email',
    },
  } as const;
  const adapter = drizzleAdapter(primary.db, options);
  runAdapterConformance({
    name: `drizzle:sqlite (better-sqlite3, active as ${style})`,
    setup: () => ({ adapter, backdoor: rawBackdoor(reader, style) }),
    // Service mode once per dialect: on SQLite the transaction handle is the database itself.
    ...(style === 'column'
      ? { serviceMode: () => ({ adapter: drizzleAdapter(primary.db), app: sqliteServiceApp(primary.db) }) }
      : {}),
    peer: () => ({ adapter: drizzleAdapter(second.db, options) }),
    // One writer at a time: the peer cannot commit while a transaction holding the write lock waits for
    // it, so the stale-read race cannot be staged (the test would skip itself after the busy timeout).
    skip: [
      'concurrency/an update planned from a read older than a concurrent commit is planned again',
      'service:concurrency/an update planned from a read older than a concurrent commit is planned again',
    ],
  });
}

const sqliteUsers = {
  model: schema.appUsers,
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: appFields,
  active: 'isActive',
  roles: 'roles',
} as const;

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

serviceModeBehaviour('drizzle:sqlite (better-sqlite3)', () => ({
  adapter: drizzleAdapter(primary.db),
  app: sqliteServiceApp(primary.db),
  backdoor: rawBackdoor(reader, 'column'),
  reader,
}));
const strict = (fields: StrictFields) =>
  drizzleAdapter(primary.db, {
    users: {
      model: schema.strictUsers,
      organizationId: 'scimOrganizationId',
      userId: 'scimUserId',
      fields,
      active: 'isActive',
    },
  });
tableModeBehaviour('drizzle:sqlite (better-sqlite3)', () => ({
  strict: {
    asIs: strict(strictFields(false)),
    withPlaceholder: strict(strictFields(true)),
    refusing: strict(refusingFields),
  },
  linking: drizzleAdapter(primary.db, { users: { ...sqliteUsers, email: 'email' } }),
  backdoor: rawBackdoor(reader, 'column'),
  reader,
  exec: async (query) => primary.db.run(query),
  enforcesLength: false,
}));
