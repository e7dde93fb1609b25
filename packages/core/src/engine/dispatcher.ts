import type { EntityState, InboxRecord, InboxStatus, ScimAdapter, ScimStore } from '../adapter/contract.js';
import { readEntities } from '../adapter/read-entities.js';
import { AdapterError, isScimError, ScimError } from '../errors.js';
import type {
  DirectoryEvent,
  DirectoryGroupRef,
  DirectoryStateEvent,
  DirectoryUser,
  GroupEvent,
  UnknownDirectoryEvent,
  UserCreatedEvent,
  UserDeletedEvent,
  UserUpdatedEvent,
} from '../events/types.js';
import type { ScimLogger } from '../logger.js';
import { type Effect, runEffects } from './effects.js';
import { userFingerprint } from './fingerprint.js';
import { decideDeprovision, mergeRoles } from './policies.js';
import type { ApplyOutcome, ApplyResult, DeprovisionPolicy, ScimHooks } from './types.js';
import { toUserWrite } from './user-write.js';

type ChangeOutcome = Extract<ApplyOutcome, 'applied' | 'stale' | 'ignored' | 'unknown_type'>;

export interface DispatcherConfig {
  adapter: ScimAdapter;
  deprovision: DeprovisionPolicy;
  roles: ((user: DirectoryUser, groups: DirectoryGroupRef[]) => string[]) | null;
  directoryDisabled: 'record' | 'deactivate-users';
  hooks: ScimHooks;
  logger: ScimLogger;
  now: () => Date;
  conflictRetries: number;
  /** Group commit of concurrent events (adapters with transactions only); null applies each alone. */
  batching: { concurrency: number; maxEvents: number } | null;
}

const USER_PAGE = 500;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function isNewer(previous: EntityState | undefined, version: bigint, eventId: string): boolean {
  return (
    previous === undefined ||
    previous.version < version ||
    (previous.version === version && previous.eventId === eventId)
  );
}

type UserUpsertEvent = UserCreatedEvent | UserUpdatedEvent;

function isUserEvent(event: DirectoryEvent): event is UserUpsertEvent | UserDeletedEvent {
  return isUserUpsert(event) || event.type === 'organization.directory.user_deleted';
}

function isUserUpsert(event: DirectoryEvent): event is UserUpsertEvent {
  return event.type === 'organization.directory.user_created' || event.type === 'organization.directory.user_updated';
}

/** What the hooks of an event are ordered by: its entity (an unknown event stands alone). */
function orderKey(event: DirectoryEvent): string {
  if (event.type === 'unknown') return `event\u0000${event.id}`;
  const kind = isUserEvent(event)
    ? 'user'
    : event.type.startsWith('organization.directory.group_')
      ? 'group'
      : 'directory';
  return `${kind}\u0000${event.data.id}`;
}

/** An event waiting for a transaction, and how to answer its caller. */
interface Queued {
  event: DirectoryEvent;
  type: string;
  resolve(result: ApplyResult): void;
  reject(error: unknown): void;
}

/** What a committed event leaves to do: its answer and its hooks. */
type Committed = { outcome: ApplyOutcome; effects: Effect[] } | { error: unknown };

/**
 * Applies directory events to the store under the rules of the core: the inbox claim in the same
 * transaction as the change, per-entity versions and tombstones, the deprovision policy,
 * memberships from the user's groups, and app hooks after commit.
 *
 * Group commit: at most `batching.concurrency` transactions run at once. An event that finds the
 * dispatcher idle starts at once; while others run, events wait for the end of the current turn of
 * the event loop, or for a free transaction when all are busy; the next one
 * takes the waiting events of the oldest one's organization (up to `maxEvents`): claimed together,
 * applied in arrival order (user upserts and deletions of distinct users with one batched call per
 * step), each answered with its own outcome after the commit. If a batch fails, its events are
 * applied again one by one, so one bad event only fails itself.
 */
export class Dispatcher {
  private queue: Queued[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly config: DispatcherConfig) {}

