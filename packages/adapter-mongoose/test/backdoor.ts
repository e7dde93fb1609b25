import type { ConformanceBackdoor } from '@scim/adapter-test-suite';
import type { EntityKind, EntityState, InboxStatus, SyncState } from '@scim/core';
import { type Db, type Document, ObjectId } from 'mongodb';

/**
 * The conformance backdoor with the table-mode linking readers, which this package's test app has (its
 * key fields are optional).
 */
export type LinkingBackdoor = ConformanceBackdoor &
  Required<Pick<ConformanceBackdoor, 'insertUnlinkedUser' | 'readUnlinkedUser'>>;

/** The stored int64 as the raw driver returns it with `useBigInt64`. */
function version(value: unknown): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`version stored as ${typeof value}, not as an int64`);
  return value;
}

const nullable = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * Reads the real collections with the raw `mongodb` driver on its own client: never through the
 * adapter, nor through Mongoose. Versions are read with `useBigInt64`, so a version stored as a
 * double (not an int64) fails the suite instead of passing rounded.
 */
export function mongoBackdoor(db: Db): LinkingBackdoor {
  const read = { useBigInt64: true } as const;
  return {
    async readUser(organizationId, userId) {
      const doc = await db
        .collection('app_users')
        .findOne({ scimOrganizationId: organizationId, scimUserId: userId }, read);
      if (doc === null) return null;
      return {
        id: doc.scimUserId as string,
        organizationId: doc.scimOrganizationId as string,
        email: nullable(doc.email as string | null | undefined),
        givenName: nullable(doc.givenName as string | null | undefined),
        familyName: nullable(doc.familyName as string | null | undefined),
        displayName: nullable(doc.displayName as string | null | undefined),
        username: nullable(doc.username as string | null | undefined),
        active: doc.isActive as boolean,
        roles: doc.roles as string[],
      };
    },
    async readEntity(organizationId, kind: EntityKind, id): Promise<EntityState | null> {
      const doc = await db.collection('scim_entities').findOne({ organizationId, kind, id }, read);
      if (doc === null) return null;
      return {
        organizationId: doc.organizationId,
        kind: doc.kind,
        id: doc.id,
        version: version(doc.version),
        deleted: doc.deleted,
        active: doc.active,
        fingerprint: nullable(doc.fingerprint),
        directoryRoles: nullable(doc.directoryRoles),
        eventId: nullable(doc.eventId),
        updatedAt: doc.updatedAt,
      };
    },
    async readInbox(eventId) {
      const doc = await db.collection<Document & { _id: string }>('scim_events').findOne({ _id: eventId }, read);
      if (doc === null) return null;
      return {
        id: doc._id,
        organizationId: doc.organizationId,
        type: doc.type,
        occurredAt: doc.occurredAt,
        receivedAt: doc.receivedAt,
        status: doc.status as InboxStatus,
        reason: nullable(doc.reason),
        payload: nullable(doc.payload),
      };
    },
    async readGroup(organizationId, groupId) {
      const doc = await db.collection('scim_groups').findOne({ organizationId, id: groupId });
      if (doc === null) return null;
      return {
        organizationId: doc.organizationId,
        id: doc.id,
        directoryId: nullable(doc.directoryId),
        displayName: nullable(doc.displayName),
        externalId: nullable(doc.externalId),
      };
    },
    async readMemberships(organizationId, { userId, groupId }) {
      const filter: Document = { organizationId };
      if (userId !== undefined) filter.userId = userId;
      if (groupId !== undefined) filter.groupId = groupId;
      const docs = await db.collection('scim_memberships').find(filter).toArray();
      return docs.map((doc) => ({ userId: doc.userId as string, groupId: doc.groupId as string }));
    },
    async readDirectory(organizationId, directoryId) {
      const doc = await db.collection('scim_directories').findOne({ organizationId, id: directoryId });
      if (doc === null) return null;
      return {
        organizationId: doc.organizationId,
        id: doc.id,
        enabled: doc.enabled,
        provider: nullable(doc.provider),
        directoryType: nullable(doc.directoryType),
        status: nullable(doc.status),
      };
    },
    async readSyncState(organizationId, directoryId): Promise<SyncState | null> {
      const doc = await db.collection('scim_sync_states').findOne({ organizationId, directoryId });
      if (doc === null) return null;
      return {
        organizationId: doc.organizationId,
        directoryId: doc.directoryId,
        status: doc.status,
        watermark: nullable(doc.watermark),
        checkpoint: nullable(doc.checkpoint),
        lastStartedAt: nullable(doc.lastStartedAt),
        lastFinishedAt: nullable(doc.lastFinishedAt),
        lastError: nullable(doc.lastError),
        updatedAt: doc.updatedAt,
      };
    },
    async readLink(organizationId, directoryUserId) {
      const doc = await db.collection('scim_links').findOne({ organizationId, directoryUserId });
      return doc === null ? null : { directoryUserId: doc.directoryUserId, appUserId: doc.appUserId };
    },
    async insertUnlinkedUser({ email, displayName }) {
      const { insertedId } = await db
        .collection('app_users')
        .insertOne({ email, displayName: displayName ?? null, isActive: true, roles: [], plan: 'free' });
      return insertedId.toHexString();
    },
    async readUnlinkedUser(rowId) {
      const doc = await db.collection('app_users').findOne({ _id: new ObjectId(rowId) });
      if (doc === null) return null;
      return {
        organizationId: nullable(doc.scimOrganizationId as string | null | undefined),
        userId: nullable(doc.scimUserId as string | null | undefined),
        email: nullable(doc.email as string | null | undefined),
        active: doc.isActive as boolean,
        displayName: nullable(doc.displayName as string | null | undefined),
      };
    },
  };
}
