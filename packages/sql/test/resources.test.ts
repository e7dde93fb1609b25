import { afterAll, describe, test } from 'vitest';
import { sqlAdapter } from '../src/index.js';
import { type DriverName, openDatabase } from './support/drivers.js';
import { resourceStoreTests } from './support/resource-suite.js';

for (const driver of ['pg', 'pglite', 'mysql2', 'better-sqlite3', 'prisma-pg'] as DriverName[]) {
  const database = await openDatabase(driver, 'scim_sql_resources');
  if (typeof database === 'string') {
    test.skip(`${driver}: ${database}`, () => {});
    continue;
  }
  afterAll(() => database.close());
  const adapter = sqlAdapter(database.port);
  const peer = database.peer === null ? null : sqlAdapter(database.peer);
  describe(`resources on ${driver}`, () => resourceStoreTests(() => ({ adapter, peer })));
}
