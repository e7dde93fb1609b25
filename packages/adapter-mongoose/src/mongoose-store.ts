import {
  type DirectoryGroupRef,
  type EntityKind,
  type EntityState,
  type InboxRecord,
  ScimError,
  type StoredGroup,
  type SyncState,
  type UserWrite,
} from '@scim/core';
import {
  AdapterError,
  type DirectoryWrite,
  type EntityAdvance,
  type EventQuery,
  type GroupWrite,
  type HeldLease,
  type IdentityLink,
  type InboxUpdate,
  type LeaseRequest,
  type ListPage,
  type Membership,
  type ScimStore,
  type StoredDirectory,
  type UserPatch,
} from '@scim/core/adapter';
import type { ClientSession, Model } from 'mongoose';
import {
  claimUpdate,
  conditionalAdvance,
  directoryUpsert,
  eventPage,
  expectedAdvance,
  finishUpdates,
  groupInserts,
  groupUpserts,
  leaseAcquire,
  leaseAvailable,
  membershipReplacement,
  plannedAdvances,
  syncStateUpsert,
} from './bookkeeping-operations.js';
import type { EntityDoc, EventDoc, GroupDoc, LeaseDoc, MembershipDoc, SyncStateDoc } from './documents.js';
import { duplicateKeyIndexes, isDuplicateKeyError, isTransientConflict, translateMongoError } from './errors.js';
import { IdentityLinks } from './identity-links.js';
import type { EmailLink } from './link-operations.js';
import type { ScimModels } from './models.js';
import type { MongooseUserMapping } from './options.js';
import {
  toBigInt,
  toEntityState,
  toInboxRecord,
  toStoredDirectory,
  toStoredGroup,
  toSyncState,
} from './read-documents.js';
import { rounds } from './rounds.js';

/** An item with a compare-and-set. */
type CasItem = EntityAdvance & { expected: bigint | null };

import { userPatchOperations, usersFilter, userUpsertOperations } from './user-operations.js';

/** What every store view of one adapter shares. */
export interface StoreContext<TUser> {
  models: ScimModels;
  /** The table mapping; null in service mode. */
  users: MongooseUserMapping<TUser> | null;
  /** Resolves once the connection is open and the indexes exist. */
  ready(): Promise<void>;
}

/** `bulkWrite` of any model, with operations typed by the builders rather than by Mongoose's generics. */
type BulkOperations<T> = Parameters<Model<T>['bulkWrite']>[0];

/**
 * One view of the store: outside a transaction (`session` null) every write is a single-document
 * conditional write or an idempotent upsert; inside one, every operation carries the session and
 * nothing relies on catching E11000, which aborts a MongoDB transaction.
 */
export class MongooseStore<TUser> implements ScimStore {
  private readonly links: IdentityLinks<TUser>;

  constructor(
    private readonly ctx: StoreContext<TUser>,
    private readonly session: ClientSession | null,
  ) {
    this.links = new IdentityLinks(this, ctx.models);
  }

  /** The session option of every operation (none outside a transaction). */
  get options(): { session?: ClientSession } {
    return this.session === null ? {} : { session: this.session };
  }

