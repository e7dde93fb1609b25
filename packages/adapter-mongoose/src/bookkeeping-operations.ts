import type { DirectoryGroupRef, EntityKind, EntityState, InboxRecord, SyncState } from '@scim/core';
import type {
  DirectoryWrite,
  EntityAdvance,
  EventQuery,
  GroupWrite,
  InboxUpdate,
  LeaseRequest,
} from '@scim/core/adapter';
import type { DirectoryDoc, EntityDoc, EventDoc, GroupDoc, LeaseDoc, MembershipDoc } from './documents.js';

/**
 * Pure builders of the bookkeeping writes. They hold the rules (which condition guards which
 * write), so that they can be checked without a server; the store only sends them.
 */

type Filter = Record<string, unknown>;

export interface UpdateOneOperation<T> {
  updateOne: {
    filter: Filter;
    update: { $set?: Partial<T>; $setOnInsert?: Partial<T> };
    upsert?: boolean;
  };
}

export interface DeleteManyOperation {
  deleteMany: { filter: Filter };
}

export function eventDocument(record: InboxRecord): EventDoc {
  return {
    _id: record.id,
    organizationId: record.organizationId,
    type: record.type,
    occurredAt: record.occurredAt,
    receivedAt: record.receivedAt,
    status: record.status,
    reason: record.reason,
    payload: record.payload,
  };
}

/** The claim: insert when absent, touch nothing when present (no error, so it is safe in a transaction). */
export function claimUpdate(record: InboxRecord): {
  filter: { _id: string };
  update: { $setOnInsert: Omit<EventDoc, '_id'> };
} {
  const { _id, ...rest } = eventDocument(record);
  return { filter: { _id }, update: { $setOnInsert: rest } };
}

/** The filter and order of one page of the inbox, newest first (`receivedAt`, then the event id). */
export function eventPage(query: EventQuery): { filter: Filter; sort: Record<string, 1 | -1> } {
  const filter: Filter = {};
  if (query.organizationId !== undefined) filter.organizationId = query.organizationId;
  if (query.status !== undefined) filter.status = query.status;
  if (query.before !== undefined) {
    const { receivedAt, id } = query.before;
    filter.$or = [{ receivedAt: { $lt: receivedAt } }, { receivedAt, _id: { $lt: id } }];
  }
  return { filter, sort: { receivedAt: -1, _id: -1 } };
}

/** What finishing sets on one event: its status, and its reason and payload when an entry gives them. */
export type EventFinish = Pick<EventDoc, 'status'> & Partial<Pick<EventDoc, 'reason' | 'payload'>>;

/**
 * The updates of `finishEvents`: the entries of an id applied in order (its last status, the last reason
 * and payload given), then the ids grouped by what they set, one `updateMany` per group.
 */
export function finishUpdates(entries: readonly InboxUpdate[]): { ids: string[]; set: EventFinish }[] {
  const byId = new Map<string, EventFinish>();
  for (const { id, status, reason, payload } of entries) {
    const set: EventFinish = { ...byId.get(id), status };
    if (reason !== undefined) set.reason = reason;
    if (payload !== undefined) set.payload = payload;
    byId.set(id, set);
  }
  const groups = new Map<string, { ids: string[]; set: EventFinish }>();
  for (const [id, set] of byId) {
    // The keys given, not only their values: a reason set to null is not a reason left as it is.
    const key = JSON.stringify(Object.entries(set));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { ids: [id], set });
    else group.ids.push(id);
  }
  return [...groups.values()];
}

export function entityKey(organizationId: string, kind: EntityKind, id: string): Filter {
  return { organizationId, kind, id };
}

function entitySet(item: EntityAdvance, now: Date): Omit<EntityDoc, 'organizationId' | 'kind' | 'id'> {
  return {
    version: item.version,
    deleted: item.deleted,
    active: item.active,
    fingerprint: item.fingerprint,
    directoryRoles: item.directoryRoles === null ? null : [...item.directoryRoles],
    eventId: item.eventId,
    updatedAt: now,
  };
}

/**
 * The version condition, in the database: a newer version, or the same version written by the same
 * non-null event (the retry of an interrupted event).
 */
export function newerCondition(item: EntityAdvance): Filter {
  const clauses: Filter[] = [{ version: { $lt: item.version } }];
  if (item.eventId !== null) clauses.push({ version: item.version, eventId: item.eventId });
  return { $or: clauses };
}

