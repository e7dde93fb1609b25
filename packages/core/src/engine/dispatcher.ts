import type { EntityState, InboxRecord, InboxStatus, ScimAdapter, ScimStore } from '../adapter/contract.js';
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

/**
 * Applies directory events to the store under the rules of the core: the inbox claim in the same
 * transaction as the change, per-entity versions and tombstones, the deprovision policy,
 * memberships from the user's groups, and app hooks after commit.
 */
export class Dispatcher {
  constructor(private readonly config: DispatcherConfig) {}

  async apply(event: DirectoryEvent): Promise<ApplyResult> {
    const type = event.type === 'unknown' ? event.rawType : event.type;
    const { adapter, conflictRetries, logger } = this.config;
    for (let attempt = 0; ; attempt++) {
      const effects: Effect[] = [];
      try {
        const outcome = adapter.capabilities.transactions
          ? await adapter.transaction((store) => this.applyInTransaction(store, event, type, effects))
          : await this.applyWithoutTransaction(adapter, event, type, effects);
        if (effects.length > 0 && outcome !== 'duplicate') {
          await runEffects(effects, logger, { eventId: event.id, organizationId: event.organizationId });
        }
        return { outcome, eventId: event.id, type };
      } catch (error) {
        const conflict = error instanceof AdapterError && error.code === 'TRANSACTION_CONFLICT';
        if (conflict && attempt < conflictRetries) {
          logger.debug('transaction conflict, retrying', { eventId: event.id, attempt: attempt + 1 });
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
    if (!(await store.claimEvent(this.inboxRecord(event, type, 'pending')))) return 'duplicate';
    const outcome = await this.change(store, event, effects);
    await store.finishEvent(event.id, outcome);
    return outcome;
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
      await adapter.finishEvent(event.id, outcome);
      return outcome;
    }
    return (await adapter.claimEvent(this.inboxRecord(event, type, outcome))) ? outcome : 'duplicate';
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

  private async upsertUser(
    store: ScimStore,
    event: UserCreatedEvent | UserUpdatedEvent,
    effects: Effect[],
  ): Promise<ChangeOutcome> {
    const org = event.organizationId;
    const user = event.data;
    const [previous] = await store.getEntities(org, 'user', [user.id]);
    if (!isNewer(previous, event.version, event.id)) return 'stale';

    const live = previous !== undefined && !previous.deleted;
    const active = user.active ?? (live ? previous.active : true);
    let action: 'upsert' | 'delete' | 'keep' = 'upsert';
    if (!active) {
      const decided = await decideDeprovision(this.config.deprovision, {
        organizationId: org,
        userId: user.id,
        reason: 'deactivated',
        previous: previous ?? null,
        event,
      });
      action = decided === 'deactivate' ? 'upsert' : decided;
    }

    // A group deleted after this event was sent must not come back through it.
    let groups = user.groups;
    if (groups !== undefined && groups.length > 0) {
      const tombstones = await store.getEntities(
        org,
        'group',
        groups.map((g) => g.id),
      );
      if (tombstones.some((t) => t.deleted)) {
        const deleted = new Set(tombstones.filter((t) => t.deleted).map((t) => t.id));
        groups = groups.filter((g) => !deleted.has(g.id));
      }
    }
    const effective: DirectoryUser = groups === user.groups ? user : { ...user, groups };
    const directoryRoles = user.roles !== undefined ? unique(user.roles) : (previous?.directoryRoles ?? null);

    const written = await store.advanceEntities(org, 'user', [
      {
        id: user.id,
        version: event.version,
        deleted: action === 'delete',
        active: action === 'keep' && live ? previous.active : active,
        fingerprint: userFingerprint(effective, active),
        directoryRoles,
        eventId: event.id,
      },
    ]);
    if (written.length === 0) return 'stale';

    if (groups !== undefined) {
      if (groups.length > 0) await store.ensureGroups(org, groups);
      await store.replaceMemberships(org, [
        { userId: user.id, groupIds: action === 'delete' ? [] : groups.map((g) => g.id) },
      ]);
    }

    const hooks = this.config.hooks;
    if (action === 'delete') {
      await store.deleteUsers(org, [user.id]);
      if (live) {
        effects.push(() =>
          hooks.onUserDeprovisioned?.({
            organizationId: org,
            userId: user.id,
            action: 'delete',
            reason: 'deactivated',
            source: 'webhook',
            event,
          }),
        );
      }
      return 'applied';
    }
    if (action === 'keep') return 'applied';

    const roles = await this.resolveRoles(store, effective, directoryRoles);
    const write = toUserWrite(effective, active, event.version, roles);
    await store.upsertUsers(org, [write]);

    if (!live) {
      effects.push(() => hooks.onUserProvisioned?.({ organizationId: org, user: write, source: 'webhook', event }));
    } else if (previous.active && !active) {
      effects.push(() =>
        hooks.onUserDeprovisioned?.({
          organizationId: org,
          userId: user.id,
          action: 'deactivate',
          reason: 'deactivated',
          source: 'webhook',
          event,
        }),
      );
    } else {
      effects.push(() => hooks.onUserUpdated?.({ organizationId: org, user: write, source: 'webhook', event }));
    }
    return 'applied';
  }

  /**
   * Roles = the directory's own roles (from this event, or the last event that gave them) plus the
   * mapped ones. When the event changes neither roles nor groups, the stored roles stay as they are.
   */
  private async resolveRoles(
    store: ScimStore,
    user: DirectoryUser,
    directoryRoles: string[] | null,
  ): Promise<string[] | undefined> {
    if (user.roles === undefined && user.groups === undefined) return undefined;
    const mapping = this.config.roles;
    if (mapping === null) return directoryRoles ?? [];
    let groups = user.groups;
    if (groups === undefined) {
      const memberships = await store.listMemberships(user.organizationId, { userIds: [user.id] });
      groups = memberships.map((m) => ({ id: m.groupId }));
    }
    if (groups.length > 0) {
      // The store may know a group's newer name than the one this user event carries.
      const stored = await store.getGroups(
        user.organizationId,
        groups.map((g) => g.id),
      );
      const names = new Map(stored.map((g) => [g.id, g.displayName]));
      groups = groups.map((g) => ({ id: g.id, displayName: names.get(g.id) ?? g.displayName ?? null }));
    }
    return mergeRoles(directoryRoles ?? undefined, mapping(user, groups));
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
    const org = event.organizationId;
    const userId = event.data.id;
    const [previous] = await store.getEntities(org, 'user', [userId]);
    if (!isNewer(previous, event.version, event.id)) return 'stale';
    const live = previous !== undefined && !previous.deleted;
    const action = await decideDeprovision(this.config.deprovision, {
      organizationId: org,
      userId,
      reason: 'deleted',
      previous: previous ?? null,
      event,
    });
    const written = await store.advanceEntities(org, 'user', [
      {
        id: userId,
        version: event.version,
        deleted: true,
        active: action === 'keep' && live ? previous.active : false,
        fingerprint: null,
        directoryRoles: null,
        eventId: event.id,
      },
    ]);
    if (written.length === 0) return 'stale';
    await store.replaceMemberships(org, [{ userId, groupIds: [] }]);
    if (action === 'keep') return 'applied';
    if (action === 'delete') await store.deleteUsers(org, [userId]);
    else await store.patchUsers(org, [{ id: userId, active: false }]);
    if (live && (previous.active || action === 'delete')) {
      effects.push(() =>
        this.config.hooks.onUserDeprovisioned?.({
          organizationId: org,
          userId,
          action,
          reason: 'deleted',
          source: 'webhook',
          event,
        }),
      );
    }
    return 'applied';
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
