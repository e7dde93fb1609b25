import { randomUUID } from 'node:crypto';
import { type RawScalekitEvent, scalekitEvents, type TestAppTable } from '@scim/adapter-test-suite';
import { createScimEngine, parseDirectoryEvent, ScimError, UserRejection, type UserService } from '@scim/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prismaAdapter } from '../src/index.js';
import { type LinkingBackdoor, prismaBackdoor } from './backdoor.js';
import { type AnyPrisma, clientFor } from './clients.js';
import { createDatabase, type Provider, unavailable } from './databases.js';
import { asPostgres } from './mappings.js';
import { type PrismaTx, prismaServiceApp } from './service-app.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The app's own functions, writing its `ServiceUser` model through `ctx.tx`. A user whose email starts
 * with `fail-crash` fails after its row is written; `fail-reject` is refused with a `UserRejection` while
 * `rejecting.on`.
 */
function service(app: TestAppTable<PrismaTx>, calls: string[], rejecting: { on: boolean }): UserService<PrismaTx> {
  return {
    async create(user, ctx) {
      calls.push(`create ${user.id}`);
      const id = await app.insert(ctx.tx, {
        email: user.email ?? null,
        displayName: user.displayName ?? null,
        givenName: user.givenName ?? null,
        familyName: user.familyName ?? null,
        active: user.active,
        roles: user.roles ?? [],
      });
      if (user.email?.startsWith('fail-crash')) throw new Error('the mail queue is down');
      if (user.email?.startsWith('fail-reject') && rejecting.on)
        throw new UserRejection('the app wants a company email');
      return String(id);
    },
    async update(appUserId, user, ctx) {
      calls.push(`update ${appUserId}`);
      await app.update(ctx.tx, appUserId, {
        ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
        active: user.active,
      });
    },
    async deactivate(appUserId, ctx) {
      calls.push(`deactivate ${appUserId}`);
      await app.update(ctx.tx, appUserId, { active: false });
    },
  };
}

