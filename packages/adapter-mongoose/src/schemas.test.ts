import mongoose from 'mongoose';
import { describe, expect, test } from 'vitest';
import { scimModels } from './models.js';
import {
  directorySchema,
  entitySchema,
  eventSchema,
  groupSchema,
  leaseSchema,
  linkSchema,
  membershipSchema,
  scimSchemas,
  syncStateSchema,
} from './schemas.js';

type IndexList = ReturnType<typeof entitySchema.indexes>;

function uniqueKeys(indexes: IndexList): Record<string, unknown>[] {
  return indexes.filter(([, options]) => options?.unique === true).map(([fields]) => fields);
}

describe('bookkeeping schemas', () => {
  test('the inbox is keyed by the event id (_id, a string) and indexed by receivedAt for pruning', () => {
    expect(eventSchema.path('_id').instance).toBe('String');
    expect(eventSchema.path('receivedAt').instance).toBe('Date');
    expect(eventSchema.path('occurredAt').instance).toBe('String');
    expect(eventSchema.indexes().map(([fields]) => fields)).toContainEqual({ receivedAt: 1 });
  });

  test('version records: one per (organizationId, kind, id), version as a 64-bit integer', () => {
    expect(uniqueKeys(entitySchema.indexes())).toEqual([{ organizationId: 1, kind: 1, id: 1 }]);
    // Key order matters: organization first, and id last so that listEntities pages by the index.
    expect(Object.keys(uniqueKeys(entitySchema.indexes())[0]!)).toEqual(['organizationId', 'kind', 'id']);
    expect(entitySchema.path('version').instance).toBe('BigInt');
    expect(entitySchema.path('kind').options.enum).toEqual(['user', 'group', 'directory']);
    expect(entitySchema.path('directoryRoles').instance).toBe('Array');
    expect(entitySchema.path('directoryRoles').options.default).toBeUndefined();
  });

  test('groups, memberships, directories and sync states are unique per organization', () => {
    expect(uniqueKeys(groupSchema.indexes())).toEqual([{ organizationId: 1, id: 1 }]);
    expect(uniqueKeys(membershipSchema.indexes())).toEqual([{ organizationId: 1, userId: 1, groupId: 1 }]);
    expect(membershipSchema.indexes().map(([fields]) => fields)).toContainEqual({
      organizationId: 1,
      groupId: 1,
      userId: 1,
    });
    expect(uniqueKeys(directorySchema.indexes())).toEqual([{ organizationId: 1, id: 1 }]);
    expect(uniqueKeys(syncStateSchema.indexes())).toEqual([{ organizationId: 1, directoryId: 1 }]);
  });

  test('identity links: one per (organizationId, directoryUserId), found also by the app user, ids without collation', () => {
    expect(uniqueKeys(linkSchema.indexes())).toEqual([{ organizationId: 1, directoryUserId: 1 }]);
    expect(linkSchema.indexes().map(([fields]) => fields)).toContainEqual({ organizationId: 1, appUserId: 1 });
    expect(linkSchema.indexes().every(([, options]) => options?.collation === undefined)).toBe(true);
    expect(linkSchema.path('appUserId').instance).toBe('String');
    expect(eventSchema.path('reason').instance).toBe('String');
  });

  test('leases are keyed by name (_id) and carry no TTL index: expiry is decided by the caller clock', () => {
    expect(leaseSchema.path('_id').instance).toBe('String');
    expect(leaseSchema.path('expiresAt').instance).toBe('Date');
    expect(leaseSchema.indexes()).toEqual([]);
  });

  test('every collection is scim_-prefixed, without a version key, and refuses unknown fields', () => {
    const collections = Object.values(scimSchemas).map((schema) => schema.get('collection'));
    expect(collections).toEqual([
      'scim_events',
      'scim_entities',
      'scim_groups',
      'scim_memberships',
      'scim_directories',
      'scim_sync_states',
      'scim_leases',
      'scim_links',
    ]);
    for (const schema of Object.values(scimSchemas)) {
      expect(schema.get('versionKey')).toBe(false);
      expect(schema.get('strict')).toBe('throw');
      // Built by the adapter, so that an app running with autoIndex off still gets them.
      expect(schema.get('autoIndex')).toBe(false);
    }
  });

  test('a bigint version casts exactly, beyond 2^53', () => {
    const connection = mongoose.createConnection();
    const { entities } = scimModels(connection);
    const version = 1_750_000_000_123_456_789n;
    const doc = new entities({
      organizationId: 'org_1',
      kind: 'user',
      id: 'diruser_1',
      version,
      deleted: false,
      active: true,
      updatedAt: new Date(),
    });
    expect(doc.validateSync()).toBeUndefined();
    expect(doc.version).toBe(version);
    expect(doc.directoryRoles).toBeUndefined();
    expect(new entities({ organizationId: 'o', kind: 'tenant', id: 'x' }).validateSync()?.errors.kind).toBeDefined();
  });
});

describe('scimModels', () => {
  test('registers the models once per connection, on that connection', () => {
    const connection = mongoose.createConnection();
    const first = scimModels(connection);
    const second = scimModels(connection);
    expect(second.entities).toBe(first.entities);
    expect(first.entities.db).toBe(connection);
    expect(first.events.collection.collectionName).toBe('scim_events');
    expect(first.leases.collection.collectionName).toBe('scim_leases');
    expect(first.links.collection.collectionName).toBe('scim_links');

    const other = scimModels(mongoose.createConnection());
    expect(other.entities).not.toBe(first.entities);
  });
});
