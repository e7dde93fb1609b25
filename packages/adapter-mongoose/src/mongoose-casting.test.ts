/**
 * What Mongoose hands the driver for each write, with the real Mongoose and the real schemas: the
 * driver call is intercepted on an unopened connection, recorded, and refused. Nothing answers in
 * place of a server; these tests only check that the operations survive Mongoose's casting (strict
 * schemas, bigint versions, the app's timestamps) in the shape the rules need.
 */
import type { UserWrite } from '@scim/core';
import type { EntityAdvance } from '@scim/core/adapter';
import mongoose, { type Model } from 'mongoose';
import { beforeEach, describe, expect, test } from 'vitest';
import { appUserMapping, appUserModel } from '../test/app-user.js';
import { scimModels } from './models.js';
import { MongooseStore } from './mongoose-store.js';

class NotSent extends Error {}

interface Sent {
  method: string;
  args: unknown[];
}

const connection = mongoose.createConnection();
const models = scimModels(connection);
const User = appUserModel(connection);
const store = new MongooseStore({ models, users: appUserMapping(User), ready: async () => undefined }, null);
let sent: Sent[] = [];

function intercept(model: Model<never> | Model<unknown>, method: 'bulkWrite' | 'updateOne' | 'updateMany'): void {
  Object.defineProperty(model.collection, method, {
    configurable: true,
    value: (...args: unknown[]) => {
      sent.push({ method, args });
      return Promise.reject(new NotSent(`${method} not sent: no server in this test`));
    },
  });
}

for (const model of [...Object.values(models), User]) {
  intercept(model as Model<unknown>, 'bulkWrite');
  intercept(model as Model<unknown>, 'updateOne');
  intercept(model as Model<unknown>, 'updateMany');
}

beforeEach(() => {
  sent = [];
});

/** The operations of the one bulk write the call sent. */
function bulkOperations(): Record<
  string,
  { filter: Record<string, unknown>; update: Record<string, Record<string, unknown>>; upsert?: boolean }
>[] {
  expect(sent).toHaveLength(1);
  expect(sent[0]!.method).toBe('bulkWrite');
  return sent[0]!.args[0] as ReturnType<typeof bulkOperations>;
}

const V = 1_750_000_000_123_456_789n;

