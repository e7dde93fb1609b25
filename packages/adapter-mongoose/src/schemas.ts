import { Schema } from 'mongoose';
import type {
  DirectoryDoc,
  EntityDoc,
  EventDoc,
  GroupDoc,
  LeaseDoc,
  LinkDoc,
  MembershipDoc,
  SyncStateDoc,
} from './documents.js';

/**
 * The bookkeeping schemas. Indexes are built by the adapter (`ready()`), not by Mongoose's
 * autoIndex, so that an app which turns autoIndex off in production still gets the unique keys
 * the inbox claim, the version gate and the leases rely on.
 */
const options = { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' } as const;

const nullableString = { type: String } as const;
/** An array that stays null when not given (Mongoose would otherwise default arrays to []). */
const nullableStrings = { type: [String], default: undefined } as const;

export const eventSchema: Schema<EventDoc> = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    type: { type: String, required: true },
    occurredAt: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    status: { type: String, required: true },
    reason: nullableString,
    payload: nullableString,
  },
  { ...options, collection: 'scim_events' },
);
eventSchema.index({ receivedAt: 1 });

export const entitySchema: Schema<EntityDoc> = new Schema<EntityDoc>(
  {
    organizationId: { type: String, required: true },
    kind: { type: String, required: true, enum: ['user', 'group', 'directory'] },
    id: { type: String, required: true },
    version: { type: Schema.Types.BigInt, required: true },
    deleted: { type: Boolean, required: true },
    active: { type: Boolean, required: true },
    fingerprint: nullableString,
    directoryRoles: nullableStrings,
    eventId: nullableString,
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: 'scim_entities' },
);
entitySchema.index({ organizationId: 1, kind: 1, id: 1 }, { unique: true });

export const groupSchema: Schema<GroupDoc> = new Schema<GroupDoc>(
  {
    organizationId: { type: String, required: true },
    id: { type: String, required: true },
    directoryId: nullableString,
    displayName: nullableString,
    externalId: nullableString,
  },
  { ...options, collection: 'scim_groups' },
);
groupSchema.index({ organizationId: 1, id: 1 }, { unique: true });

export const membershipSchema: Schema<MembershipDoc> = new Schema<MembershipDoc>(
  {
    organizationId: { type: String, required: true },
    userId: { type: String, required: true },
    groupId: { type: String, required: true },
  },
  { ...options, collection: 'scim_memberships' },
);
membershipSchema.index({ organizationId: 1, userId: 1, groupId: 1 }, { unique: true });
membershipSchema.index({ organizationId: 1, groupId: 1, userId: 1 });

export const directorySchema: Schema<DirectoryDoc> = new Schema<DirectoryDoc>(
  {
    organizationId: { type: String, required: true },
    id: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    provider: nullableString,
    directoryType: nullableString,
    status: nullableString,
  },
  { ...options, collection: 'scim_directories' },
);
directorySchema.index({ organizationId: 1, id: 1 }, { unique: true });

export const syncStateSchema: Schema<SyncStateDoc> = new Schema<SyncStateDoc>(
  {
    organizationId: { type: String, required: true },
    directoryId: { type: String, required: true },
    status: { type: String, required: true, enum: ['idle', 'running', 'succeeded', 'failed'] },
    watermark: { type: Date },
    checkpoint: nullableString,
    lastStartedAt: { type: Date },
    lastFinishedAt: { type: Date },
    lastError: nullableString,
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: 'scim_sync_states' },
);
syncStateSchema.index({ organizationId: 1, directoryId: 1 }, { unique: true });

export const leaseSchema: Schema<LeaseDoc> = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...options, collection: 'scim_leases' },
);

/**
 * Identity links (service mode). Ids are plain strings, compared byte by byte as everywhere else (no
 * collation): `usr_a` and `usr_A` are two directory users.
 */
export const linkSchema: Schema<LinkDoc> = new Schema<LinkDoc>(
  {
    organizationId: { type: String, required: true },
    directoryUserId: { type: String, required: true },
    appUserId: { type: String, required: true },
  },
  { ...options, collection: 'scim_links' },
);
linkSchema.index({ organizationId: 1, directoryUserId: 1 }, { unique: true });
linkSchema.index({ organizationId: 1, appUserId: 1 });

/** Every bookkeeping schema by the model name the adapter registers it under. */
export const scimSchemas = {
  ScimEvent: eventSchema,
  ScimEntity: entitySchema,
  ScimGroup: groupSchema,
  ScimMembership: membershipSchema,
  ScimDirectory: directorySchema,
  ScimSyncState: syncStateSchema,
  ScimLease: leaseSchema,
  ScimLink: linkSchema,
} as const;