/**
 * The conditional upsert of one version record (no transaction). When a record exists and the
 * condition fails, the upsert tries to insert a second record with the same key and the unique
 * index refuses it with E11000: that refusal is the "not written" answer.
 */
export function conditionalAdvance(
  organizationId: string,
  kind: EntityKind,
  item: EntityAdvance,
  now: Date,
): UpdateOneOperation<EntityDoc> {
  return {
    updateOne: {
      filter: { ...entityKey(organizationId, kind, item.id), ...newerCondition(item) },
      update: { $set: entitySet(item, now) },
      upsert: true,
    },
  };
}

/**
 * The compare-and-set of one version record (no transaction), an item with `expected`. No record
 * expected: an insert-only upsert, written if it inserted (an existing record, or a concurrent insert's
 * E11000, is a refusal). A version expected: an update whose filter names that version and the version
 * rule, never an upsert, written if it matched. Either is one atomic single-document write.
 */
export function expectedAdvance(
  organizationId: string,
  kind: EntityKind,
  item: EntityAdvance & { expected: bigint | null },
  now: Date,
): { filter: Filter; update: Record<string, unknown>; upsert: boolean } {
  const key = entityKey(organizationId, kind, item.id);
  if (item.expected === null) return { filter: key, update: { $setOnInsert: entitySet(item, now) }, upsert: true };
  return {
    filter: { ...key, $and: [{ version: item.expected }, newerCondition(item)] },
    update: { $set: entitySet(item, now) },
    upsert: false,
  };
}

/** The same rule as `newerCondition`, for a record already read inside a transaction. */
export function isNewer(stored: Pick<EntityState, 'version' | 'eventId'> | undefined, item: EntityAdvance): boolean {
  return (
    stored === undefined ||
    stored.version < item.version ||
    (stored.version === item.version && item.eventId !== null && stored.eventId === item.eventId)
  );
}

/**
 * Inside a transaction: decide from the records read in the same snapshot (a concurrent writer of
 * the same record makes the transaction fail with a write conflict), then upsert the winners by
 * key. Items are taken in order, so a later item of the same id sees the earlier one; an `expected`
 * version is compared with the record so read.
 */
export function plannedAdvances(
  organizationId: string,
  kind: EntityKind,
  stored: ReadonlyMap<string, Pick<EntityState, 'version' | 'eventId'>>,
  items: readonly EntityAdvance[],
  now: Date,
): { written: string[]; operations: UpdateOneOperation<EntityDoc>[] } {
  const current = new Map(stored);
  const written: string[] = [];
  const operations: UpdateOneOperation<EntityDoc>[] = [];
  for (const item of items) {
    const record = current.get(item.id);
    if (!isNewer(record, item)) continue;
    // The compare-and-set: the record as this snapshot (and the earlier items) left it.
    if (item.expected !== undefined && (record?.version ?? null) !== item.expected) continue;
    current.set(item.id, { version: item.version, eventId: item.eventId });
    written.push(item.id);
    operations.push({
      updateOne: {
        filter: entityKey(organizationId, kind, item.id),
        update: { $set: entitySet(item, now) },
        upsert: true,
      },
    });
  }
  return { written, operations };
}

/** Splits given values into `$set` and the nulls a new record starts with (`undefined` keeps a field). */
function setOrDefault<T>(
  values: Partial<Record<keyof T, unknown>>,
  keys: readonly (keyof T)[],
): {
  $set: Partial<T>;
  $setOnInsert: Partial<T>;
} {
  const $set: Record<string, unknown> = {};
  const $setOnInsert: Record<string, unknown> = {};
  for (const key of keys) {
    const value = values[key];
    if (value === undefined) $setOnInsert[key as string] = null;
    else $set[key as string] = value;
  }
  return { $set: $set as Partial<T>, $setOnInsert: $setOnInsert as Partial<T> };
}

/** Drops an empty operator: servers before 5.0 refuse `$set: {}`. */
function compact<T>(update: {
  $set: Partial<T>;
  $setOnInsert: Partial<T>;
}): UpdateOneOperation<T>['updateOne']['update'] {
  const out: UpdateOneOperation<T>['updateOne']['update'] = {};
  if (Object.keys(update.$set).length > 0) out.$set = update.$set;
  if (Object.keys(update.$setOnInsert).length > 0) out.$setOnInsert = update.$setOnInsert;
  return out;
}

