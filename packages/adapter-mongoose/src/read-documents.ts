import type { EntityState, InboxRecord, StoredGroup, SyncState } from '@scim/core';
import type { StoredDirectory } from '@scim/core/adapter';
import type { DirectoryDoc, EntityDoc, EventDoc, GroupDoc, SyncStateDoc } from './documents.js';

/**
 * A stored int64 as a bigint. The driver hands an int64 back as a number when it fits in 53 bits,
 * as a `Long` when it does not (unless `useBigInt64` is on, then as a bigint): every form is exact.
 */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'object' && value !== null && 'toBigInt' in value && typeof value.toBigInt === 'function') {
    return (value.toBigInt as () => bigint).call(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`not an exact integer version: ${String(value)}`);
}

const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

/** Raw documents come back without the `_id` projection stripped; keep only the contract's fields. */
export function toInboxRecord(doc: EventDoc): InboxRecord {
  return {
    id: doc._id,
    organizationId: doc.organizationId,
    type: doc.type,
    occurredAt: doc.occurredAt,
    receivedAt: doc.receivedAt,
    status: doc.status,
    reason: orNull(doc.reason),
    payload: orNull(doc.payload),
  };
}

export function toEntityState(doc: EntityDoc): EntityState {
  return {
    organizationId: doc.organizationId,
    kind: doc.kind,
    id: doc.id,
    version: toBigInt(doc.version),
    deleted: doc.deleted,
    active: doc.active,
    fingerprint: orNull(doc.fingerprint),
    directoryRoles: doc.directoryRoles == null ? null : [...doc.directoryRoles],
    eventId: orNull(doc.eventId),
    updatedAt: doc.updatedAt,
  };
}

export function toStoredGroup(doc: GroupDoc): StoredGroup {
  return {
    organizationId: doc.organizationId,
    id: doc.id,
    directoryId: orNull(doc.directoryId),
    displayName: orNull(doc.displayName),
    externalId: orNull(doc.externalId),
  };
}

export function toStoredDirectory(doc: DirectoryDoc): StoredDirectory {
  return {
    organizationId: doc.organizationId,
    id: doc.id,
    enabled: doc.enabled,
    provider: orNull(doc.provider),
    directoryType: orNull(doc.directoryType),
    status: orNull(doc.status),
  };
}

export function toSyncState(doc: SyncStateDoc): SyncState {
  return {
    organizationId: doc.organizationId,
    directoryId: doc.directoryId,
    status: doc.status,
    watermark: orNull(doc.watermark),
    checkpoint: orNull(doc.checkpoint),
    lastStartedAt: orNull(doc.lastStartedAt),
    lastFinishedAt: orNull(doc.lastFinishedAt),
    lastError: orNull(doc.lastError),
    updatedAt: doc.updatedAt,
  };
}
