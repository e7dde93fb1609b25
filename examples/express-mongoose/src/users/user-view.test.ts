import type { UserWrite } from '@scim/core';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { userMapping } from '../scim.js';
import { type User, userModel } from './user-model.js';
import { groupsByUser, toGroupViews, toUserView, type UserRecord } from './user-view.js';

// A real Mongoose model on a connection that is never opened: documents are cast and defaulted by the
// app's schema, and nothing reaches a server.
const UserModel = userModel(mongoose.createConnection());
const record = (fields: Partial<User>): UserRecord => new UserModel(fields).toObject();

describe('the user service mapping of documents to the API shape', () => {
  it('maps a provisioned user, with its directory groups', () => {
    const doc = record({
      email: 'ada@acme.test',
      name: 'Ada Lovelace',
      department: 'Engineering',
      jobTitle: 'Analyst',
      isActive: false,
      roles: ['member', 'admin'],
      scimOrganizationId: 'org_1',
      scimUserId: 'diruser_1',
    });
    const groups = groupsByUser([
      { userId: 'diruser_1', groupId: 'dirgroup_a' },
      { userId: 'diruser_2', groupId: 'dirgroup_a' },
      { userId: 'diruser_1', groupId: 'dirgroup_b' },
    ]);
    expect(toUserView(doc, groups)).toEqual({
      id: doc._id.toHexString(),
      organizationId: 'org_1',
      directoryUserId: 'diruser_1',
      email: 'ada@acme.test',
      name: 'Ada Lovelace',
      department: 'Engineering',
      jobTitle: 'Analyst',
      plan: 'team',
      active: false,
      roles: ['member', 'admin'],
      groups: ['dirgroup_a', 'dirgroup_b'],
    });
  });

  it("maps the app's own user (no directory) with the schema's defaults and no groups", () => {
    const doc = record({ email: 'invited@acme.test' });
    const view = toUserView(doc, groupsByUser([{ userId: 'diruser_1', groupId: 'dirgroup_a' }]));
    expect(view).toMatchObject({
      organizationId: null,
      directoryUserId: null,
      name: null,
      department: null,
      plan: 'team',
      active: true,
      roles: [],
      groups: [],
    });
    expect(view.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('reads a document written before the SCIM fields existed as an active user outside any directory', () => {
    const old = { _id: new mongoose.Types.ObjectId(), email: 'old@acme.test', plan: 'enterprise' } as UserRecord;
    expect(toUserView(old, new Map())).toMatchObject({
      organizationId: null,
      directoryUserId: null,
      active: true,
      roles: [],
      plan: 'enterprise',
      groups: [],
    });
  });

  it('counts the members of each group, zero for an empty one', () => {
    const views = toGroupViews(
      [
        { id: 'dirgroup_a', displayName: 'Admins' },
        { id: 'dirgroup_b', displayName: null },
      ],
      [{ groupId: 'dirgroup_a' }, { groupId: 'dirgroup_a' }, { groupId: 'dirgroup_x' }],
    );
    expect(views).toEqual([
      { id: 'dirgroup_a', name: 'Admins', members: 2 },
      { id: 'dirgroup_b', name: null, members: 0 },
    ]);
  });
});

describe('the SCIM mapping onto the User model', () => {
  const mapping = userMapping(UserModel);
  const write: UserWrite = {
    id: 'diruser_1',
    organizationId: 'org_1',
    email: 'ada@acme.test',
    displayName: 'Ada Lovelace',
    givenName: 'Ada',
    department: null,
    title: 'Analyst',
    active: true,
    version: 1n,
  };

  it("maps directory fields onto the app's fields and never onto the app-owned ones", () => {
    const fields = mapping.fields(write);
    expect(fields).toEqual({ email: 'ada@acme.test', name: 'Ada Lovelace', department: null, jobTitle: 'Analyst' });
    expect(Object.keys(fields)).not.toContain('plan');
    expect(Object.keys(fields)).not.toContain('createdAt');
  });

  it("names fields that exist in the app's schema", () => {
    const paths = Object.keys(UserModel.schema.paths);
    for (const field of [mapping.organizationId, mapping.userId, mapping.active, mapping.roles]) {
      expect(paths).toContain(field);
    }
    for (const field of Object.keys(mapping.fields(write))) expect(paths).toContain(field);
  });

  it('declares the unique, partial key the adapter upserts by', () => {
    expect(UserModel.schema.indexes()).toContainEqual([
      { scimOrganizationId: 1, scimUserId: 1 },
      expect.objectContaining({ unique: true, partialFilterExpression: { scimUserId: { $type: 'string' } } }),
    ]);
  });
});
