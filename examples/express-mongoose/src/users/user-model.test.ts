/**
 * The upsert @scim/adapter-mongoose sends for a provisioned user (an equality filter on the key, `$set` of the
 * mapped fields), as the app's schema casts it. The driver call is intercepted on a connection never opened,
 * recorded and refused: nothing answers in place of a server.
 */
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { userModel } from './user-model.js';

class NotSent extends Error {}

describe("the app's User schema under the adapter's upsert", () => {
  it("keeps the key from the filter and the app's own fields on insert only", async () => {
    const UserModel = userModel(mongoose.createConnection());
    const sent: unknown[][] = [];
    Object.defineProperty(UserModel.collection, 'bulkWrite', {
      configurable: true,
      value: (...args: unknown[]) => {
        sent.push(args);
        return Promise.reject(new NotSent('no server in this test'));
      },
    });
    const filter = { scimOrganizationId: 'org_1', scimUserId: 'diruser_1' };
    const set = { email: 'ada@acme.test', name: 'Ada', department: null, isActive: true, roles: ['member'] };
    await expect(
      UserModel.bulkWrite([{ updateOne: { filter, update: { $set: set }, upsert: true } }], { ordered: false }),
    ).rejects.toBeInstanceOf(NotSent);

    const [operations] = sent[0] as [
      { updateOne: { filter: object; update: Record<string, Record<string, unknown>> } }[],
    ];
    const { update } = operations[0]!.updateOne;
    // The schema's `default: null` on the key fields must not reach $setOnInsert: it would overwrite the
    // key that an upsert copies from the filter, and every provisioned user would land with a null key.
    expect(Object.keys(update.$setOnInsert ?? {})).not.toContain('scimOrganizationId');
    expect(Object.keys(update.$setOnInsert ?? {})).not.toContain('scimUserId');
    expect(update.$setOnInsert).toMatchObject({ plan: 'team', jobTitle: null });
    expect(update.$setOnInsert).toHaveProperty('createdAt');
    expect(update.$set).toMatchObject(set);
    expect(Object.keys(update.$set ?? {})).not.toContain('plan');
    expect(Object.keys(update.$set ?? {})).not.toContain('createdAt');
  });
});
