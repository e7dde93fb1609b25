import { type ConformanceTestId, runAdapterConformance } from '@scim/adapter-test-suite';
import { afterAll, test } from 'vitest';
import { type SqlPort, type SqlSession, sqlAdapter } from '../../src/index.js';
import { sqlBackdoor } from '../../src/testing/index.js';
import { appTable, createAppUsers } from './app-tables.js';
import { type DriverName, openDatabase } from './drivers.js';
import { createMappedUsers, mappedUsers, mappedUsersBackdoor } from './table-mapping.js';

/** The port with its transaction's session as the app's handle: the test tables are written through it. */
export function sessionTx(port: SqlPort): SqlPort<SqlSession> {
  return {
    dialect: port.dialect,
    query: (sql, params) => port.query(sql, params),
    execute: (sql, params) => port.execute(sql, params),
    transaction: (fn) => port.transaction((session) => fn(session, session)),
  };
}

/**
 * The whole conformance suite over the SQL bookkeeping on one driver: table mode through a test table
 * mapping (`mapped_users`), service mode (no mapping) with the suite's user functions on `app_users`.
 */
export async function sqlConformance(driver: DriverName, skip: readonly ConformanceTestId[] = []): Promise<void> {
  const database = await openDatabase(driver, 'scim_sql_conformance');
  if (typeof database === 'string') {
    test.skip(`sql:${driver}: ${database}`, () => {});
    return;
  }
  afterAll(() => database.close());
  const { port, peer } = database;
  await createAppUsers(port);
  await createMappedUsers(port);
  const userTable = mappedUsers(port.dialect);
  const backdoor = { ...sqlBackdoor(port, port.dialect), ...mappedUsersBackdoor(port) };
  const table = sqlAdapter(sessionTx(port), { userTable });
  const service = sqlAdapter(sessionTx(port));
  const peers =
    peer === null ? null : { table: sqlAdapter(sessionTx(peer), { userTable }), service: sqlAdapter(sessionTx(peer)) };
  runAdapterConformance({
    name: `sql:${driver}`,
    setup: () => ({ adapter: table, backdoor }),
    serviceMode: () => ({ adapter: service, app: appTable(port) }),
    ...(peers === null
      ? {}
      : { peer: (primary) => ({ adapter: primary.adapter.capabilities.userTable ? peers.table : peers.service }) }),
    skip,
  });
}