const GROUP_FIELDS = ['directoryId', 'displayName', 'externalId'] as const;

export function groupUpserts(organizationId: string, groups: readonly GroupWrite[]): UpdateOneOperation<GroupDoc>[] {
  return groups.map((group) => ({
    updateOne: {
      filter: { organizationId, id: group.id },
      update: compact(setOrDefault<GroupDoc>(group, GROUP_FIELDS)),
      upsert: true,
    },
  }));
}

/** Stub groups: inserted when missing, never changed when present; the first ref of an id wins. */
export function groupInserts(
  organizationId: string,
  groups: readonly DirectoryGroupRef[],
): UpdateOneOperation<GroupDoc>[] {
  const seen = new Set<string>();
  const operations: UpdateOneOperation<GroupDoc>[] = [];
  for (const group of groups) {
    if (seen.has(group.id)) continue;
    seen.add(group.id);
    operations.push({
      updateOne: {
        filter: { organizationId, id: group.id },
        update: { $setOnInsert: { directoryId: null, displayName: group.displayName ?? null, externalId: null } },
        upsert: true,
      },
    });
  }
  return operations;
}

export function directoryUpsert(organizationId: string, directory: DirectoryWrite): UpdateOneOperation<DirectoryDoc> {
  const { $set, $setOnInsert } = setOrDefault<DirectoryDoc>(directory, ['provider', 'directoryType', 'status']);
  return {
    updateOne: {
      filter: { organizationId, id: directory.id },
      update: compact({ $set: { ...$set, enabled: directory.enabled }, $setOnInsert }),
      upsert: true,
    },
  };
}

/** The whole sync state, keyed by (organizationId, directoryId); `$set` rather than a replacement keeps `_id`. */
export function syncStateUpsert(state: SyncState): UpdateOneOperation<SyncState> {
  const { organizationId, directoryId, ...rest } = state;
  return { updateOne: { filter: { organizationId, directoryId }, update: { $set: rest }, upsert: true } };
}

/**
 * Memberships made exactly the given groups: for each user, one delete of the groups no longer
 * listed, then one insert-if-absent per listed group. All deletes come first so that an ordered
 * bulk write sends two batches, whatever the number of users. A user named twice keeps its last entry.
 */
export function membershipReplacement(
  organizationId: string,
  entries: readonly { userId: string; groupIds: readonly string[] }[],
): (DeleteManyOperation | UpdateOneOperation<MembershipDoc>)[] {
  const byUser = new Map<string, string[]>();
  for (const { userId, groupIds } of entries) byUser.set(userId, [...new Set(groupIds)]);
  const deletes: DeleteManyOperation[] = [];
  const inserts: UpdateOneOperation<MembershipDoc>[] = [];
  for (const [userId, groupIds] of byUser) {
    deletes.push({ deleteMany: { filter: { organizationId, userId, groupId: { $nin: groupIds } } } });
    for (const groupId of groupIds) {
      inserts.push({
        updateOne: {
          filter: { organizationId, userId, groupId },
          update: { $setOnInsert: { organizationId, userId, groupId } },
          upsert: true,
        },
      });
    }
  }
  return [...deletes, ...inserts];
}

/** Who may take the lease: nobody holds it, it ran out, or the same owner renews it. */
export function leaseAvailable(held: Pick<LeaseDoc, 'owner' | 'expiresAt'> | null, request: LeaseRequest): boolean {
  return held === null || held.owner === request.owner || held.expiresAt.getTime() <= request.now.getTime();
}

/**
 * The lease as one conditional upsert (no transaction): the filter only matches a lease the request
 * may take; a lease held by someone else makes the upsert collide with it on `_id` (E11000), which
 * means "refused".
 */
export function leaseAcquire(request: LeaseRequest): UpdateOneOperation<LeaseDoc> {
  return {
    updateOne: {
      filter: { _id: request.name, $or: [{ owner: request.owner }, { expiresAt: { $lte: request.now } }] },
      update: { $set: { owner: request.owner, expiresAt: new Date(request.now.getTime() + request.ttlMs) } },
      upsert: true,
    },
  };
}
