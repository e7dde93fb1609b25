import { randomUUID } from 'node:crypto';
import { type RawScalekitEvent, scalekitEvents } from '@scim/adapter-test-suite';
import { createScimEngine, parseDirectoryEvent, type ScimAdapter, type ScimEngine } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { translateSqlError as translateError } from '@scim/sql';
import { type SQL, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import type { LinkingBackdoor, RawReader } from './backdoor.js';

export interface TableModeContext {
  /**
   * Table mappings onto `strict_users`, whose email is NOT NULL: `fields` gives the directory's email as
   * it is (none for a user without one), a placeholder when there is none (the fixed mapping), or a
   * `UserRejection` thrown by `fields` for a user without one.
   */
  strict: { asIs: ScimAdapter; withPlaceholder: ScimAdapter; refusing: ScimAdapter };
  /** The usual mapping onto `app_users`, naming its email column for account linking. */
  linking: ScimAdapter;
  backdoor: LinkingBackdoor;
  reader: RawReader;
  /** Runs a statement outside the adapter, with the driver's own error on failure. */
  exec(query: SQL): Promise<unknown>;
  /** What the dialect enforces: SQLite has no length limit on varchar. */
  enforcesLength: boolean;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const failure = (run: () => Promise<unknown>): Promise<unknown> =>
  run().then(
    () => null,
    (error: unknown) => error,
  );

/** Rejections, account linking and constraint errors with the app's own tables on a real database. */
export function tableModeBehaviour(name: string, ctx: () => TableModeContext) {
  describe(`${name}: rejections, account linking and constraint errors`, () => {
    const strictRow = async (organizationId: string, userId: string) =>
      (
        await ctx().reader.rows(
          sql`select * from strict_users where scim_organization_id = ${organizationId} and scim_user_id = ${userId}`,
        )
      )[0] ?? null;

    test('a NOT NULL column the mapping leaves empty: rejected with the column named, nothing written, replayable once fixed', async () => {
      const { strict, backdoor } = ctx();
      const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
      const payload = events.userCreated(events.user('diruser_noemail', { email: null, emails: [] }));
      const engine = createScimEngine({ adapter: strict.asIs, logger: quiet });

      const result = await engine.applyEvent(parseDirectoryEvent(payload));
      expect(result.outcome).toBe('rejected');
      expect(result.reason).toMatch(/CONSTRAINT_VIOLATION/);
      expect(result.reason).toMatch(/email/);
      expect(await backdoor.readInbox(payload.id)).toMatchObject({ status: 'rejected', reason: result.reason });
      expect(await strictRow(events.organizationId, 'diruser_noemail')).toBeNull();
      expect(await backdoor.readEntity(events.organizationId, 'user', 'diruser_noemail')).toBeNull();

      const fixed = createScimEngine({ adapter: strict.withPlaceholder, logger: quiet });
      expect((await fixed.replay(payload.id)).outcome).toBe('applied');
      expect(await strictRow(events.organizationId, 'diruser_noemail')).toMatchObject({
        email: 'diruser_noemail@users.invalid',
      });
      expect(await backdoor.readInbox(payload.id)).toMatchObject({ status: 'applied', reason: null });
      expect(await backdoor.readEntity(events.organizationId, 'user', 'diruser_noemail')).not.toBeNull();
    });

    test('a UserRejection thrown by fields is recorded as rejected with its message, nothing written', async () => {
      const { strict, backdoor } = ctx();
      const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
      const payload = events.userCreated(events.user('diruser_refused', { email: null, emails: [] }));
      const result = await createScimEngine({ adapter: strict.refusing, logger: quiet }).applyEvent(
        parseDirectoryEvent(payload),
      );
      expect(result).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('USER_REJECTED') });
      expect(result.reason).toContain('no user without an email');
      expect(await strictRow(events.organizationId, 'diruser_refused')).toBeNull();
      expect(await backdoor.readEntity(events.organizationId, 'user', 'diruser_refused')).toBeNull();
    });

    describe('account linking by email', () => {
      const setup = () => {
        const { linking, backdoor } = ctx();
        const allowed: string[] = [];
        const engine: ScimEngine = createScimEngine({
          adapter: linking,
          logger: quiet,
          linkByEmail: ({ email }) => {
            allowed.push(email);
            return !email.startsWith('refused');
          },
        });
        const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const apply = (payload: RawScalekitEvent) => engine.applyEvent(parseDirectoryEvent(payload));
        return { linking, backdoor, engine, events, apply, allowed };
      };

      test('the adapter declares it; the unlinked row with the email, in any case, becomes the directory user', async () => {
        const { linking, backdoor, events, apply } = setup();
        expect(linking.capabilities).toMatchObject({ userTable: true, linkByEmail: true });
        const email = `ann-${randomUUID()}@example.com`;
        const rowId = await backdoor.insertUnlinkedUser({ email: email.toUpperCase(), displayName: 'Ann (signed up)' });

        await apply(events.userCreated(events.user('diruser_ann', { email, name: 'Ann' })));
        expect(await backdoor.readUnlinkedUser(rowId)).toMatchObject({
          organizationId: events.organizationId,
          userId: 'diruser_ann',
          email,
          displayName: 'Ann',
        });
      });

      test('two unlinked rows with the email: neither is taken, the directory user gets a row of its own', async () => {
        const { backdoor, events, apply } = setup();
        const email = `twice-${randomUUID()}@example.com`;
        const first = await backdoor.insertUnlinkedUser({ email });
        const second = await backdoor.insertUnlinkedUser({ email: email.toUpperCase() });

        await apply(events.userCreated(events.user('diruser_twice', { email })));
        expect(await backdoor.readUnlinkedUser(first)).toMatchObject({ organizationId: null, userId: null });
        expect(await backdoor.readUnlinkedUser(second)).toMatchObject({ organizationId: null, userId: null });
        expect(await backdoor.readUser(events.organizationId, 'diruser_twice')).toMatchObject({ email });
      });

      test("another organization's user and a row the app refuses to give are never taken", async () => {
        const { backdoor, events, apply, allowed } = setup();
        const owner = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const adminEmail = `admin-${randomUUID()}@example.com`;
        await apply(owner.userCreated(owner.user('diruser_admin', { email: adminEmail, name: 'Admin A' })));
        const refusedEmail = `refused-${randomUUID()}@example.com`;
        const refused = await backdoor.insertUnlinkedUser({ email: refusedEmail });

        await apply(events.userCreated(events.user('diruser_thief', { email: adminEmail, name: 'Mallory' })));
        await apply(events.userCreated(events.user('diruser_refused', { email: refusedEmail })));
        expect(await backdoor.readUser(owner.organizationId, 'diruser_admin')).toMatchObject({
          email: adminEmail,
          displayName: 'Admin A',
        });
        expect(await backdoor.readUser(events.organizationId, 'diruser_thief')).toMatchObject({ email: adminEmail });
        expect(await backdoor.readUnlinkedUser(refused)).toMatchObject({ organizationId: null, userId: null });
        expect(allowed).toContain(refusedEmail);
      });

      test('linkUsersByEmail applies its items in order: a row goes to the first, a user with a row keeps it', async () => {
        const { linking, backdoor, events } = setup();
        const org = events.organizationId;
        const email = `first-${randomUUID()}@example.com`;
        const other = `other-${randomUUID()}@example.com`;
        const row = await backdoor.insertUnlinkedUser({ email });
        const otherRow = await backdoor.insertUnlinkedUser({ email: other });
        await linking.upsertUsers(org, [{ id: 'diruser_has_row', organizationId: org, active: true, version: 1n }]);

        const linked = await linking.linkUsersByEmail(org, [
          { directoryUserId: 'diruser_has_row', email: other },
          { directoryUserId: 'diruser_first', email },
          { directoryUserId: 'diruser_second', email: email.toUpperCase() },
          { directoryUserId: 'diruser_nobody', email: `nobody-${randomUUID()}@example.com` },
        ]);
        expect(linked).toEqual(['diruser_first']);
        expect(await backdoor.readUnlinkedUser(row)).toMatchObject({ organizationId: org, userId: 'diruser_first' });
        expect(await backdoor.readUnlinkedUser(otherRow)).toMatchObject({ organizationId: null, userId: null });
        expect(await linking.linkUsersByEmail(org, [])).toEqual([]);
      });
    });

    test('NOT NULL, CHECK, foreign-key and length violations become CONSTRAINT_VIOLATION, the driver error kept', async () => {
      const { exec, enforcesLength } = ctx();
      await exec(
        sql`create table if not exists constraint_probe (id integer primary key, code varchar(3), qty integer check (qty > 0))`,
      );
      const probes: [string, SQL][] = [
        ['not null', sql`insert into scim_groups (organization_id, id) values (${null}, 'g')`],
        ['check', sql`insert into constraint_probe (id, qty) values (${Date.now() % 1_000_000_000}, -1)`],
        [
          'foreign key',
          sql`insert into scim_memberships (organization_id, user_id, group_id) values (${`org_${randomUUID()}`}, 'u', 'missing')`,
        ],
      ];
      if (enforcesLength) probes.push(['length', sql`insert into constraint_probe (id, code) values (2, 'too long')`]);
      for (const [kind, query] of probes) {
        const error = await failure(() => exec(query));
        expect(error, kind).toBeInstanceOf(Error);
        const translated = translateError(error);
        expect(translated, kind).toBeInstanceOf(AdapterError);
        expect(translated, kind).toMatchObject({ code: 'CONSTRAINT_VIOLATION', cause: error });
      }
    });
  });
}
