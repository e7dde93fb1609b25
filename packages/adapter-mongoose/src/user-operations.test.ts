import type { UserWrite } from '@scim/core';
import mongoose, { Schema } from 'mongoose';
import { describe, expect, test } from 'vitest';
import type { MongooseUserMapping } from './options.js';
import { userPatchOperations, userSet, usersFilter, userUpsertOperations } from './user-operations.js';

interface AppUser {
  scimOrganizationId?: string;
  scimUserId?: string;
  email?: string | null;
  name?: string | null;
  department?: string | null;
  isActive: boolean;
  deactivatedAt?: Date | null;
  roles: string[];
  plan: string;
  createdAt?: Date;
}

const connection = mongoose.createConnection();
const User = connection.model<AppUser>(
  'User',
  new Schema<AppUser>(
    {
      scimOrganizationId: String,
      scimUserId: String,
      email: String,
      name: String,
      department: String,
      isActive: { type: Boolean, default: true },
      deactivatedAt: Date,
      roles: [String],
      plan: { type: String, default: 'free' },
    },
    { timestamps: true },
  ),
);

const mapping: MongooseUserMapping<AppUser> = {
  model: User,
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: (user) => ({ email: user.email, name: user.displayName, department: user.department }),
  active: 'isActive',
  roles: 'roles',
};

const V = 1_750_000_000_000_000_000n;
const user = (fields: Partial<UserWrite>): UserWrite => ({
  id: 'diruser_1',
  organizationId: 'org_1',
  active: true,
  version: V,
  ...fields,
});

describe('userSet', () => {
  test('sets the mapped fields, active and roles; undefined leaves a field, null clears it', () => {
    expect(userSet(mapping, user({ email: 'a@example.com', displayName: null, roles: ['admin'] }))).toEqual({
      email: 'a@example.com',
      name: null,
      isActive: true,
      roles: ['admin'],
    });
  });

  test('roles are left alone when the engine gives none, and when the mapping has no roles', () => {
    expect(userSet(mapping, user({ active: false }))).toEqual({ isActive: false });
    const { roles: _, ...withoutRoles } = mapping;
    expect(userSet(withoutRoles, user({ roles: ['admin'] }))).toEqual({ isActive: true });
  });

  test('never touches an app-owned field the mapping does not return (plan, createdAt, _id)', () => {
    const set = userSet(mapping, user({ email: 'a@example.com', department: 'Sales', roles: [] }));
    expect(Object.keys(set).sort()).toEqual(['department', 'email', 'isActive', 'roles']);
    expect(set).not.toHaveProperty('plan');
    expect(set).not.toHaveProperty('createdAt');
  });

  test('active and roles may be functions', () => {
    const custom: MongooseUserMapping<AppUser> = {
      ...mapping,
      active: (active) => ({ deactivatedAt: active ? null : new Date('2025-01-01T00:00:00Z') }),
      roles: (roles) => ({ roles: roles.map((r) => r.toUpperCase()) }),
    };
    expect(userSet(custom, user({ active: false, roles: ['viewer'] }))).toEqual({
      deactivatedAt: new Date('2025-01-01T00:00:00Z'),
      roles: ['VIEWER'],
    });
  });

  test('a mapping that returns the key fields cannot move the user to another key', () => {
    const sneaky: MongooseUserMapping<AppUser> = {
      ...mapping,
      fields: (u) => ({ email: u.email, scimUserId: 'other', scimOrganizationId: 'org_other' }),
    };
    expect(userSet(sneaky, user({ email: 'a@example.com' }))).toEqual({ email: 'a@example.com', isActive: true });
  });
});

describe('user operations', () => {
  test('upserts are keyed by (organizationId, userId), one per user', () => {
    const operations = userUpsertOperations(mapping, 'org_1', [
      user({ id: 'diruser_1', email: 'one@example.com' }),
      user({ id: 'diruser_2', email: undefined, active: false }),
    ]);
    expect(operations).toEqual([
      {
        updateOne: {
          filter: { scimOrganizationId: 'org_1', scimUserId: 'diruser_1' },
          update: { $set: { email: 'one@example.com', isActive: true } },
          upsert: true,
        },
      },
      {
        updateOne: {
          filter: { scimOrganizationId: 'org_1', scimUserId: 'diruser_2' },
          update: { $set: { isActive: false } },
          upsert: true,
        },
      },
    ]);
  });

  test('a user with nothing to set is still created, without an empty $set', () => {
    const nothing: MongooseUserMapping<AppUser> = { ...mapping, fields: () => ({}), active: () => ({}) };
    expect(userUpsertOperations(nothing, 'org_1', [user({})])[0]!.updateOne.update).toEqual({
      $setOnInsert: { scimOrganizationId: 'org_1', scimUserId: 'diruser_1' },
    });
  });

  test('patches set only active and roles, skip empty patches, never upsert', () => {
    const operations = userPatchOperations(mapping, 'org_1', [
      { id: 'diruser_1', active: false },
      { id: 'diruser_2' },
      { id: 'diruser_3', roles: ['a', 'b'] },
    ]);
    expect(operations).toEqual([
      {
        updateOne: {
          filter: { scimOrganizationId: 'org_1', scimUserId: 'diruser_1' },
          update: { $set: { isActive: false } },
        },
      },
      {
        updateOne: {
          filter: { scimOrganizationId: 'org_1', scimUserId: 'diruser_3' },
          update: { $set: { roles: ['a', 'b'] } },
        },
      },
    ]);
  });

  test('deletes are scoped by organization', () => {
    expect(usersFilter(mapping, 'org_1', ['diruser_1', 'diruser_2'])).toEqual({
      scimOrganizationId: 'org_1',
      scimUserId: { $in: ['diruser_1', 'diruser_2'] },
    });
  });

  test('the update casts through the app schema (what Mongoose will send)', () => {
    const [operation] = userUpsertOperations(mapping, 'org_1', [user({ email: 'a@example.com', roles: ['x'] })]);
    const update = operation!.updateOne.update as { $set: Record<string, unknown> };
    const cast = User.castObject(update.$set);
    expect(cast).toEqual({ email: 'a@example.com', isActive: true, roles: ['x'] });
  });
});
