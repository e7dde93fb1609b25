import { randomUUID } from 'node:crypto';
import { runAdapterConformance } from '@scim/adapter-test-suite';
import type { InboxRecord } from '@scim/core';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { drizzleAdapter } from '../src/index.js';
import * as schema from './app/pg-schema.js';
import { adapterBehaviour } from './support/adapter-behaviour.js';
import { rawBackdoor } from './support/backdoor.js';
import { conflictsCatchUntranslatedErrors } from './support/conflicts-mutant.js';
import { drizzleKitMigrations, recreatePostgres, testDatabase, unreachable } from './support/databases.js';
import { activeMapping, appFields, refusingFields, type StrictFields, strictFields } from './support/mapping.js';
import { pgAppUsers } from './support/pg-users.js';
import { pgReader } from './support/readers.js';
import { pgServiceApp } from './support/service-app.js';
import { serviceModeBehaviour } from './support/service-mode-behaviour.js';
import { tableModeBehaviour } from './support/table-mode-behaviour.js';

async function prepare() {
  let url: string;
  try {
    url = await recreatePostgres(testDatabase('scim_drizzle_test'));
  } catch (error) {
    return unreachable('PostgreSQL', error);
  }
  const primary = new pg.Pool({ connectionString: url, max: 5 });
  // A second pool: the peer adapter races the primary the way a second app instance would.
  const second = new pg.Pool({ connectionString: url, max: 5 });
  const db = drizzle(primary, { schema });
  await migrate(db, { migrationsFolder: await drizzleKitMigrations('pg') });
  let statements = 0;
  const countedDb = drizzle(primary, { schema, logger: { logQuery: () => void statements++ } });
  // One connection, so that its prepared statements can be read back in the same session.
  const single = new pg.Pool({ connectionString: url, max: 1 });
  return {
    db,
    countedDb,
    statements: () => statements,
    peerDb: drizzle(second, { schema }),
    singleDb: drizzle(single, { schema }),
    pools: [primary, second, single],
  };
}

const ready = await prepare();

