import { runAdapterConformance } from '@scim/adapter-test-suite';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import { afterAll, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/mysql-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { rawBackdoor } from './support/backdoor.js';
import { conflictsCatchUntranslatedErrors } from './support/conflicts-mutant.js';
import { drizzleKitMigrations, recreateMysql, testDatabase, unreachable } from './support/databases.js';
import { activeMapping, appFields, refusingFields, type StrictFields, strictFields } from './support/mapping.js';
import { mysqlReader } from './support/readers.js';
import { mysqlServiceApp } from './support/service-app.js';
import { serviceModeBehaviour } from './support/service-mode-behaviour.js';
import { tableModeBehaviour } from './support/table-mode-behaviour.js';

async function prepare() {
  let url: string;
  try {
    url = await recreateMysql(testDatabase('scim_drizzle_test'));
  } catch (error) {
    return unreachable('MariaDB/MySQL', error);
  }
  const primary = mysql.createPool({ uri: url, connectionLimit: 5 });
  // A second pool: the peer adapter races the primary the way a second app instance would.
  const second = mysql.createPool({ uri: url, connectionLimit: 5 });
  const db = drizzle(primary, { schema, mode: 'default' });
  await migrate(db, { migrationsFolder: await drizzleKitMigrations('mysql') });
  let statements = 0;
  const countedDb = drizzle(primary, { schema, mode: 'default', logger: { logQuery: () => void statements++ } });
  return {
    db,
    countedDb,
    statements: () => statements,
    peerDb: drizzle(second, { schema, mode: 'default' }),
    pools: [primary, second],
  };
}

const ready = await prepare();

if (typeof ready === 'string') {
  test.skip(`drizzle:mysql (mysql2): ${ready}`, () => {});
} else {
  const { db, countedDb, statements, peerDb, pools } = ready;
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));
  const reader = mysqlReader(db);
  for (const style of ['column', 'deactivatedAt'] as const) {
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
    runAdapterConformance({
      name: `drizzle:mysql (mysql2 on MariaDB, active as ${style})`,
      setup: () => ({ adapter: drizzleAdapter(db, options), backdoor: rawBackdoor(reader, style) }),
      // Service mode once per dialect: the app's own table, written through Drizzle's transaction.
      ...(style === 'column' ? { serviceMode: () => ({ adapter: drizzleAdapter(db), app: mysqlServiceApp(db) }) } : {}),
      peer: () => ({ adapter: drizzleAdapter(peerDb, options) }),
    });
  }
  const mysqlUsers = {
    model: schema.appUsers,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: appFields,
    active: activeMapping('column'),
    roles: 'roles',
  } as const;
  conflictsCatchUntranslatedErrors('drizzle:mysql (mysql2 on MariaDB)', () => ({
    setup: { adapter: drizzleAdapter(db, { users: mysqlUsers }), backdoor: rawBackdoor(reader, 'column') },
    peer: drizzleAdapter(peerDb, { users: mysqlUsers }),
  }));
  adapterBehaviour('drizzle:mysql (mysql2 on MariaDB)', () => ({
    reader,
    exec: (query) => db.execute(query),
    counted: {
      adapter: drizzleAdapter(countedDb, {
        users: {
          model: schema.appUsers,
          organizationId: 'scimOrganizationId',
          userId: 'scimUserId',
          fields: appFields,
          active: 'isActive',
          roles: 'roles',
        },
      }),
      statements,
    },
  }));
  serviceModeBehaviour('drizzle:mysql (mysql2 on MariaDB)', () => ({
    adapter: drizzleAdapter(db),
    app: mysqlServiceApp(db),
    backdoor: rawBackdoor(reader, 'column'),
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
  tableModeBehaviour('drizzle:mysql (mysql2 on MariaDB)', () => ({
    strict: {
      asIs: strict(strictFields(false)),
      withPlaceholder: strict(strictFields(true)),
      refusing: strict(refusingFields),
    },
    linking: drizzleAdapter(db, { users: { ...mysqlUsers, email: 'email' } }),
    backdoor: rawBackdoor(reader, 'column'),
    reader,
    exec: (query) => db.execute(query),
    enforcesLength: true,
  }));
}
