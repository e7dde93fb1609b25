import { randomUUID } from 'node:crypto';
import type { ScimStore } from '@scim/core/adapter';
import { afterAll, describe, expect, test } from 'vitest';
import { type SqlPort, type SqlSession, sqlAdapter } from '../src/index.js';
import { type DriverName, openDatabase } from './support/drivers.js';

/** The port, counting the statements its transactions' sessions run. */
function counted(port: SqlPort): { port: SqlPort; statements: () => number } {
  let statements = 0;
  const count = (session: SqlSession): SqlSession => ({
    query: (sql, params) => {
      statements++;
      return session.query(sql, params);
    },
    execute: (sql, params) => {
      statements++;
      return session.execute(sql, params);
    },
  });
  return {
    port: {
      ...port,
      dialect: port.dialect,
      transaction: (fn) => port.transaction((session, tx) => fn(count(session), tx)),
    },
    statements: () => statements,
  };
}

const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

/** Each batch method of the bookkeeping, called with `n` items of fresh ids. */
function calls(n: number): [string, (store: ScimStore, org: string) => Promise<unknown>][] {
  const users = ids(n, 'user_');
  const groups = ids(n, 'group_');
  const now = new Date();
  const events = users.map(() => ({
    id: `evt_${randomUUID()}`,
    organizationId: 'x',
    type: 'organization.directory.user_created',
    occurredAt: now.toISOString(),
    receivedAt: now,
    status: 'pending' as const,
    reason: null,
    payload: null,
  }));
  const advance = (id: string) => ({
    id,
    version: 5n,
    deleted: false,
    active: true,
    fingerprint: 'f',
    directoryRoles: null,
    eventId: 'evt',
  });
  return [
    ['claimEvents', (s) => s.claimEvents(events)],
    ['finishEvents', (s) => s.finishEvents(events.map((e) => ({ id: e.id, status: 'applied' as const })))],
    ['getEntities', (s, o) => s.getEntities(o, 'user', users)],
    ['advanceEntities', (s, o) => s.advanceEntities(o, 'user', users.map(advance))],
    [
      'ensureGroups',
      (s, o) =>
        s.ensureGroups(
          o,
          groups.map((id) => ({ id })),
        ),
    ],
    [
      'upsertGroups',
      (s, o) =>
        s.upsertGroups(
          o,
          groups.map((id) => ({ id, organizationId: o, displayName: id, version: 1n })),
        ),
    ],
    ['getGroups', (s, o) => s.getGroups(o, groups)],
    [
      'replaceMemberships',
      (s, o) =>
        s.replaceMemberships(
          o,
          users.map((userId, i) => ({ userId, groupIds: [groups[i]!] })),
        ),
    ],
    ['listMemberships', (s, o) => s.listMemberships(o, { userIds: users })],
    [
      'addMemberships',
      (s, o) =>
        s.addMemberships!(
          o,
          users.map((userId) => ({ userId, groupId: groups[0]! })),
        ),
    ],
    [
      'removeMemberships',
      (s, o) =>
        s.removeMemberships!(
          o,
          users.map((userId) => ({ userId, groupId: groups[0]! })),
        ),
    ],
    ['removeGroupMemberships', (s, o) => s.removeGroupMemberships(o, groups)],
    [
      'saveLinks',
      (s, o) =>
        s.saveLinks(
          o,
          users.map((id) => ({ directoryUserId: id, appUserId: `app_${id}` })),
        ),
    ],
    ['getLinks', (s, o) => s.getLinks(o, users)],
    [
      'getLinksToAppUsers',
      (s, o) =>
        s.getLinksToAppUsers(
          o,
          users.map((id) => `app_${id}`),
        ),
    ],
    ['deleteLinks', (s, o) => s.deleteLinks(o, users)],
    ['existingResources', (s, o) => s.existingResources!(o, 'User', users)],
    ['deleteGroups', (s, o) => s.deleteGroups(o, groups)],
  ];
}

/** Statements each batch method runs for 1 item and for 1,000 (the default maxBatchSize) in one transaction. */
async function statementsPerCall(port: SqlPort, n: number): Promise<Record<string, number>> {
  const { port: countedPort, statements } = counted(port);
  const adapter = sqlAdapter(countedPort);
  const organizationId = `org_${randomUUID().slice(0, 12)}`;
  const out: Record<string, number> = {};
  for (const [name, call] of calls(n)) {
    const before = statements();
    await adapter.transaction((store) => call(store, organizationId));
    out[name] = statements() - before;
  }
  return out;
}

for (const driver of ['pg', 'pglite', 'mysql2', 'better-sqlite3', 'prisma-pg'] as DriverName[]) {
  const database = await openDatabase(driver, 'scim_sql_round_trips');
  if (typeof database === 'string') {
    test.skip(`${driver}: ${database}`, () => {});
    continue;
  }
  afterAll(() => database.close());
  describe(driver, () => {
    test('a batch method runs at most two statements, for one item as for 1,000 (the default maxBatchSize)', async () => {
      // Two: MySQL writes, then reads its token back (or locks the rows, then deletes them).
      const bounded = (counts: Record<string, number>) =>
        Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v <= 2 ? 'ok' : v]));
      const one = await statementsPerCall(database.port, 1);
      const many = await statementsPerCall(database.port, 1000);
      expect(bounded(many)).toEqual(bounded(one));
      expect(new Set(Object.values(bounded(many)))).toEqual(new Set(['ok']));
    });
  });
}
