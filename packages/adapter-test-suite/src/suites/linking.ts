import type { ApplyResult, LinkByEmailContext } from '@scim/core';
import { expect } from 'vitest';
import type { BackdoorAppRow, UnlinkedUserInput } from '../backdoor.js';
import type { ConformanceContext } from '../context.js';
import { defineUserSuite, tableOnly } from '../define-suite.js';
import { expectEntity, expectInbox, expectUser } from '../expect-state.js';
import { uniqueEmail } from '../ids.js';
import { syncFixture } from '../sync-fixture.js';
import { serviceLinkingTests } from './linking-service.js';

interface UnlinkedRows {
  insert(user: UnlinkedUserInput): Promise<string>;
  read(rowId: string): Promise<BackdoorAppRow | null>;
}

/** The backdoor's unlinked rows; the test skips when the adapter or its backdoor cannot link by email. */
function unlinkedRows(ctx: ConformanceContext): UnlinkedRows {
  const { backdoor } = ctx;
  if (!ctx.adapter.capabilities.linkByEmail) ctx.skip("the adapter's mapping cannot link by email (linkByEmail false)");
  if (backdoor.insertUnlinkedUser === undefined || backdoor.readUnlinkedUser === undefined) {
    ctx.skip('the backdoor has no insertUnlinkedUser and readUnlinkedUser');
  }
  return {
    insert: async (user) => await backdoor.insertUnlinkedUser!(user),
    read: async (rowId) => await backdoor.readUnlinkedUser!(rowId),
  };
}

/**
 * A directory user the app did not let take a row: it has a row of its own, or, where the app's table
 * keeps emails unique, its event is recorded as rejected (the duplicate is the reason) and it has none.
 */
async function expectOwnRowOrRejected(
  ctx: ConformanceContext,
  result: ApplyResult,
  userId: string,
  organizationId: string,
): Promise<void> {
  if (result.outcome === 'rejected') {
    await expectInbox(ctx, result.eventId, 'rejected');
    expect(result.reason).toMatch(/UNIQUE_VIOLATION/);
    expect(await ctx.backdoor.readUser(organizationId, userId)).toBeNull();
    return;
  }
  expect(result.outcome).toBe('applied');
  await expectUser(ctx, userId, { active: true }, organizationId);
}

