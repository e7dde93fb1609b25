import { randomBytes } from 'node:crypto';
import { type ConformanceTestId, runAdapterConformance } from '@scim/adapter-test-suite';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, describe, expect, test } from 'vitest';
import { type MongooseScimAdapter, mongooseAdapter } from '../src/index.js';
import { appUserMapping, appUserModel } from './app-user.js';
import { mongoBackdoor } from './backdoor.js';
import { findMongoServers, type MongoTarget } from './mongo-server.js';
import { mongooseServiceApp } from './service-app.js';

const servers = await findMongoServers();

/** Everything opened for one server, closed after its tests. */
async function openTarget(target: MongoTarget) {
  const database = `scim_mongoose_test_${randomBytes(4).toString('hex')}`;
  // The database goes in as an option, not into the URI, which may name several hosts.
  const { uri } = target;
  const connection = await mongoose.createConnection(uri, { dbName: database }).asPromise();
  const adapter = mongooseAdapter(connection, { users: appUserMapping(appUserModel(connection)) });
  await adapter.ready();
  // Service mode: no mapping; the app's own collection written in the adapter's session.
  const serviceAdapter = mongooseAdapter(connection);
  await serviceAdapter.ready();
  await appUserModel(connection).createIndexes();
  const raw = await new MongoClient(uri).connect();
  return {
    database,
    adapter,
    serviceAdapter,
    app: mongooseServiceApp(connection),
    connection,
    db: raw.db(database),
    /** A second connection pool with its own models: two app instances over one database. */
    async peer(): Promise<{ adapter: MongooseScimAdapter; teardown: () => Promise<void> }> {
      const second = await mongoose.createConnection(uri, { dbName: database }).asPromise();
      const adapter = mongooseAdapter(second, { users: appUserMapping(appUserModel(second)) });
      await adapter.ready();
      return { adapter, teardown: () => second.close() };
    },
    async close() {
      await raw.db(database).dropDatabase();
      await Promise.all([connection.close(), raw.close()]);
    },
  };
}

const WITHOUT_TRANSACTIONS: ConformanceTestId[] = [
  // The suite's own note: without transactions the engine cannot order two concurrent writes of one
  // user's fields (each passes the version gate in turn, then the older one may write last).
  'concurrency/20 parallel updates of one user with different versions leave the newest',
  // Without a transaction around the claim and the app's create, every concurrent delivery of one new
  // user calls create (the suite's README).
  'service:concurrency/the same event applied 10 times at once is applied exactly once',
];

if ('skipReason' in servers) console.warn(`[adapter-mongoose] server tests skipped: ${servers.skipReason}`);

describe.skipIf(!('skipReason' in servers))('adapter conformance: mongoose', () => {
  test.skip(`skipped, not passed: ${'skipReason' in servers ? servers.skipReason : ''}`, () => undefined);
});

if ('targets' in servers) {
  afterAll(() => servers.stop(), 60_000);
  for (const target of servers.targets) {
    const opened = await openTarget(target);
    afterAll(() => opened.close(), 60_000);
    const { adapter } = opened;
    const transactions = adapter.capabilities.transactions;

    runAdapterConformance({
      name: `mongoose on ${target.label} (${transactions ? 'transactions' : 'no transactions'})`,
      setup: () => ({ adapter, backdoor: mongoBackdoor(opened.db) }),
      serviceMode: () => ({ adapter: opened.serviceAdapter, app: opened.app }),
      peer: () => opened.peer(),
      skip: transactions ? [] : WITHOUT_TRANSACTIONS,
    });

    describe(`mongoose on ${target.label}: adapter specifics`, () => {
      test('transactions are declared exactly when the server is a replica set or mongos', async () => {
        const hello = await opened.db.admin().command({ hello: 1 });
        const replicated = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
        expect(transactions).toBe(replicated);
      });

      test('the bookkeeping unique indexes exist on the server', async () => {
        const unique = async (name: string) =>
          (await opened.db.collection(name).indexes()).filter((i) => i.unique === true).map((i) => i.key);
        expect(await unique('scim_entities')).toEqual([{ organizationId: 1, kind: 1, id: 1 }]);
        expect(await unique('scim_groups')).toEqual([{ organizationId: 1, id: 1 }]);
        expect(await unique('scim_memberships')).toEqual([{ organizationId: 1, userId: 1, groupId: 1 }]);
      });

      test('an upsert never touches app-owned fields (plan, createdAt) nor users the directory did not provision', async () => {
        const organizationId = `org_${randomBytes(8).toString('hex')}`;
        const users = opened.db.collection('app_users');
        const createdAt = new Date('2020-01-01T00:00:00.000Z');
        await users.insertOne({
          email: 'old@example.com',
          isActive: true,
          roles: ['owner'],
          plan: 'enterprise',
          createdAt,
          scimOrganizationId: organizationId,
          scimUserId: 'diruser_1',
        });
        await users.insertOne({ email: 'local@example.com', isActive: true, roles: [], plan: 'free' });

        await adapter.upsertUsers(organizationId, [
          { id: 'diruser_1', organizationId, email: 'new@example.com', active: false, version: 1n },
          { id: 'diruser_2', organizationId, email: 'two@example.com', active: true, version: 1n },
        ]);

        const one = await users.findOne({ scimOrganizationId: organizationId, scimUserId: 'diruser_1' });
        expect(one).toMatchObject({ email: 'new@example.com', isActive: false, roles: ['owner'], plan: 'enterprise' });
        expect(one?.createdAt).toEqual(createdAt);
        const two = await users.findOne({ scimOrganizationId: organizationId, scimUserId: 'diruser_2' });
        expect(two).toMatchObject({ email: 'two@example.com', plan: 'free', roles: [] });
        expect(await users.countDocuments({ email: 'local@example.com', plan: 'free' })).toBe(1);
      });

      test('versions are stored as int64, exact past 2^53', async () => {
        const organizationId = `org_${randomBytes(8).toString('hex')}`;
        const version = 1_750_000_000_123_456_789n;
        await adapter.advanceEntities(organizationId, 'user', [
          { id: 'u', version, deleted: false, active: true, fingerprint: null, directoryRoles: null, eventId: null },
        ]);
        const doc = await opened.db
          .collection('scim_entities')
          .findOne({ organizationId, id: 'u', version: { $type: 'long' } }, { useBigInt64: true });
        expect(doc?.version).toBe(version);
        expect((await adapter.getEntities(organizationId, 'user', ['u']))[0]?.version).toBe(version);
      });
    });
  }
}
