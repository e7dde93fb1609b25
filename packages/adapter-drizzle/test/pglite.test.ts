import { PGlite } from '@electric-sql/pglite';
import { runAdapterConformance } from '@scim/adapter-test-suite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { rawBackdoor } from './support/backdoor.js';
import { drizzleKitMigrations } from './support/databases.js';
import { activeMapping, appFields, refusingFields, type StrictFields, strictFields } from './support/mapping.js';
import { pgReader } from './support/readers.js';
import { pgServiceApp } from './support/service-app.js';
import { serviceModeBehaviour } from './support/service-mode-behaviour.js';
import { tableModeBehaviour } from './support/table-mode-behaviour.js';

// PGlite is one in-process connection: no peer, the concurrency suite races the adapter against itself.
const client = new PGlite();
const db = drizzle(client, { schema });
await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
afterAll(() => client.close());

const reader = pgReader(db);

const adapter = drizzleAdapter(db, {
  users: {
    model: schema.appUsers,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: appFields,
    active: activeMapping('deactivatedAt'),
    roles: 'roles',
    email: 'email',
  },
});

runAdapterConformance({
  name: 'drizzle:pg (PGlite, active as deactivatedAt)',
  setup: () => ({ adapter, backdoor: rawBackdoor(reader, 'deactivatedAt') }),
  serviceMode: () => ({ adapter: drizzleAdapter(db), app: pgServiceApp(db) }),
});

const pgliteUsers = {
  model: schema.appUsers,
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: appFields,
  active: activeMapping('deactivatedAt'),
  roles: 'roles',
} as const;

let statements = 0;
const counted = drizzle(client, { schema, logger: { logQuery: () => void statements++ } });
adapterBehaviour('drizzle:pg (PGlite)', () => ({
  reader,
  exec: (query) => db.execute(query),
  counted: {
    adapter: drizzleAdapter(counted, {
      users: {
        model: schema.appUsers,
        organizationId: 'scimOrganizationId',
        userId: 'scimUserId',
        fields: appFields,
        active: activeMapping('deactivatedAt'),
        roles: 'roles',
      },
    }),
    statements: () => statements,
  },
}));

serviceModeBehaviour('drizzle:pg (PGlite)', () => ({
  adapter: drizzleAdapter(db),
  app: pgServiceApp(db),
  backdoor: rawBackdoor(reader, 'deactivatedAt'),
  reader,
}));
const strict = (fields: StrictFields) =>
  drizzleAdapter(db, {
    users: {
      model: schema.strictUsers,
      organizationId: 'scimOrganizationId',
      userId: 'scimUserId',
      fields,
      active: 'isActive',
    },
  });
tableModeBehaviour('drizzle:pg (PGlite)', () => ({
  strict: {
    asIs: strict(strictFields(false)),
    withPlaceholder: strict(strictFields(true)),
    refusing: strict(refusingFields),
  },
  linking: drizzleAdapter(db, { users: { ...pgliteUsers, email: 'email' } }),
  backdoor: rawBackdoor(reader, 'deactivatedAt'),
  reader,
  exec: (query) => db.execute(query),
  enforcesLength: true,
}));