if (typeof ready === 'string') {
  test.skip(`drizzle:pg (node-postgres): ${ready}`, () => {});
} else {
  const { db, countedDb, statements, peerDb, singleDb, pools } = ready;
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));
  const primaryExec = (query: SQL) => db.execute(query);
  const reader = pgReader(db);

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
    const adapter = drizzleAdapter(db, options);
    runAdapterConformance({
      name: `drizzle:pg (node-postgres, active as ${style})`,
      setup: () => ({ adapter, backdoor: rawBackdoor(reader, style) }),
      // Service mode once per dialect: the app's own table, written through Drizzle's transaction.
      ...(style === 'column' ? { serviceMode: () => ({ adapter: drizzleAdapter(db), app: pgServiceApp(db) }) } : {}),
      peer: () => ({ adapter: drizzleAdapter(peerDb, options) }),
    });
  }
  conflictsCatchUntranslatedErrors('drizzle:pg (node-postgres)', () => ({
    setup: { adapter: drizzleAdapter(db, { users: pgAppUsers }), backdoor: rawBackdoor(reader, 'column') },
    peer: drizzleAdapter(peerDb, { users: pgAppUsers }),
  }));
  adapterBehaviour('drizzle:pg (node-postgres)', () => ({
    reader,
    exec: (query) => primaryExec(query),
    counted: {
      adapter: drizzleAdapter(countedDb, { users: pgAppUsers }),
      statements,
    },
  }));

  serviceModeBehaviour('drizzle:pg (node-postgres)', () => ({
    adapter: drizzleAdapter(db),
    app: pgServiceApp(db),
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
  tableModeBehaviour('drizzle:pg (node-postgres)', () => ({
    strict: {
      asIs: strict(strictFields(false)),
      withPlaceholder: strict(strictFields(true)),
      refusing: strict(refusingFields),
    },
    linking: drizzleAdapter(db, { users: { ...pgAppUsers, email: 'email' } }),
    backdoor: rawBackdoor(reader, 'column'),
    reader,
    exec: (query) => primaryExec(query),
    enforcesLength: true,
  }));

  test('drizzle:pg (node-postgres): the webhook path prepares its statements once per connection', async () => {
    const adapter = drizzleAdapter(singleDb, { users: pgAppUsers });
    const apply = (org: string, event: string, groupIds: string[]) =>
      adapter.transaction(async (store) => {
        const receivedAt = new Date();
        const record: InboxRecord = {
          id: event,
          organizationId: org,
          type: 't',
          occurredAt: 'x',
          receivedAt,
          status: 'pending',
          reason: null,
          payload: null,
        };
        expect(await store.claimEvents([record])).toEqual([event]);
        await store.getEntities(org, 'user', ['u1']);
        await store.getEntities(org, 'group', groupIds);
        const advance = {
          id: 'u1',
          deleted: false,
          active: true,
          fingerprint: 'f',
          directoryRoles: null,
          eventId: event,
        };
        expect(
          await store.advanceEntities(org, 'user', [{ ...advance, version: BigInt(Date.now()) * 1_000_000n }]),
        ).toEqual(['u1']);
        await store.ensureGroups(
          org,
          groupIds.map((id) => ({ id })),
        );
        await store.replaceMemberships(org, [{ userId: 'u1', groupIds }]);
        await store.upsertUsers(org, [
          { id: 'u1', organizationId: org, email: 'u1@example.com', active: true, roles: [], version: 1n },
        ]);
        await store.finishEvents([{ id: event, status: 'applied' }]);
      });
    const prepared = async () =>
      (
        await singleDb.execute<{ name: string }>(sql`select name from pg_prepared_statements where name like 'scim%'`)
      ).rows
        .map((row) => row.name)
        .sort();
    const org = `org_${randomUUID()}`;
    // A new user's memberships have a statement of their own; the second event takes the general one.
    await apply(org, `evt_${randomUUID()}`, ['g1', 'g2']);
    await apply(org, `evt_${randomUUID()}`, ['g1', 'g3']);
    const first = await prepared();
    expect(first.length).toBeGreaterThanOrEqual(8);
    await apply(org, `evt_${randomUUID()}`, ['g2', 'g3']);
    expect(await prepared()).toEqual(first);
    // The one-statement replace removed the membership no longer wanted and added the new one.
    const memberships = await adapter.listMemberships(org, { userIds: ['u1'] });
    expect(memberships.map((m) => m.groupId).sort()).toEqual(['g2', 'g3']);
  });

  test('drizzle:pg (node-postgres): the memberships of a new user are inserted without the checks, and only then', async () => {
    const texts: string[] = [];
    const logged = drizzle(pools[0]!, { schema, logger: { logQuery: (query) => void texts.push(query) } });
    const adapter = drizzleAdapter(logged, { users: pgAppUsers });
    const org = `org_${randomUUID()}`;
    await adapter.ensureGroups(org, [{ id: 'g1' }, { id: 'g2' }, { id: 'g3' }]);
    const advance = (ids: string[], version: bigint) => ({
      ids,
      run: (store: Parameters<Parameters<typeof adapter.transaction>[0]>[0]) =>
        store.advanceEntities(
          org,
          'user',
          ids.map((id) => ({
            id,
            version,
            deleted: false,
            active: true,
            fingerprint: 'f',
            directoryRoles: null,
            eventId: null,
          })),
        ),
    });
    const groupsOf = async (userId: string) =>
      (await adapter.listMemberships(org, { userIds: [userId] })).map((m) => m.groupId).sort();
    const statements = (run: () => Promise<unknown>) => {
      texts.length = 0;
      return run().then(() => ({
        added: texts.filter((t) => /^with clash/i.test(t)).length,
        replaced: texts.filter((t) => /^with w /i.test(t)).length,
      }));
    };

    // New users: one insert, no replace; a user named twice keeps its last groups.
    expect(
      await statements(() =>
        adapter.transaction(async (store) => {
          await advance(['n1', 'n2'], 1n).run(store);
          await store.replaceMemberships(org, [
            { userId: 'n1', groupIds: ['g1', 'g2', 'g1'] },
            { userId: 'n2', groupIds: ['g3'] },
            { userId: 'n1', groupIds: ['g2', 'g3'] },
          ]);
        }),
      ),
    ).toEqual({ added: 1, replaced: 0 });
    expect(await groupsOf('n1')).toEqual(['g2', 'g3']);
    expect(await groupsOf('n2')).toEqual(['g3']);

    // An existing user (its record updated, not inserted) and a new one in the same call: one replace for both.
    expect(
      await statements(() =>
        adapter.transaction(async (store) => {
          await advance(['n1', 'n3'], 2n).run(store);
          await store.replaceMemberships(org, [
            { userId: 'n1', groupIds: ['g1'] },
            { userId: 'n3', groupIds: ['g1', 'g2'] },
          ]);
        }),
      ),
    ).toEqual({ added: 0, replaced: 1 });
    expect(await groupsOf('n1')).toEqual(['g1']);
    expect(await groupsOf('n3')).toEqual(['g1', 'g2']);

    // Replaced twice in one transaction: the second time the first one's rows are there.
    await adapter.transaction(async (store) => {
      await advance(['n4'], 1n).run(store);
      await store.replaceMemberships(org, [{ userId: 'n4', groupIds: ['g1', 'g2'] }]);
      await store.replaceMemberships(org, [{ userId: 'n4', groupIds: ['g2', 'g3'] }]);
    });
    expect(await groupsOf('n4')).toEqual(['g2', 'g3']);

    // Memberships the app wrote itself, without a version record: replaced as they would be otherwise.
    await db.execute(
      sql`insert into scim_memberships (organization_id, user_id, group_id) values (${org}, 'n5', 'g1'), (${org}, 'n5', 'g2')`,
    );
    expect(
      await statements(() =>
        adapter.transaction(async (store) => {
          await advance(['n5'], 1n).run(store);
          await store.replaceMemberships(org, [{ userId: 'n5', groupIds: ['g2', 'g3'] }]);
        }),
      ),
    ).toEqual({ added: 1, replaced: 1 });
    expect(await groupsOf('n5')).toEqual(['g2', 'g3']);
  });

  test('drizzle:pg (node-postgres): ids with quotes, backslashes, commas, braces and NULL round-trip through the array parameters', async () => {
    const adapter = drizzleAdapter(db, { users: pgAppUsers });
    const org = `org_${randomUUID()}`;
    const ids = ['plain', 'a"b', 'c\\d', 'e,f', '{g}', 'NULL', 'null', '', 'sp ace', 'é漢', 'tab\there'];
    const written = await adapter.advanceEntities(
      org,
      'user',
      ids.map((id, i) => ({
        id,
        version: BigInt(i + 1),
        deleted: false,
        active: true,
        fingerprint: i % 2 === 0 ? null : `f${id}`,
        directoryRoles: i === 3 ? ['a"dmin'] : null,
        eventId: null,
      })),
    );
    expect([...written].sort()).toEqual([...ids].sort());
    const states = await adapter.getEntities(org, 'user', ids);
    expect(states.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(states.find((s) => s.id === 'e,f')?.directoryRoles).toEqual(['a"dmin']);
    expect(states.find((s) => s.id === 'NULL')?.fingerprint).toBe('fNULL');
    expect(states.find((s) => s.id === 'null')?.fingerprint).toBeNull();
    // Without a quote or a backslash anywhere, the arrays travel as literals built from JSON.
    const plain = ['NULL', 'null', '', '{g}', 'e,f', 'sp ace', 'é漢'];
    expect((await adapter.getEntities(org, 'user', plain)).map((s) => s.id).sort()).toEqual([...plain].sort());
    await adapter.ensureGroups(org, [{ id: 'g"1', displayName: 'Quote "group"' }, { id: 'g,2' }]);
    await adapter.replaceMemberships(org, [
      { userId: 'a"b', groupIds: ['g"1', 'g,2'] },
      { userId: 'NULL', groupIds: ['g,2'] },
    ]);
    const memberships = await adapter.listMemberships(org, { userIds: ['a"b', 'NULL'] });
    expect(memberships.map((m) => `${m.userId}>${m.groupId}`).sort()).toEqual(['NULL>g,2', 'a"b>g"1', 'a"b>g,2']);
  });
}