describe('what Mongoose sends', () => {
  test('advanceEntities: the version condition and the version as an exact bigint', async () => {
    const item: EntityAdvance = {
      id: 'diruser_1',
      version: V,
      deleted: false,
      active: true,
      fingerprint: 'fp',
      directoryRoles: ['viewer'],
      eventId: 'evt_1',
    };
    await expect(store.advanceEntities('org_1', 'user', [item])).rejects.toBeInstanceOf(NotSent);
    const [operation] = bulkOperations();
    const { filter, update, upsert } = operation!.updateOne!;
    expect(upsert).toBe(true);
    expect(filter).toEqual({
      organizationId: 'org_1',
      kind: 'user',
      id: 'diruser_1',
      $or: [{ version: { $lt: V } }, { version: V, eventId: 'evt_1' }],
    });
    expect(update.$set).toMatchObject({
      version: V,
      deleted: false,
      active: true,
      fingerprint: 'fp',
      eventId: 'evt_1',
    });
    expect(typeof update.$set!.version).toBe('bigint');
    expect([...(update.$set!.directoryRoles as string[])]).toEqual(['viewer']);
    expect(sent[0]!.args[1]).toMatchObject({ ordered: false });
  });

  test('upsertUsers: mapped fields in $set, the app schema timestamps, no app-owned field', async () => {
    const user: UserWrite = {
      id: 'diruser_1',
      organizationId: 'org_1',
      email: 'a@example.com',
      givenName: null,
      active: true,
      version: V,
      roles: ['admin'],
    };
    await expect(store.upsertUsers('org_1', [user])).rejects.toBeInstanceOf(NotSent);
    const [operation] = bulkOperations();
    const { filter, update, upsert } = operation!.updateOne!;
    expect(upsert).toBe(true);
    expect(filter).toEqual({ scimOrganizationId: 'org_1', scimUserId: 'diruser_1' });
    expect(Object.keys(update.$set!).sort()).toEqual(['email', 'givenName', 'isActive', 'roles', 'updatedAt']);
    expect(update.$set).toMatchObject({ email: 'a@example.com', givenName: null, isActive: true });
    // Mongoose's own insert-only fields: the app's defaults and createdAt, never on an update.
    expect(update.$setOnInsert).toMatchObject({ plan: 'free' });
    expect(update.$setOnInsert!.createdAt).toBeInstanceOf(Date);
    expect(update.$set).not.toHaveProperty('plan');
    expect(update.$set).not.toHaveProperty('createdAt');
  });

  test('replaceMemberships: one ordered bulk write, deletes before inserts', async () => {
    await expect(
      store.replaceMemberships('org_1', [
        { userId: 'u1', groupIds: ['g1', 'g2'] },
        { userId: 'u2', groupIds: [] },
      ]),
    ).rejects.toBeInstanceOf(NotSent);
    const operations = bulkOperations();
    expect(operations.map((o) => Object.keys(o)[0])).toEqual(['deleteMany', 'deleteMany', 'updateOne', 'updateOne']);
    expect(sent[0]!.args[1]).toMatchObject({ ordered: true });
  });

  test('groups, directories and sync states pass the strict schemas', async () => {
    await expect(
      store.upsertGroups('org_1', [{ id: 'g1', organizationId: 'org_1', displayName: 'One', version: V }]),
    ).rejects.toBeInstanceOf(NotSent);
    expect(bulkOperations()[0]!.updateOne!.update).toEqual({
      $set: { displayName: 'One' },
      $setOnInsert: { directoryId: null, externalId: null },
    });

    sent = [];
    await expect(
      store.upsertDirectory('org_1', {
        id: 'dir_1',
        organizationId: 'org_1',
        enabled: true,
        provider: 'OKTA',
        version: V,
      }),
    ).rejects.toBeInstanceOf(NotSent);
    expect(bulkOperations()[0]!.updateOne!.update).toEqual({
      $set: { provider: 'OKTA', enabled: true },
      $setOnInsert: { directoryType: null, status: null },
    });

    sent = [];
    const now = new Date();
    await expect(
      store.saveSyncState({
        organizationId: 'org_1',
        directoryId: 'dir_1',
        status: 'running',
        watermark: null,
        checkpoint: '{}',
        lastStartedAt: now,
        lastFinishedAt: null,
        lastError: null,
        updatedAt: now,
      }),
    ).rejects.toBeInstanceOf(NotSent);
    expect(bulkOperations()[0]!.updateOne!.update.$set).toMatchObject({ status: 'running', checkpoint: '{}' });
  });

  test('acquireLease: the conditional upsert on the lease name', async () => {
    const now = new Date('2025-06-02T08:00:00.000Z');
    await expect(store.acquireLease({ name: 'sync:org_1', owner: 'me', ttlMs: 1000, now })).rejects.toBeInstanceOf(
      NotSent,
    );
    expect(bulkOperations()[0]!.updateOne!.filter).toEqual({
      _id: 'sync:org_1',
      $or: [{ owner: 'me' }, { expiresAt: { $lte: now } }],
    });
  });

  test('claimEvents: an insert-only upsert keyed by the event id', async () => {
    const receivedAt = new Date();
    await expect(
      store.claimEvents([
        {
          id: 'evt_1',
          organizationId: 'org_1',
          type: 'organization.directory.user_created',
          occurredAt: '2025-06-02T08:00:00.123456789Z',
          receivedAt,
          status: 'pending',
          reason: null,
          payload: null,
        },
      ]),
    ).rejects.toBeInstanceOf(NotSent);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('updateOne');
    const [filter, update, options] = sent[0]!.args as [unknown, Record<string, unknown>, Record<string, unknown>];
    expect(filter).toEqual({ _id: 'evt_1' });
    expect(update).toEqual({
      $setOnInsert: {
        organizationId: 'org_1',
        type: 'organization.directory.user_created',
        occurredAt: '2025-06-02T08:00:00.123456789Z',
        receivedAt,
        status: 'pending',
        reason: null,
        payload: null,
      },
    });
    expect(options).toMatchObject({ upsert: true });
  });

  test('saveLinks: one unordered bulk of upserts keyed by (organizationId, directoryUserId), the last link of an id', async () => {
    await expect(
      store.saveLinks('org_1', [
        { directoryUserId: 'diruser_1', appUserId: '41' },
        { directoryUserId: 'diruser_2', appUserId: '7' },
        { directoryUserId: 'diruser_1', appUserId: '42' },
      ]),
    ).rejects.toBeInstanceOf(NotSent);
    expect(bulkOperations().map((o) => o.updateOne)).toEqual([
      {
        filter: { organizationId: 'org_1', directoryUserId: 'diruser_1' },
        update: { $set: { appUserId: '42' } },
        upsert: true,
      },
      {
        filter: { organizationId: 'org_1', directoryUserId: 'diruser_2' },
        update: { $set: { appUserId: '7' } },
        upsert: true,
      },
    ]);
    expect(sent[0]!.args[1]).toMatchObject({ ordered: false });
  });

  test('finishEvents: the reason and payload only where an entry gives them', async () => {
    await expect(
      store.finishEvents([
        { id: 'evt_1', status: 'applied', reason: null, payload: null },
        { id: 'evt_2', status: 'rejected', reason: 'USER_REJECTED: no' },
      ]),
    ).rejects.toBeInstanceOf(NotSent);
    expect(sent.map((s) => s.method)).toEqual(['updateMany']);
    expect(sent[0]!.args.slice(0, 2)).toEqual([
      { _id: { $in: ['evt_1'] } },
      { $set: { status: 'applied', reason: null, payload: null } },
    ]);
  });

  test('a store without a users mapping refuses the table methods with a CONFIGURATION_ERROR', async () => {
    const service = new MongooseStore({ models, users: null, ready: async () => undefined }, null);
    for (const call of [
      () => service.upsertUsers('org_1', []),
      () => service.patchUsers('org_1', []),
      () => service.deleteUsers('org_1', ['u']),
      () => service.linkUsersByEmail('org_1', [{ directoryUserId: 'u', email: 'a@example.com' }]),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    }
    expect(sent).toEqual([]);
  });
});