  /** The table mapping; a CONFIGURATION_ERROR in service mode. */
  private get users(): MongooseUserMapping<TUser> {
    if (this.ctx.users === null) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        "mongooseAdapter was created without a users mapping (service mode): give the engine the app's user functions (users: { create, update, deactivate }), or the adapter a mapping (users: { model, ... })",
      );
    }
    return this.ctx.users;
  }

  /**
   * Runs one store operation with its errors translated. Inside a transaction, every bookkeeping
   * write is an upsert by a key read in the same snapshot, so an E11000 there means another
   * transaction inserted that key meanwhile: a conflict to retry, not a unique violation. On the
   * app's own model (`appModel`), a duplicate key stays a UNIQUE_VIOLATION (e.g. a unique email).
   */
  async run<T>(operation: () => Promise<T>, appModel = false): Promise<T> {
    await this.ctx.ready();
    try {
      return await operation();
    } catch (error) {
      if (this.session !== null && !appModel && !isTransientConflict(error) && isDuplicateKeyError(error)) {
        throw new AdapterError('TRANSACTION_CONFLICT', 'A concurrent transaction inserted the same key', {
          cause: error,
        });
      }
      throw translateMongoError(error);
    }
  }

  /**
   * A bulk write whose operations are idempotent upserts. Outside a transaction, two writers can
   * both try to insert the same key; the loser's E11000 is answered by running it once more, when
   * the record exists and the upsert becomes an update.
   */
  async idempotentBulk<T>(model: Model<T>, operations: readonly unknown[], ordered: boolean): Promise<void> {
    if (operations.length === 0) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await model.bulkWrite([...operations] as BulkOperations<T>, {
          ordered,
          throwOnValidationError: true,
          ...this.options,
        });
        return;
      } catch (error) {
        if (this.session === null && attempt === 0 && isDuplicateKeyError(error)) continue;
        throw error;
      }
    }
  }

  /** An unordered bulk write that resolves the positions refused with E11000 (and only those). */
  private async bulkRefusals<T>(model: Model<T>, operations: readonly unknown[]): Promise<Set<number>> {
    if (operations.length === 0) return new Set();
    try {
      await model.bulkWrite([...operations] as BulkOperations<T>, { ordered: false, throwOnValidationError: true });
      return new Set();
    } catch (error) {
      const refused = duplicateKeyIndexes(error);
      if (refused === null) throw error;
      return refused;
    }
  }

  /**
   * One insert-only upsert per record, in order: each answers for itself whether it inserted (a
   * multi-document write would leave that to the shape of a driver error outside a transaction).
   */
  claimEvents(records: readonly InboxRecord[]): Promise<string[]> {
    return this.run(async () => {
      const claimed: string[] = [];
      const seen = new Set<string>();
      for (const record of records) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
        if (await this.claimOne(record)) claimed.push(record.id);
      }
      return claimed;
    });
  }

  private async claimOne(record: InboxRecord): Promise<boolean> {
    const { filter, update } = claimUpdate(record);
    try {
      const result = await this.ctx.models.events.updateOne(filter, update, { upsert: true, ...this.options });
      return result.upsertedCount === 1;
    } catch (error) {
      // Two claims racing outside a transaction: the server normally retries the loser's upsert
      // itself; an E11000 that still gets through means the other one inserted first.
      if (this.session === null && isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** One update per set of values (a batch finishes with a few statuses; only replays carry reasons). */
  finishEvents(entries: readonly InboxUpdate[]): Promise<void> {
    return this.run(async () => {
      for (const { ids, set } of finishUpdates(entries)) {
        await this.ctx.models.events.updateMany({ _id: { $in: ids } }, { $set: set }, this.options);
      }
    });
  }

  listEvents(query: EventQuery): Promise<InboxRecord[]> {
    return this.run(async () => {
      const { filter, sort } = eventPage(query);
      const docs = await this.ctx.models.events
        .find(filter, null, this.options)
        .sort(sort)
        .limit(query.limit)
        .lean<EventDoc[]>();
      return docs.map(toInboxRecord);
    });
  }

  getEvent(id: string): Promise<InboxRecord | null> {
    return this.run(async () => {
      const doc = await this.ctx.models.events.findById(id, null, this.options).lean();
      return doc === null ? null : toInboxRecord(doc);
    });
  }

  pruneEvents(before: Date): Promise<number> {
    return this.run(async () => {
      const result = await this.ctx.models.events.deleteMany({ receivedAt: { $lt: before } }, this.options);
      return result.deletedCount;
    });
  }

  getEntities(organizationId: string, kind: EntityKind, ids: readonly string[]): Promise<EntityState[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.run(async () => {
      const docs = await this.ctx.models.entities
        .find({ organizationId, kind, id: { $in: [...ids] } }, null, this.options)
        .lean<EntityDoc[]>();
      return docs.map(toEntityState);
    });
  }

  advanceEntities(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): Promise<string[]> {
    if (items.length === 0) return Promise.resolve([]);
    // An id given twice: its items apply one after the other, which one unordered bulk write cannot do.
    const parts = rounds(items, (item) => item.id);
    if (parts.length > 1) {
      return (async () => {
        const written = new Set<string>();
        for (const part of parts)
          for (const id of await this.advanceEntities(organizationId, kind, part)) written.add(id);
        return [...written];
      })();
    }
    return this.run(() =>
      this.session === null
        ? this.advanceConditionally(organizationId, kind, items)
        : this.advanceInTransaction(organizationId, kind, items),
    );
  }

  /**
   * One conditional upsert per item, in one unordered bulk write. E11000 means the record exists
   * and is not older: not written. Except when the record did not exist yet and a concurrent writer
   * inserted it between our filter and our insert; so the refused items are tried once more, when
   * the record certainly exists (version records are never removed) and the answer is final.
   */
  private async advanceConditionally(
    organizationId: string,
    kind: EntityKind,
    items: readonly EntityAdvance[],
  ): Promise<string[]> {
    const now = new Date();
    const plain: EntityAdvance[] = [];
    const written: string[] = [];
    for (const item of items) {
      if (item.expected === undefined) plain.push(item);
      else if (await this.advanceExpected(organizationId, kind, item as CasItem, now)) written.push(item.id);
    }
    if (plain.length === 0) return written;
    return [...written, ...(await this.advancePlain(organizationId, kind, plain, now))];
  }

  /** One compare-and-set item (no transaction): its own single-document write, which answers for itself. */
  private async advanceExpected(organizationId: string, kind: EntityKind, item: CasItem, now: Date): Promise<boolean> {
    const { filter, update, upsert } = expectedAdvance(organizationId, kind, item, now);
    try {
      const result = await this.ctx.models.entities.updateOne(filter, update, { upsert });
      return upsert ? result.upsertedCount === 1 : result.matchedCount === 1;
    } catch (error) {
      // A concurrent insert of the same record won: there is a record, and none was expected.
      if (upsert && isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  private async advancePlain(
    organizationId: string,
    kind: EntityKind,
    items: readonly EntityAdvance[],
    now: Date,
  ): Promise<string[]> {
    const operations = items.map((item) => conditionalAdvance(organizationId, kind, item, now));
    const refused = await this.bulkRefusals(this.ctx.models.entities, operations);
    let final = refused;
    if (refused.size > 0) {
      const again = [...refused];
      const refusedAgain = await this.bulkRefusals(
        this.ctx.models.entities,
        again.map((i) => operations[i]),
      );
      final = new Set(again.filter((_, j) => refusedAgain.has(j)));
    }
    return items.filter((_, i) => !final.has(i)).map((item) => item.id);
  }

  private async advanceInTransaction(
    organizationId: string,
    kind: EntityKind,
    items: readonly EntityAdvance[],
  ): Promise<string[]> {
    const ids = [...new Set(items.map((item) => item.id))];
    const docs = await this.ctx.models.entities
      .find({ organizationId, kind, id: { $in: ids } }, { id: 1, version: 1, eventId: 1 }, this.options)
      .lean<EntityDoc[]>();
    const stored = new Map(
      docs.map((doc) => [doc.id, { version: toBigInt(doc.version), eventId: doc.eventId ?? null }]),
    );
    const { written, operations } = plannedAdvances(organizationId, kind, stored, items, new Date());
    await this.idempotentBulk(this.ctx.models.entities, operations, true);
    return written;
  }

  listEntities(organizationId: string, kind: EntityKind, page: ListPage): Promise<EntityState[]> {
    return this.run(async () => {
      const filter =
        page.after === undefined ? { organizationId, kind } : { organizationId, kind, id: { $gt: page.after } };
      const docs = await this.ctx.models.entities
        .find(filter, null, this.options)
        .sort({ id: 1 })
        .limit(page.limit)
        .lean<EntityDoc[]>();
      return docs.map(toEntityState);
    });
  }

  upsertUsers(organizationId: string, users: readonly UserWrite[]): Promise<void> {
    return this.run(
      () => this.idempotentBulk(this.users.model, userUpsertOperations(this.users, organizationId, users), true),
      true,
    );
  }

  patchUsers(organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    return this.run(
      () => this.idempotentBulk(this.users.model, userPatchOperations(this.users, organizationId, patches), true),
      true,
    );
  }

  deleteUsers(organizationId: string, ids: readonly string[]): Promise<void> {
    return this.run(async () => {
      if (ids.length === 0) return;
      await this.users.model.deleteMany(usersFilter(this.users, organizationId, ids), this.options);
    }, true);
  }

  linkUsersByEmail(organizationId: string, links: readonly EmailLink[]): Promise<string[]> {
    return this.run(() => this.links.linkUsersByEmail(this.users, organizationId, links), true);
  }

  getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]> {
    return this.links.getLinks(organizationId, directoryUserIds);
  }

  getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]> {
    return this.links.getLinksToAppUsers(organizationId, appUserIds);
  }

  saveLinks(organizationId: string, links: readonly IdentityLink[]): Promise<void> {
    return this.links.saveLinks(organizationId, links);
  }

  deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void> {
    return this.links.deleteLinks(organizationId, directoryUserIds);
  }

  /** Unordered, unless an id repeats: its writes then apply in the given order. */
  upsertGroups(organizationId: string, groups: readonly GroupWrite[]): Promise<void> {
    const ordered = new Set(groups.map((g) => g.id)).size < groups.length;
    return this.run(() => this.idempotentBulk(this.ctx.models.groups, groupUpserts(organizationId, groups), ordered));
  }

  ensureGroups(organizationId: string, groups: readonly DirectoryGroupRef[]): Promise<void> {
    return this.run(() => this.idempotentBulk(this.ctx.models.groups, groupInserts(organizationId, groups), false));
  }

  /** Memberships go first: without a transaction, a redelivery of the deletion finishes the job. */
  deleteGroups(organizationId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.run(async () => {
      await this.ctx.models.memberships.deleteMany({ organizationId, groupId: { $in: [...ids] } }, this.options);
      await this.ctx.models.groups.deleteMany({ organizationId, id: { $in: [...ids] } }, this.options);
    });
  }

  getGroups(organizationId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.run(async () => {
      const docs = await this.ctx.models.groups
        .find({ organizationId, id: { $in: [...ids] } }, null, this.options)
        .lean<GroupDoc[]>();
      return docs.map(toStoredGroup);
    });
  }

  replaceMemberships(
    organizationId: string,
    entries: readonly { userId: string; groupIds: readonly string[] }[],
  ): Promise<void> {
    return this.run(() =>
      this.idempotentBulk(this.ctx.models.memberships, membershipReplacement(organizationId, entries), true),
    );
  }

  /** Removes exactly the memberships it reports, found first by id. */
  removeGroupMemberships(organizationId: string, groupIds: readonly string[]): Promise<Membership[]> {
    if (groupIds.length === 0) return Promise.resolve([]);
    return this.run(async () => {
      const docs = await this.ctx.models.memberships
        .find({ organizationId, groupId: { $in: [...groupIds] } }, null, this.options)
        .lean<(MembershipDoc & { _id: unknown })[]>();
      if (docs.length === 0) return [];
      await this.ctx.models.memberships.deleteMany({ _id: { $in: docs.map((doc) => doc._id) } }, this.options);
      return docs.map((doc) => ({ organizationId, userId: doc.userId, groupId: doc.groupId }));
    });
  }

  listMemberships(
    organizationId: string,
    filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
  ): Promise<Membership[]> {
    const query =
      'userIds' in filter
        ? { organizationId, userId: { $in: [...filter.userIds] } }
        : { organizationId, groupId: { $in: [...filter.groupIds] } };
    return this.run(async () => {
      const docs = await this.ctx.models.memberships.find(query, null, this.options).lean<MembershipDoc[]>();
      return docs.map((doc) => ({ organizationId, userId: doc.userId, groupId: doc.groupId }));
    });
  }

  upsertDirectory(organizationId: string, directory: DirectoryWrite): Promise<void> {
    return this.run(() =>
      this.idempotentBulk(this.ctx.models.directories, [directoryUpsert(organizationId, directory)], true),
    );
  }

  getDirectory(organizationId: string, id: string): Promise<StoredDirectory | null> {
    return this.run(async () => {
      const doc = await this.ctx.models.directories.findOne({ organizationId, id }, null, this.options).lean();
      return doc === null ? null : toStoredDirectory(doc);
    });
  }

  getSyncState(organizationId: string, directoryId: string): Promise<SyncState | null> {
    return this.run(async () => {
      const doc = await this.ctx.models.syncStates.findOne({ organizationId, directoryId }, null, this.options).lean();
      return doc === null ? null : toSyncState(doc);
    });
  }

  listSyncStates(organizationId?: string): Promise<SyncState[]> {
    return this.run(async () => {
      const docs = await this.ctx.models.syncStates
        .find(organizationId === undefined ? {} : { organizationId }, null, this.options)
        .sort({ organizationId: 1, directoryId: 1 })
        .lean<SyncStateDoc[]>();
      return docs.map(toSyncState);
    });
  }

  saveSyncState(state: SyncState): Promise<void> {
    return this.run(() => this.idempotentBulk(this.ctx.models.syncStates, [syncStateUpsert(state)], true));
  }

  acquireLease(request: LeaseRequest): Promise<boolean> {
    return this.run(async () => {
      const leases = this.ctx.models.leases;
      const { updateOne } = leaseAcquire(request);
      if (this.session !== null) {
        const held = await leases.findById(request.name, null, this.options).lean<LeaseDoc>();
        if (!leaseAvailable(held, request)) return false;
        await leases.updateOne({ _id: request.name }, updateOne.update, { upsert: true, ...this.options });
        return true;
      }
      const refused = await this.bulkRefusals(leases, [{ updateOne }]);
      return refused.size === 0;
    });
  }

  /** Held means unexpired: the same comparison that lets `acquireLease` take a lease over. */
  getLeases(names: readonly string[], now: Date): Promise<HeldLease[]> {
    return this.run(async () => {
      if (names.length === 0) return [];
      const docs = await this.ctx.models.leases
        .find({ _id: { $in: [...new Set(names)] }, expiresAt: { $gt: now } }, null, this.options)
        .lean<LeaseDoc[]>();
      return docs.map((doc) => ({ name: doc._id, owner: doc.owner, expiresAt: doc.expiresAt }));
    });
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.run(async () => {
      await this.ctx.models.leases.deleteOne({ _id: name, owner }, this.options);
    });
  }
}
