import { randomUUID } from 'node:crypto';
import { type RawScalekitEvent, scalekitEvents } from '@scim/adapter-test-suite';
import { createScimEngine, parseDirectoryEvent, type UserWrite } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prismaAdapter, translateError } from '../src/index.js';
import { type LinkingBackdoor, prismaBackdoor } from './backdoor.js';
import { type AnyPrisma, clientFor } from './clients.js';
import { createDatabase, type Provider, unavailable } from './databases.js';
import { asPostgres, booleanMapping } from './mappings.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The NOT NULL email as the directory gives it (none for a user without one), or a placeholder for a missing one. */
const strictFields = (placeholder: boolean) => (user: UserWrite) => ({
  email: user.email ?? (placeholder ? `${user.id}@users.invalid` : undefined),
  displayName: user.displayName,
});

const failure = (run: () => PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(run()).then(
    () => null,
    (error: unknown) => error,
  );

for (const provider of ['postgresql', 'mysql', 'sqlite'] as const satisfies Provider[]) {
  const reason = await unavailable(provider);

  describe.skipIf(reason !== null)(`prisma:${provider}: rejections, account linking and constraint errors`, () => {
    let client: AnyPrisma;
    let backdoor: LinkingBackdoor;
    beforeAll(async () => {
      client = clientFor(provider, await createDatabase(provider, 'scim_prisma_test_table'));
      backdoor = prismaBackdoor(client, 'boolean');
    });
    afterAll(() => client?.$disconnect());
    const strict = (placeholder: boolean) =>
      prismaAdapter(asPostgres(client), {
        provider,
        users: {
          model: 'StrictUser',
          organizationId: 'scimOrganizationId',
          userId: 'scimUserId',
          fields: strictFields(placeholder),
          active: 'isActive',
        },
      });
    const strictRow = (organizationId: string, userId: string) =>
      asPostgres(client).strictUser.findUnique({
        where: { scimOrganizationId_scimUserId: { scimOrganizationId: organizationId, scimUserId: userId } },
      });

    test('a NOT NULL field the mapping leaves empty: rejected with the column named, nothing written, replayable once fixed', async () => {
      const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
      const payload = events.userCreated(events.user('diruser_noemail', { email: null, emails: [] }));
      const engine = createScimEngine({ adapter: strict(false), logger: quiet });

      const result = await engine.applyEvent(parseDirectoryEvent(payload));
      expect(result.outcome).toBe('rejected');
      expect(result.reason).toMatch(/CONSTRAINT_VIOLATION/);
      expect(result.reason).toMatch(/email/);
      expect(await backdoor.readInbox(payload.id)).toMatchObject({ status: 'rejected', reason: result.reason });
      expect(await strictRow(events.organizationId, 'diruser_noemail')).toBeNull();
      expect(await backdoor.readEntity(events.organizationId, 'user', 'diruser_noemail')).toBeNull();

      const fixed = createScimEngine({ adapter: strict(true), logger: quiet });
      expect((await fixed.replay(payload.id)).outcome).toBe('applied');
      expect(await strictRow(events.organizationId, 'diruser_noemail')).toMatchObject({
        email: 'diruser_noemail@users.invalid',
      });
      expect(await backdoor.readInbox(payload.id)).toMatchObject({ status: 'applied', reason: null });
    });

    describe('account linking by email', () => {
      const setup = () => {
        const linking = prismaAdapter(asPostgres(client), { provider, users: { ...booleanMapping, email: 'email' } });
        const engine = createScimEngine({
          adapter: linking,
          logger: quiet,
          linkByEmail: ({ email }) => !email.startsWith('refused'),
        });
        const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const apply = (payload: RawScalekitEvent) => engine.applyEvent(parseDirectoryEvent(payload));
        return { linking, events, apply };
      };

      test('the adapter declares it; the unlinked row with the email, in any case, becomes the directory user', async () => {
        const { linking, events, apply } = setup();
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

      test("two unlinked rows with the email, another organization's user, a row the app refuses: none is taken", async () => {
        const { events, apply } = setup();
        const twice = `twice-${randomUUID()}@example.com`;
        const first = await backdoor.insertUnlinkedUser({ email: twice });
        const second = await backdoor.insertUnlinkedUser({ email: twice.toUpperCase() });
        const owner = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const adminEmail = `admin-${randomUUID()}@example.com`;
        await apply(owner.userCreated(owner.user('diruser_admin', { email: adminEmail, name: 'Admin A' })));
        const refusedEmail = `refused-${randomUUID()}@example.com`;
        const refused = await backdoor.insertUnlinkedUser({ email: refusedEmail });

        await apply(events.userCreated(events.user('diruser_twice', { email: twice })));
        await apply(events.userCreated(events.user('diruser_thief', { email: adminEmail, name: 'Mallory' })));
        await apply(events.userCreated(events.user('diruser_refused', { email: refusedEmail })));
        for (const row of [first, second, refused]) {
          expect(await backdoor.readUnlinkedUser(row)).toMatchObject({ organizationId: null, userId: null });
        }
        expect(await backdoor.readUser(owner.organizationId, 'diruser_admin')).toMatchObject({
          displayName: 'Admin A',
        });
        expect(await backdoor.readUser(events.organizationId, 'diruser_thief')).toMatchObject({ email: adminEmail });
        expect(await backdoor.readUser(events.organizationId, 'diruser_twice')).toMatchObject({ email: twice });
      });

      test('linkUsersByEmail applies its items in order: a row goes to the first, a user with a row keeps it', async () => {
        const { linking, events } = setup();
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
      });
    });

    test('NOT NULL, CHECK, foreign-key and length violations become CONSTRAINT_VIOLATION, the driver error kept', async () => {
      const prisma = asPostgres(client);
      const id = Date.now() % 1_000_000_000;
      await prisma.$executeRawUnsafe(
        'CREATE TABLE IF NOT EXISTS constraint_probe (id integer PRIMARY KEY, code varchar(3), qty integer CHECK (qty > 0))',
      );
      const probes: [string, () => PromiseLike<unknown>][] = [
        ['not null (model)', () => prisma.strictUser.createMany({ data: [{ email: null as unknown as string }] })],
        ['not null (raw)', () => prisma.$executeRawUnsafe('INSERT INTO strict_users (display_name) VALUES (NULL)')],
        ['check', () => prisma.$executeRawUnsafe(`INSERT INTO constraint_probe (id, qty) VALUES (${id}, -1)`)],
        [
          'foreign key',
          () =>
            prisma.scimMembership.create({
              data: { organizationId: `org_${randomUUID()}`, userId: 'u', groupId: 'missing' },
            }),
        ],
      ];
      // SQLite does not enforce a varchar's length.
      if (provider !== 'sqlite') {
        probes.push([
          'length',
          () => prisma.$executeRawUnsafe(`INSERT INTO constraint_probe (id, code) VALUES (${id + 1}, 'too long')`),
        ]);
      }
      for (const [kind, run] of probes) {
        const error = await failure(run);
        expect(error, kind).toBeInstanceOf(Error);
        const translated = translateError(error, 'probe');
        expect(translated, kind).toBeInstanceOf(AdapterError);
        expect(translated, kind).toMatchObject({ code: 'CONSTRAINT_VIOLATION', cause: error });
      }
    });
  });
}