for (const provider of ['postgresql', 'mysql', 'sqlite'] as const satisfies Provider[]) {
  const reason = await unavailable(provider);

  describe.skipIf(reason !== null)(
    `prisma:${provider}: service mode (the app's functions write through ctx.tx)`,
    () => {
      let client: AnyPrisma;
      let backdoor: LinkingBackdoor;
      let app: TestAppTable<PrismaTx>;
      beforeAll(async () => {
        client = clientFor(provider, await createDatabase(provider, 'scim_prisma_test_service'));
        backdoor = prismaBackdoor(client, 'boolean');
        app = prismaServiceApp(client, provider);
      });
      afterAll(() => client?.$disconnect());
      const adapter = () => prismaAdapter(asPostgres(client), { provider });
      const countByEmail = (email: string) => asPostgres(client).serviceUser.count({ where: { email } });

      test('the adapter declares no users table, and its table methods are a CONFIGURATION_ERROR', async () => {
        expect(adapter().capabilities).toMatchObject({ userTable: false, linkByEmail: false });
        await expect(adapter().upsertUsers('org', [])).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
        await expect(adapter().linkUsersByEmail('org', [])).rejects.toBeInstanceOf(ScimError);
      });

      test("a created, updated and deprovisioned user goes through the app's functions, linked by the SDK", async () => {
        const calls: string[] = [];
        const engine = createScimEngine({
          adapter: adapter(),
          users: service(app, calls, { on: false }),
          logger: quiet,
        });
        const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const apply = (payload: RawScalekitEvent) => engine.applyEvent(parseDirectoryEvent(payload));
        const user = events.user('diruser_svc', { email: 'ann@example.com', name: 'Ann' });

        expect((await apply(events.userCreated(user))).outcome).toBe('applied');
        const link = await backdoor.readLink(events.organizationId, 'diruser_svc');
        expect(link).not.toBeNull();
        expect(await app.read(link!.appUserId)).toMatchObject({ email: 'ann@example.com', displayName: 'Ann' });
        events.advance(1_000n);
        await apply(events.userUpdated({ ...user, name: 'Ann B.' }));
        expect(await app.read(link!.appUserId)).toMatchObject({ displayName: 'Ann B.', active: true });
        events.advance(1_000n);
        await apply(events.userDeleted({ id: 'diruser_svc' }));
        expect(await app.read(link!.appUserId)).toMatchObject({ active: false });
        expect(calls).toEqual(['create diruser_svc', `update ${link!.appUserId}`, `deactivate ${link!.appUserId}`]);
      });

      test("a failure after the app's write leaves neither the app's row nor the SDK's records", async () => {
        const engine = createScimEngine({ adapter: adapter(), users: service(app, [], { on: false }), logger: quiet });
        const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const email = `fail-crash-${randomUUID()}@example.com`;
        const payload = events.userCreated(events.user('diruser_crash', { email }));

        await expect(engine.applyEvent(parseDirectoryEvent(payload))).rejects.toBeInstanceOf(ScimError);
        expect(await countByEmail(email)).toBe(0);
        expect(await backdoor.readInbox(payload.id)).toBeNull();
        expect(await backdoor.readEntity(events.organizationId, 'user', 'diruser_crash')).toBeNull();
        expect(await backdoor.readLink(events.organizationId, 'diruser_crash')).toBeNull();
      });

      test('a failure at the end of transaction() rolls back what the app wrote through tx and what the store wrote', async () => {
        const organizationId = `org_${randomUUID()}`;
        const email = `rolled-back-${randomUUID()}@example.com`;
        const failure = new Error('after the writes');
        await expect(
          adapter().transaction(async (store, tx) => {
            const appUserId = String(
              await app.insert(tx, {
                email,
                displayName: null,
                givenName: null,
                familyName: null,
                active: true,
                roles: [],
              }),
            );
            expect(await app.findByEmail(tx, email.toUpperCase())).toEqual([appUserId]);
            await store.saveLinks(organizationId, [{ directoryUserId: 'diruser_rb', appUserId }]);
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await countByEmail(email)).toBe(0);
        expect(await backdoor.readLink(organizationId, 'diruser_rb')).toBeNull();
      });

      test("the app's UserRejection passes through transaction() unchanged", async () => {
        const rejection = new UserRejection('no');
        await expect(adapter().transaction(async () => Promise.reject(rejection))).rejects.toBe(rejection);
      });

      test('a user the app rejects is recorded, nothing else of it kept, and replayed once the app accepts it', async () => {
        const rejecting = { on: true };
        const engine = createScimEngine({ adapter: adapter(), users: service(app, [], rejecting), logger: quiet });
        const events = scalekitEvents({ organizationId: `org_${randomUUID()}` });
        const email = `fail-reject-${randomUUID()}@example.com`;
        const payload = events.userCreated(events.user('diruser_rej', { email }));

        const result = await engine.applyEvent(parseDirectoryEvent(payload));
        expect(result).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('company email') });
        expect(await backdoor.readInbox(payload.id)).toMatchObject({
          status: 'rejected',
          reason: expect.stringContaining('USER_REJECTED'),
          payload: expect.stringContaining('diruser_rej'),
        });
        expect(await countByEmail(email)).toBe(0);
        expect(await backdoor.readLink(events.organizationId, 'diruser_rej')).toBeNull();
        expect(await backdoor.readEntity(events.organizationId, 'user', 'diruser_rej')).toBeNull();
        const listed = await engine.events({ organizationId: events.organizationId, status: 'rejected' });
        expect(listed.map((e) => e.id)).toEqual([payload.id]);

        rejecting.on = false;
        expect((await engine.replay(payload.id)).outcome).toBe('applied');
        expect(await countByEmail(email)).toBe(1);
        expect(await backdoor.readLink(events.organizationId, 'diruser_rej')).not.toBeNull();
        expect(await backdoor.readInbox(payload.id)).toMatchObject({ status: 'applied', reason: null, payload: null });
      });
    },
  );
}