  apply(event: DirectoryEvent): Promise<ApplyResult> {
    const type = event.type === 'unknown' ? event.rawType : event.type;
    if (this.config.batching === null || !this.config.adapter.capabilities.transactions) {
      return this.commitAlone(event, type).then((committed) => this.answer(event, type, committed));
    }
    return new Promise<ApplyResult>((resolve, reject) => {
      this.queue.push({ event, type, resolve, reject });
      // Idle, the event starts at once; busy, it waits for the end of this turn.
      if (this.running === 0 && this.queue.length === 1 && !this.scheduled) this.pump();
      else this.schedule();
    });
  }

  /**
   * While transactions are running, new ones start on the next turn of the event loop rather than at
   * once: the deliveries whose requests Node reads in the same turn (many, under load) then share one
   * transaction.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const { concurrency } = this.config.batching!;
    while (this.running < concurrency && this.queue.length > 0) {
      this.running++;
      void this.run(this.takeBatch());
    }
  }

  /**
   * The organization of the oldest waiting event, and its waiting events in arrival order (up to
   * `maxEvents`): the store's calls are per organization, so a batch of one organization needs a
   * single call per step however many events it holds.
   */
  private takeBatch(): Queued[] {
    const { maxEvents } = this.config.batching!;
    const org = this.queue[0]!.event.organizationId;
    const batch: Queued[] = [];
    const rest: Queued[] = [];
    for (const queued of this.queue) {
      if (batch.length < maxEvents && queued.event.organizationId === org) batch.push(queued);
      else rest.push(queued);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Queued[]): Promise<void> {
    let committed: Committed[];
    try {
      committed = await this.commitMany(batch);
    } finally {
      // The transaction slot is free once the commit is done; hooks run outside it.
      this.running--;
      if (this.queue.length > 0) this.schedule();
    }
    // Hooks run in arrival order per user, group or directory; those of different ones do not wait for
    // each other, so a slow hook holds back only its own delivery and the later ones of the same entity.
    const tails = new Map<string, Promise<void>>();
    const answered = batch.map(({ event, type, resolve, reject }, i) => {
      const key = orderKey(event);
      const answer = (tails.get(key) ?? Promise.resolve())
        .then(() => this.answer(event, type, committed[i]!))
        .then(resolve, reject);
      tails.set(key, answer);
      return answer;
    });
    await Promise.all(answered);
  }

  /** Commits the batch in one transaction, or its events one by one if that fails. Never throws. */
  private async commitMany(batch: readonly Queued[]): Promise<Committed[]> {
    if (batch.length > 1) {
      try {
        return await this.withRetries(batch[0]!.event, async () => {
          const effects = batch.map((): Effect[] => []);
          const outcomes = await this.config.adapter.transaction((store) =>
            this.applyBatchInTransaction(store, batch, effects),
          );
          return outcomes.map((outcome, i) => ({ outcome, effects: effects[i]! }));
        });
      } catch (error) {
        this.config.logger.debug('a batch of events failed; applying them one by one', {
          events: batch.length,
          code: isScimError(error) ? error.code : undefined,
        });
      }
    }
    const committed: Committed[] = [];
    for (const { event, type } of batch) {
      try {
        committed.push(await this.commitAlone(event, type));
      } catch (error) {
        committed.push({ error });
      }
    }
    return committed;
  }

  private async answer(event: DirectoryEvent, type: string, committed: Committed): Promise<ApplyResult> {
    if ('error' in committed) throw committed.error;
    const { outcome, effects } = committed;
    if (effects.length > 0 && outcome !== 'duplicate') {
      await runEffects(effects, this.config.logger, { eventId: event.id, organizationId: event.organizationId });
    }
    return { outcome, eventId: event.id, type };
  }

  /** Runs `attempt` again after a transaction conflict; other errors become a STORAGE_FAILURE. */
  private async withRetries<T>(event: DirectoryEvent, attempt: () => Promise<T>): Promise<T> {
    const { conflictRetries, logger } = this.config;
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const conflict = error instanceof AdapterError && error.code === 'TRANSACTION_CONFLICT';
        if (conflict && tries < conflictRetries) {
          logger.debug('transaction conflict, retrying', { eventId: event.id, attempt: tries + 1 });
          continue;
        }
        throw isScimError(error)
          ? error
          : new ScimError('STORAGE_FAILURE', `Could not apply event ${event.id}`, {
              cause: error,
              status: 500,
              retryable: true,
            });
      }
    }
  }

  private commitAlone(event: DirectoryEvent, type: string): Promise<{ outcome: ApplyOutcome; effects: Effect[] }> {
    const { adapter } = this.config;
    return this.withRetries(event, async () => {
      const effects: Effect[] = [];
      const outcome = adapter.capabilities.transactions
        ? await adapter.transaction((store) => this.applyInTransaction(store, event, type, effects))
        : await this.applyWithoutTransaction(adapter, event, type, effects);
      return { outcome, effects };
    });
  }

  private inboxRecord(event: DirectoryEvent, type: string, status: InboxStatus): InboxRecord {
    return {
      id: event.id,
      organizationId: event.organizationId,
      type,
      occurredAt: event.occurredAtRaw,
      receivedAt: this.config.now(),
      status,
      payload: event.type === 'unknown' ? JSON.stringify(event.raw) : null,
    };
  }

  private async applyInTransaction(
    store: ScimStore,
    event: DirectoryEvent,
    type: string,
    effects: Effect[],
  ): Promise<ApplyOutcome> {
    // Claimed as applied, the usual outcome: the status is written again only when it is another one.
    // Nobody sees the record before the commit, and a rollback removes it.
    const claimed = await store.claimEvents([this.inboxRecord(event, type, 'applied')]);
    if (claimed.length === 0) return 'duplicate';
    const outcome = await this.change(store, event, effects);
    if (outcome !== 'applied') await store.finishEvents([{ id: event.id, status: outcome }]);
    return outcome;
  }

  /**
   * The events of a batch (one organization, as `takeBatch` forms them) in one transaction. Each is
   * claimed (a repeated id in the batch is a duplicate, as it would be one after the other) and
   * applied in arrival order; a run of user upserts and deletions of distinct users goes through the
   * batched user paths. Events are claimed as applied; the others get their status in one write at
   * the end.
   */
  private async applyBatchInTransaction(
    store: ScimStore,
    batch: readonly Queued[],
    effects: Effect[][],
  ): Promise<ApplyOutcome[]> {
    const org = batch[0]!.event.organizationId;
    const outcomes: ApplyOutcome[] = batch.map(() => 'duplicate');
    const first = new Map<string, number>();
    batch.forEach(({ event }, i) => {
      if (!first.has(event.id)) first.set(event.id, i);
    });
    const claimed = new Set(
      await store.claimEvents(
        [...first.values()].map((i) => this.inboxRecord(batch[i]!.event, batch[i]!.type, 'applied')),
      ),
    );
    const todo = [...first.values()].filter((i) => claimed.has(batch[i]!.event.id));

    // A run: user upserts and deletions of distinct users, applied with one batched call per step.
    // A group created or updated commutes with a run whose users do not name it (when no role mapping
    // reads group names), and an unknown event with anything: they do not end the run. Anything else
    // waits for the run to be applied first.
    const upserts: number[] = [];
    const deletes: number[] = [];
    const usersInRun = new Set<string>();
    const groupsNamedInRun = new Set<string>();
    const settle = (indexes: readonly number[], results: readonly ChangeOutcome[]) =>
      indexes.forEach((i, k) => {
        outcomes[i] = results[k]!;
      });
    const flush = async (): Promise<void> => {
      if (upserts.length > 0) {
        const events = upserts.map((i) => batch[i]!.event as UserUpsertEvent);
        settle(
          upserts,
          await this.upsertUsers(
            store,
            org,
            events,
            upserts.map((i) => effects[i]!),
          ),
        );
      }
      if (deletes.length > 0) {
        const events = deletes.map((i) => batch[i]!.event as UserDeletedEvent);
        settle(
          deletes,
          await this.deleteUserEvents(
            store,
            org,
            events,
            deletes.map((i) => effects[i]!),
          ),
        );
      }
      upserts.length = 0;
      deletes.length = 0;
      usersInRun.clear();
      groupsNamedInRun.clear();
    };
    for (const i of todo) {
      const event = batch[i]!.event;
      if (isUserEvent(event)) {
        if (usersInRun.has(event.data.id)) await flush();
        usersInRun.add(event.data.id);
        if (isUserUpsert(event)) {
          upserts.push(i);
          for (const g of event.data.groups ?? []) groupsNamedInRun.add(g.id);
        } else {
          deletes.push(i);
        }
        continue;
      }
      const commutes =
        event.type === 'unknown' ||
        (this.config.roles === null &&
          (event.type === 'organization.directory.group_created' ||
            event.type === 'organization.directory.group_updated') &&
          !groupsNamedInRun.has(event.data.id));
      if (!commutes) await flush();
      outcomes[i] = await this.change(store, event, effects[i]!);
    }
    await flush();
    const others = todo.filter((i) => outcomes[i] !== 'applied');
    if (others.length > 0) {
      await store.finishEvents(others.map((i) => ({ id: batch[i]!.event.id, status: outcomes[i] as ChangeOutcome })));
    }
    return outcomes;
  }

  /**
   * Without transactions the claim comes last: a change interrupted half-way is not in the inbox,
   * and its redelivery passes the version gate again (same version, same event id) and completes it.
   */
  private async applyWithoutTransaction(
    adapter: ScimAdapter,
    event: DirectoryEvent,
    type: string,
    effects: Effect[],
  ): Promise<ApplyOutcome> {
    const existing = await adapter.getEvent(event.id);
    if (existing !== null && existing.status !== 'pending') return 'duplicate';
    const outcome = await this.change(adapter, event, effects);
    if (existing !== null) {
      await adapter.finishEvents([{ id: event.id, status: outcome }]);
      return outcome;
    }
    const claimed = await adapter.claimEvents([this.inboxRecord(event, type, outcome)]);
    return claimed.length === 1 ? outcome : 'duplicate';
  }

  private change(store: ScimStore, event: DirectoryEvent, effects: Effect[]): Promise<ChangeOutcome> {
    switch (event.type) {
      case 'organization.directory.user_created':
      case 'organization.directory.user_updated':
        return this.upsertUser(store, event, effects);
      case 'organization.directory.user_deleted':
        return this.deleteUser(store, event, effects);
      case 'organization.directory.group_created':
      case 'organization.directory.group_updated':
      case 'organization.directory.group_deleted':
        return this.changeGroup(store, event, effects);
      case 'organization.directory_enabled':
      case 'organization.directory_disabled':
        return this.changeDirectory(store, event, effects);
      case 'unknown':
        return this.recordUnknown(event, effects);
    }
  }

  private async upsertUser(store: ScimStore, event: UserUpsertEvent, effects: Effect[]): Promise<ChangeOutcome> {
    const [outcome] = await this.upsertUsers(store, event.organizationId, [event], [effects]);
    return outcome!;
  }

  /**
   * User upserts of one organization, each of a different user, with one batched store call per
   * step: versions read, the deprovision policy for inactive users, groups deleted since (tombstones),
   * versions advanced (the database's gate), groups and memberships, roles, then the users.
   */
  private async upsertUsers(
    store: ScimStore,
    org: string,
    events: readonly UserUpsertEvent[],
    effects: readonly Effect[][],
  ): Promise<ChangeOutcome[]> {
    const outcomes: ChangeOutcome[] = events.map(() => 'stale');
    const previous = await readEntities(
      store,
      org,
      'user',
      events.map((e) => e.data.id),
    );
    interface Planned {
      index: number;
      event: UserUpsertEvent;
      previous: EntityState | undefined;
      live: boolean;
      active: boolean;
      action: 'upsert' | 'delete' | 'keep';
      groups: DirectoryGroupRef[] | undefined;
      effective: DirectoryUser;
      directoryRoles: string[] | null;
    }
    const planned: Planned[] = [];
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      const user = event.data;
      const prev = previous.get(user.id);
      if (!isNewer(prev, event.version, event.id)) continue;
      const live = prev !== undefined && !prev.deleted;
      const active = user.active ?? (live ? prev.active : true);
      let action: Planned['action'] = 'upsert';
      if (!active) {
        const decided = await decideDeprovision(this.config.deprovision, {
          organizationId: org,
          userId: user.id,
          reason: 'deactivated',
          previous: prev ?? null,
          event,
        });
        action = decided === 'deactivate' ? 'upsert' : decided;
      }
      const directoryRoles = user.roles !== undefined ? unique(user.roles) : (prev?.directoryRoles ?? null);
      planned.push({
        index,
        event,
        previous: prev,
        live,
        active,
        action,
        groups: user.groups,
        effective: user,
        directoryRoles,
      });
    }
    if (planned.length === 0) return outcomes;
    // Locks are taken in id order, so concurrent batches cannot deadlock on each other's users.
    planned.sort((a, b) => (a.event.data.id < b.event.data.id ? -1 : a.event.data.id > b.event.data.id ? 1 : 0));

    // A group deleted after this event was sent must not come back through it.
    // A group whose own event was applied (a live version record) has its row: ensureGroups skips it.
    const groupIds = unique(planned.flatMap((p) => (p.groups ?? []).map((g) => g.id)));
    const known = new Set<string>();
    if (groupIds.length > 0) {
      const tombstones = await store.getEntities(org, 'group', groupIds);
      for (const t of tombstones) if (!t.deleted) known.add(t.id);
      const deleted = new Set(tombstones.filter((t) => t.deleted).map((t) => t.id));
      if (deleted.size > 0) {
        for (const p of planned) {
          if (p.groups === undefined || !p.groups.some((g) => deleted.has(g.id))) continue;
          p.groups = p.groups.filter((g) => !deleted.has(g.id));
          p.effective = { ...p.event.data, groups: p.groups };
        }
      }
    }

    const written = new Set(
      await store.advanceEntities(
        org,
        'user',
        planned.map((p) => ({
          id: p.event.data.id,
          version: p.event.version,
          deleted: p.action === 'delete',
          active: p.action === 'keep' && p.live ? p.previous!.active : p.active,
          fingerprint: userFingerprint(p.effective, p.active),
          directoryRoles: p.directoryRoles,
          eventId: p.event.id,
        })),
      ),
    );
    const applied = planned.filter((p) => written.has(p.event.data.id));
    if (applied.length === 0) return outcomes;

    const refs = new Map<string, DirectoryGroupRef>();
    for (const p of applied) for (const g of p.groups ?? []) if (!known.has(g.id) && !refs.has(g.id)) refs.set(g.id, g);
    if (refs.size > 0) {
      await store.ensureGroups(
        org,
        [...refs.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
    }
    const memberships = applied
      .filter((p) => p.groups !== undefined)
      .map((p) => ({ userId: p.event.data.id, groupIds: p.action === 'delete' ? [] : p.groups!.map((g) => g.id) }));
    if (memberships.length > 0) await store.replaceMemberships(org, memberships);

    const hooks = this.config.hooks;
    const deletes = applied.filter((p) => p.action === 'delete');
    if (deletes.length > 0) {
      await store.deleteUsers(
        org,
        deletes.map((p) => p.event.data.id),
      );
    }
    for (const p of applied) {
      if (p.action === 'upsert') continue;
      outcomes[p.index] = 'applied';
      if (p.action === 'delete' && p.live) {
        const { event } = p;
        effects[p.index]!.push(() =>
          hooks.onUserDeprovisioned?.({
            organizationId: org,
            userId: event.data.id,
            action: 'delete',
            reason: 'deactivated',
            source: 'webhook',
            event,
          }),
        );
      }
    }

    const upserts = applied.filter((p) => p.action === 'upsert');
    if (upserts.length === 0) return outcomes;
    const roles = await this.resolveRoles(store, org, upserts);
    const writes = upserts.map((p, k) => toUserWrite(p.effective, p.active, p.event.version, roles[k]));
    await store.upsertUsers(org, writes);

    upserts.forEach((p, k) => {
      const write = writes[k]!;
      const { event, previous: prev } = p;
      outcomes[p.index] = 'applied';
      if (!p.live) {
        effects[p.index]!.push(() =>
          hooks.onUserProvisioned?.({ organizationId: org, user: write, source: 'webhook', event }),
        );
      } else if (prev!.active && !p.active) {
        effects[p.index]!.push(() =>
          hooks.onUserDeprovisioned?.({
            organizationId: org,
            userId: event.data.id,
            action: 'deactivate',
            reason: 'deactivated',
            source: 'webhook',
            event,
          }),
        );
      } else {
        effects[p.index]!.push(() =>
          hooks.onUserUpdated?.({ organizationId: org, user: write, source: 'webhook', event }),
        );
      }
    });
    return outcomes;
  }

  /**
   * Roles = the directory's own roles (from this event, or the last event that gave them) plus the
   * mapped ones. When an event changes neither roles nor groups, the stored roles stay as they are
   * (undefined). One read of memberships and one of group names for all the users.
   */
  private async resolveRoles(
    store: ScimStore,
    org: string,
    items: readonly { effective: DirectoryUser; directoryRoles: string[] | null }[],
  ): Promise<(string[] | undefined)[]> {
    const mapping = this.config.roles;
    const roles: (string[] | undefined)[] = items.map(({ effective: user, directoryRoles }) =>
      user.roles === undefined && user.groups === undefined ? undefined : (directoryRoles ?? []),
    );
    if (mapping === null) return roles;
    const needed = items.flatMap((_, i) => (roles[i] === undefined ? [] : [i]));
    if (needed.length === 0) return roles;

    const listFor = needed.map((i) => items[i]!.effective).filter((u) => u.groups === undefined);
    const listed = new Map<string, DirectoryGroupRef[]>();
    if (listFor.length > 0) {
      for (const m of await store.listMemberships(org, { userIds: listFor.map((u) => u.id) })) {
        const list = listed.get(m.userId);
        if (list === undefined) listed.set(m.userId, [{ id: m.groupId }]);
        else list.push({ id: m.groupId });
      }
    }
    const groupsOf = (user: DirectoryUser): DirectoryGroupRef[] => user.groups ?? listed.get(user.id) ?? [];
    const ids = unique(needed.flatMap((i) => groupsOf(items[i]!.effective).map((g) => g.id)));
    // The store may know a group's newer name than the one a user event carries.
    const names =
      ids.length === 0
        ? new Map<string, string | null>()
        : new Map((await store.getGroups(org, ids)).map((g) => [g.id, g.displayName]));
    for (const i of needed) {
      const { effective: user, directoryRoles } = items[i]!;
      const groups = groupsOf(user).map((g) => ({
        id: g.id,
        displayName: names.get(g.id) ?? g.displayName ?? null,
      }));
      roles[i] = mergeRoles(directoryRoles ?? undefined, mapping(user, groups));
    }
    return roles;
  }

  /**
   * Roles of users who just lost a group: a role the group granted must go with it, not wait for the
   * user's next event. The mapping sees the user's id only here, as no directory record comes with
   * a group deletion.
   */
  private async remapRoles(store: ScimStore, org: string, userIds: readonly string[]): Promise<void> {
    const mapping = this.config.roles;
    if (mapping === null) return;
    const users = (await store.getEntities(org, 'user', userIds)).filter((u) => !u.deleted);
    if (users.length === 0) return;
    const memberships = await store.listMemberships(org, { userIds: users.map((u) => u.id) });
    const stored = await store.getGroups(org, unique(memberships.map((m) => m.groupId)));
    const names = new Map(stored.map((g) => [g.id, g.displayName]));
    await store.patchUsers(
      org,
      users.map((u) => {
        const groups = memberships
          .filter((m) => m.userId === u.id)
          .map((m) => ({ id: m.groupId, displayName: names.get(m.groupId) ?? null }));
        return {
          id: u.id,
          roles: mergeRoles(u.directoryRoles ?? undefined, mapping({ id: u.id, organizationId: org }, groups)),
        };
      }),
    );
  }

  private async deleteUser(store: ScimStore, event: UserDeletedEvent, effects: Effect[]): Promise<ChangeOutcome> {
    const [outcome] = await this.deleteUserEvents(store, event.organizationId, [event], [effects]);
    return outcome!;
  }

  /** `user_deleted` events of one organization, each of a different user, one batched call per step. */
  private async deleteUserEvents(
    store: ScimStore,
    org: string,
    events: readonly UserDeletedEvent[],
    effects: readonly Effect[][],
  ): Promise<ChangeOutcome[]> {
    const outcomes: ChangeOutcome[] = events.map(() => 'stale');
    const previous = await readEntities(
      store,
      org,
      'user',
      events.map((e) => e.data.id),
    );
    const planned: {
      index: number;
      event: UserDeletedEvent;
      previous: EntityState | undefined;
      live: boolean;
      action: 'deactivate' | 'delete' | 'keep';
    }[] = [];
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      const prev = previous.get(event.data.id);
      if (!isNewer(prev, event.version, event.id)) continue;
      const action = await decideDeprovision(this.config.deprovision, {
        organizationId: org,
        userId: event.data.id,
        reason: 'deleted',
        previous: prev ?? null,
        event,
      });
      planned.push({ index, event, previous: prev, live: prev !== undefined && !prev.deleted, action });
    }
    if (planned.length === 0) return outcomes;
    planned.sort((a, b) => (a.event.data.id < b.event.data.id ? -1 : a.event.data.id > b.event.data.id ? 1 : 0));
    const written = new Set(
      await store.advanceEntities(
        org,
        'user',
        planned.map((p) => ({
          id: p.event.data.id,
          version: p.event.version,
          deleted: true,
          active: p.action === 'keep' && p.live ? p.previous!.active : false,
          fingerprint: null,
          directoryRoles: null,
          eventId: p.event.id,
        })),
      ),
    );
    const applied = planned.filter((p) => written.has(p.event.data.id));
    if (applied.length === 0) return outcomes;
    await store.replaceMemberships(
      org,
      applied.map((p) => ({ userId: p.event.data.id, groupIds: [] })),
    );
    const ids = (action: 'deactivate' | 'delete') =>
      applied.filter((p) => p.action === action).map((p) => p.event.data.id);
    const deleted = ids('delete');
    if (deleted.length > 0) await store.deleteUsers(org, deleted);
    const deactivated = ids('deactivate');
    if (deactivated.length > 0) {
      await store.patchUsers(
        org,
        deactivated.map((id) => ({ id, active: false })),
      );
    }
    for (const { index, event, previous: prev, live, action } of applied) {
      outcomes[index] = 'applied';
      if (action === 'keep' || !live || !(prev!.active || action === 'delete')) continue;
      effects[index]!.push(() =>
        this.config.hooks.onUserDeprovisioned?.({
          organizationId: org,
          userId: event.data.id,
          action,
          reason: 'deleted',
          source: 'webhook',
          event,
        }),
      );
    }
    return outcomes;
  }

  private async changeGroup(store: ScimStore, event: GroupEvent, effects: Effect[]): Promise<ChangeOutcome> {
    const org = event.organizationId;
    const group = event.data;
    const deleting = event.type === 'organization.directory.group_deleted';
    const [previous] = await store.getEntities(org, 'group', [group.id]);
    if (!isNewer(previous, event.version, event.id)) return 'stale';
    const written = await store.advanceEntities(org, 'group', [
      {
        id: group.id,
        version: event.version,
        deleted: deleting,
        active: !deleting,
        fingerprint: null,
        directoryRoles: null,
        eventId: event.id,
      },
    ]);
    if (written.length === 0) return 'stale';

    let affectedUserIds: string[] = [];
    if (deleting) {
      const removed = await store.removeGroupMemberships(org, [group.id]);
      affectedUserIds = removed.map((m) => m.userId);
      await store.deleteGroups(org, [group.id]);
      if (affectedUserIds.length > 0) await this.remapRoles(store, org, affectedUserIds);
    } else {
      await store.upsertGroups(org, [
        {
          id: group.id,
          organizationId: org,
          directoryId: group.directoryId,
          displayName: group.displayName,
          externalId: group.externalId,
          version: event.version,
        },
      ]);
    }
    const change = deleting ? 'deleted' : previous === undefined || previous.deleted ? 'created' : 'updated';
    effects.push(() =>
      this.config.hooks.onGroupChanged?.({
        organizationId: org,
        change,
        group,
        affectedUserIds,
        source: 'webhook',
        event,
      }),
    );
    return 'applied';
  }

  private async changeDirectory(
    store: ScimStore,
    event: DirectoryStateEvent,
    effects: Effect[],
  ): Promise<ChangeOutcome> {
    const org = event.organizationId;
    const directory = event.data;
    const [previous] = await store.getEntities(org, 'directory', [directory.id]);
    if (!isNewer(previous, event.version, event.id)) return 'stale';
    const written = await store.advanceEntities(org, 'directory', [
      {
        id: directory.id,
        version: event.version,
        deleted: false,
        active: directory.enabled,
        fingerprint: null,
        directoryRoles: null,
        eventId: event.id,
      },
    ]);
    if (written.length === 0) return 'stale';
    await store.upsertDirectory(org, {
      id: directory.id,
      organizationId: org,
      enabled: directory.enabled,
      provider: directory.provider,
      directoryType: directory.directoryType,
      status: directory.status,
      version: event.version,
    });

    const deactivated: string[] = [];
    if (!directory.enabled && this.config.directoryDisabled === 'deactivate-users') {
      // Each user goes through the version gate at the directory event's version, so a user
      // changed after the directory was disabled (and enabled again) keeps its newer state.
      let after: string | undefined;
      for (;;) {
        const page = await store.listEntities(org, 'user', { after, limit: USER_PAGE });
        if (page.length === 0) break;
        after = page[page.length - 1]!.id;
        const candidates = page.filter((u) => !u.deleted && u.active && u.version < event.version);
        if (candidates.length === 0) continue;
        const ids = await store.advanceEntities(
          org,
          'user',
          candidates.map((u) => ({
            id: u.id,
            version: event.version,
            deleted: false,
            active: false,
            fingerprint: u.fingerprint,
            directoryRoles: u.directoryRoles,
            eventId: event.id,
          })),
        );
        if (ids.length > 0) {
          await store.patchUsers(
            org,
            ids.map((id) => ({ id, active: false })),
          );
          deactivated.push(...ids);
        }
      }
    }
    effects.push(() =>
      this.config.hooks.onDirectoryChanged?.({
        organizationId: org,
        directory,
        deactivatedUserIds: deactivated,
        event,
      }),
    );
    return 'applied';
  }

  private async recordUnknown(event: UnknownDirectoryEvent, effects: Effect[]): Promise<ChangeOutcome> {
    this.config.logger.info('unknown event type recorded', {
      eventId: event.id,
      type: event.rawType,
      organizationId: event.organizationId,
    });
    effects.push(() =>
      this.config.hooks.onUnknownEvent?.({ organizationId: event.organizationId, type: event.rawType, event }),
    );
    return 'unknown_type';
  }
}