export const linkingSuite = defineUserSuite('linking', {
  'linkByEmail allowed: a new directory user adopts the unlinked row with its email (any case), which then follows the directory':
    tableOnly(async (ctx) => {
      const rows = unlinkedRows(ctx);
      const { events } = ctx;
      const email = uniqueEmail('ada');
      const rowId = await rows.insert({ email: email.toUpperCase(), displayName: 'Signed up herself' });
      const asked: LinkByEmailContext[] = [];
      const engine = ctx.engine({ linkByEmail: (c) => asked.push(c) > 0 });

      const created = events.userCreated(events.user('diruser_1', { email, name: 'Ada Lovelace' }));
      expect((await ctx.apply(created, engine)).outcome).toBe('applied');

      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatchObject({
        organizationId: ctx.organizationId,
        directoryUserId: 'diruser_1',
        email,
        source: 'webhook',
        user: { id: 'diruser_1', email },
      });
      expect(await rows.read(rowId)).toMatchObject({
        organizationId: ctx.organizationId,
        userId: 'diruser_1',
        email,
        active: true,
      });
      await expectUser(ctx, 'diruser_1', { email, displayName: 'Ada Lovelace', active: true });

      await ctx.apply(events.userUpdated({ id: 'diruser_1', name: 'Ada King' }), engine);
      await ctx.apply(events.userDeleted({ id: 'diruser_1' }), engine);

      expect(asked, 'asked for users new to the app only').toHaveLength(1);
      const row = await rows.read(rowId);
      expect(row).toMatchObject({ organizationId: ctx.organizationId, userId: 'diruser_1', active: false });
      if (row?.displayName !== undefined) expect(row.displayName).toBe('Ada King');
    }),

  'linkByEmail refused: the row stays unlinked, and the directory user gets its own row (or, with a unique email, is rejected)':
    tableOnly(async (ctx) => {
      const rows = unlinkedRows(ctx);
      const { events } = ctx;
      const email = uniqueEmail('grace');
      const rowId = await rows.insert({ email, displayName: 'Own account' });
      const asked: LinkByEmailContext[] = [];
      const engine = ctx.engine({ linkByEmail: (c) => asked.push(c) < 0 });

      const result = await ctx.apply(events.userCreated(events.user('diruser_1', { email })), engine);

      expect(asked.map((c) => [c.directoryUserId, c.email])).toEqual([['diruser_1', email]]);
      expect(await rows.read(rowId)).toMatchObject({ organizationId: null, userId: null, email, active: true });
      await expectOwnRowOrRejected(ctx, result, 'diruser_1', ctx.organizationId);
    }),

  "THE ATTACK: a directory of organization B sends a user with the email of organization A's admin; nothing of A's users changes":
    tableOnly(async (ctx) => {
      const rows = unlinkedRows(ctx);
      const a = ctx.events;
      const b = ctx.organization();
      const adminEmail = uniqueEmail('admin');
      const adoptedEmail = uniqueEmail('early');
      // A's admin, provisioned by A's directory, and a user who signed up early and whom A's directory adopted.
      const engineA = ctx.engine({ linkByEmail: () => true });
      await ctx.apply(
        a.userCreated(a.user('diruser_admin', { email: adminEmail, roles: [{ role_name: 'owner' }] })),
        engineA,
      );
      const rowId = await rows.insert({ email: adoptedEmail });
      await ctx.apply(a.userCreated(a.user('diruser_early', { email: adoptedEmail })), engineA);
      expect(await rows.read(rowId)).toMatchObject({ organizationId: a.organizationId, userId: 'diruser_early' });
      const before = {
        admin: await ctx.backdoor.readUser(a.organizationId, 'diruser_admin'),
        adminVersion: await ctx.backdoor.readEntity(a.organizationId, 'user', 'diruser_admin'),
        early: await ctx.backdoor.readUser(a.organizationId, 'diruser_early'),
        row: await rows.read(rowId),
      };

      // B's app lets every email through (the worst case); its directory tries both, then deletes them.
      const engineB = ctx.engine({ linkByEmail: () => true, deprovision: 'delete' });
      const attacks = [
        await ctx.apply(
          b.userCreated(
            b.user('diruser_evil', { email: adminEmail.toUpperCase(), name: 'Mallory', roles: [{ role_name: 'x' }] }),
          ),
          engineB,
        ),
        await ctx.apply(b.userCreated(b.user('diruser_evil2', { email: adoptedEmail, active: false })), engineB),
      ];
      await ctx.apply(b.userUpdated({ id: 'diruser_evil', email: adminEmail, active: false }), engineB);
      await ctx.apply(b.userDeleted({ id: 'diruser_evil' }), engineB);
      await ctx.apply(b.userDeleted({ id: 'diruser_evil2' }), engineB);

      expect(await ctx.backdoor.readUser(a.organizationId, 'diruser_admin')).toEqual(before.admin);
      expect(await ctx.backdoor.readEntity(a.organizationId, 'user', 'diruser_admin')).toEqual(before.adminVersion);
      expect(await ctx.backdoor.readUser(a.organizationId, 'diruser_early')).toEqual(before.early);
      expect(await rows.read(rowId)).toEqual(before.row);
      for (const attack of attacks) expect(['applied', 'rejected']).toContain(attack.outcome);
      expect(await ctx.backdoor.readUser(b.organizationId, 'diruser_evil')).toBeNull();
      expect(await ctx.backdoor.readUser(b.organizationId, 'diruser_evil2')).toBeNull();
    }),

  'a row adopted by one directory user is not taken by another of the same organization': tableOnly(async (ctx) => {
    const rows = unlinkedRows(ctx);
    const { events } = ctx;
    const email = uniqueEmail('shared');
    const rowId = await rows.insert({ email });
    const engine = ctx.engine({ linkByEmail: () => true });
    await ctx.apply(events.userCreated(events.user('diruser_1', { email, given_name: 'First' })), engine);

    const second = await ctx.apply(
      events.userCreated(events.user('diruser_2', { email: email.toUpperCase(), given_name: 'Second' })),
      engine,
    );

    expect(await rows.read(rowId)).toMatchObject({ organizationId: ctx.organizationId, userId: 'diruser_1' });
    await expectUser(ctx, 'diruser_1', { givenName: 'First', email });
    await expectOwnRowOrRejected(ctx, second, 'diruser_2', ctx.organizationId);
  }),

  'only users new to the app are linked: a known user whose email changes to that of an unlinked row takes nothing':
    tableOnly(async (ctx) => {
      const rows = unlinkedRows(ctx);
      const { events } = ctx;
      const email = uniqueEmail('later');
      const asked: string[] = [];
      const engine = ctx.engine({ linkByEmail: (c) => asked.push(c.directoryUserId) > 0 });
      await ctx.apply(events.userCreated(events.user('diruser_1', { email: uniqueEmail('first') })), engine);
      const rowId = await rows.insert({ email });

      const result = await ctx.apply(events.userUpdated({ id: 'diruser_1', email }), engine);

      expect(['applied', 'rejected']).toContain(result.outcome);
      expect(await rows.read(rowId)).toMatchObject({ organizationId: null, userId: null });
      await expectEntity(ctx, 'user', 'diruser_1', { deleted: false });
      expect(asked).toEqual(['diruser_1']);
    }),

  'a sync adopts the unlinked rows of the users it creates, where the app allows it': tableOnly(async (ctx) => {
    const rows = unlinkedRows(ctx);
    const fixture = syncFixture(ctx);
    const emails = [uniqueEmail('s0'), uniqueEmail('s1'), uniqueEmail('s2')];
    for (const [i, email] of emails.entries()) fixture.directory.putUser(ctx.events.user(`diruser_${i}`, { email }));
    const rowIds = [await rows.insert({ email: emails[0]!.toUpperCase() }), await rows.insert({ email: emails[1]! })];
    const asked: LinkByEmailContext[] = [];
    const engine = fixture.engine({ linkByEmail: (c) => asked.push(c) > 0 });

    const report = await fixture.sync({}, engine);

    expect(report.users).toMatchObject({ listed: 3, created: 3 });
    expect(asked.map((c) => [c.directoryUserId, c.source]).sort()).toEqual([
      ['diruser_0', 'sync'],
      ['diruser_1', 'sync'],
      ['diruser_2', 'sync'],
    ]);
    for (const [i, rowId] of rowIds.entries()) {
      expect(await rows.read(rowId)).toMatchObject({
        organizationId: ctx.organizationId,
        userId: `diruser_${i}`,
        email: emails[i],
      });
    }
    await expectUser(ctx, 'diruser_2', { email: emails[2], active: true });
  }),

  ...serviceLinkingTests,
});
