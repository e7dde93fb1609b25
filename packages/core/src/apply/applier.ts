import type { EntityAdvance, GroupWrite, ScimStore, StoredGroup } from '../adapter/contract.js';
import type { DirectoryGroupRef } from '../events/types.js';
import type { ScimLogger } from '../logger.js';
import { markSensitive, stringsOf } from '../redact.js';
import { inChunks, readInChunks } from './batching.js';
import type { DirectoryChange, GroupChange, UserChange } from './changes.js';
import type { Effect } from './effects.js';
import { groupHookCalls, userHookCalls } from './hook-calls.js';
import { loadUserFacts, readStates } from './load.js';
import { type GroupStep, planGroups, remappedRoles } from './plan-groups.js';
import { type ClassifiedUser, classifyUsers, planUsers, type UserStep } from './plan-users.js';
import { decideDeprovision, type RoleMapper } from './policies.js';
import type { DeprovisionAction, DeprovisionPolicy, ScimHooks, WriteSource } from './types.js';
import type { UserLayer, UserLayerOps } from './user-layer.js';
import { byId, unique } from './versions.js';

export interface ApplyConfig {
  deprovision: DeprovisionPolicy;
  roles: RoleMapper | null;
  hooks: ScimHooks;
  logger: ScimLogger;
  /** On `directory_disabled`: only record it, or also deactivate the organization's users. */
  directoryDisabled: 'record' | 'deactivate-users';
  users: UserLayer;
  /** The adapter's `capabilities.maxBatchSize`: no store call carries more items. */
  maxBatchSize: number;
}

/** What applying a batch did: one step per change, in the order of the changes. */
export interface Applied<Step> {
  steps: Step[];
  /** Whether each change's version record was written (the store's own check may refuse a planned one). */
  written: boolean[];
  /** Hooks of each change, to run after commit. */
  effects: Effect[][];
}

const NO_IDS: ReadonlySet<string> = new Set();
const NO_EFFECTS: Effect[] = [];
const NO_DECISIONS: ReadonlyMap<number, DeprovisionAction> = new Map();

/** Users deactivated by a disabled directory are read and written this many at a time (at most). */
const DIRECTORY_PAGE = 500;

/**
 * The one apply path: every change, whatever its source, is read, planned (the pure rules of
 * `plan-users.ts` and `plan-groups.ts`) and written here, in the caller's transaction, with a
 * constant number of store calls per batch. Hooks come back as effects, to run after the commit.
 */
export class Applier {
  constructor(private readonly config: ApplyConfig) {}

  /** Whether a role mapping reads group names (group changes then do not commute with user changes). */
  get mapsRoles(): boolean {
    return this.config.roles !== null;
  }

  get hooks(): ScimHooks {
    return this.config.hooks;
  }

  /** Plans user changes of one organization without writing anything (a sync's dry run). */
  async planUsers(store: ScimStore, org: string, changes: readonly UserChange[], source: WriteSource) {
    const facts = await loadUserFacts(store, org, changes, this.config.roles !== null, this.config.maxBatchSize);
    const input = { changes, roles: this.config.roles, compareStale: source === 'sync', ...facts };
    const classified = classifyUsers(input);
    const asked = classified.some((c) => c.deprovision !== null);
    return planUsers(input, classified, asked ? await this.decide(org, classified, source) : NO_DECISIONS);
  }

  /** Applies user changes of one organization. */
  users(
    store: ScimStore,
    org: string,
    changes: readonly UserChange[],
    source: WriteSource,
  ): Promise<Applied<UserStep>> {
    return this.applyUsers(store, org, changes, source).catch((error: unknown) => {
      // A driver's error may quote the rows it refused: whoever logs it must not repeat them.
      markSensitive(error, stringsOf(changes.map((c) => (c.type === 'user' ? c.user : c.userId))));
      throw error;
    });
  }

  private async applyUsers(
    store: ScimStore,
    org: string,
    changes: readonly UserChange[],
    source: WriteSource,
  ): Promise<Applied<UserStep>> {
    const steps = await this.planUsers(store, org, changes, source);
    const written = await this.writeUsers(store, org, steps);
    const effects = steps.map((step, i) =>
      written[i] ? userHookCalls(this.config.hooks, org, step, changes[i]!, source) : NO_EFFECTS,
    );
    return { steps, written, effects };
  }

  /** Plans group changes of one organization without writing anything. */
  async planGroups(store: ScimStore, org: string, changes: readonly GroupChange[]): Promise<GroupStep[]> {
    const ids = unique(changes.map((c) => (c.type === 'group' ? c.group.id : c.groupId)));
    return planGroups(org, changes, await readStates(store, org, 'group', ids, this.config.maxBatchSize));
  }

  /**
   * Applies group changes of one organization: rows written for creates and updates; a deletion takes
   * the group's memberships with it and recomputes the roles of the users who lost it.
   */
  async groups(
    store: ScimStore,
    org: string,
    changes: readonly GroupChange[],
    source: WriteSource,
  ): Promise<Applied<GroupStep>> {
    try {
      return await this.writeGroups(store, org, changes, source);
    } catch (error) {
      markSensitive(error, stringsOf(changes.map((c) => (c.type === 'group' ? c.group : c.groupId))));
      throw error;
    }
  }

  private async writeGroups(
    store: ScimStore,
    org: string,
    changes: readonly GroupChange[],
    source: WriteSource,
  ): Promise<Applied<GroupStep>> {
    const { maxBatchSize } = this.config;
    const steps = await this.planGroups(store, org, changes);
    const writtenIds = await this.advance(store, org, 'group', steps);
    const applied = steps.filter((s) => s.advance !== null && writtenIds.has(s.groupId));
    const upserts = applied.flatMap((s) => (s.write === undefined ? [] : [s.write]));
    const renamed = await this.renamedGroups(store, org, upserts);
    await inChunks(upserts, maxBatchSize, (groups) => store.upsertGroups(org, groups));

    const appliedSet = new Set(applied);
    const removed = applied.filter((s) => s.action === 'delete').map((s) => s.groupId);
    const affected = new Map<string, string[]>();
    const stored = new Map<string, StoredGroup>();
    if (removed.length > 0) {
      // The hooks of removals that come without the group (a sync's) get the stored row.
      const unnamed = applied.filter(
        (s) =>
          s.action === 'delete' &&
          changes[s.index]!.type === 'group-removed' &&
          (changes[s.index] as { group?: unknown }).group === undefined,
      );
      const read = unnamed.map((s) => s.groupId);
      for (const group of await readInChunks(read, maxBatchSize, (ids) => store.getGroups(org, ids))) {
        stored.set(group.id, group);
      }
      const memberships = await readInChunks(removed, maxBatchSize, (ids) => store.removeGroupMemberships(org, ids));
      for (const m of memberships) affected.set(m.groupId, [...(affected.get(m.groupId) ?? []), m.userId]);
      await inChunks(removed, maxBatchSize, (ids) => store.deleteGroups(org, ids));
      await this.remapRoles(store, org, unique(memberships.map((m) => m.userId)));
    }
    if (renamed.length > 0) {
      // A role mapped from the group's old name goes, one mapped from its new name comes, at once.
      const members = await readInChunks(renamed, maxBatchSize, (groupIds) => store.listMemberships(org, { groupIds }));
      for (const m of members) affected.set(m.groupId, [...(affected.get(m.groupId) ?? []), m.userId]);
      await this.remapRoles(store, org, unique(members.map((m) => m.userId)));
    }

    const effects = steps.map((step, i): Effect[] =>
      appliedSet.has(step)
        ? groupHookCalls(this.config.hooks, org, step, changes[i]!, source, {
            stored: stored.get(step.groupId),
            affectedUserIds: affected.get(step.groupId) ?? [],
          })
        : [],
    );
    return { steps, written: steps.map((s) => appliedSet.has(s)), effects };
  }

  /**
   * A directory enabled or disabled. With `directoryDisabled: 'deactivate-users'`, a disable also
   * deactivates the organization's active users, each through the version rule at the directory
   * change's version, so a user changed after the directory was disabled (and enabled again) keeps
   * its newer state. Resolves whether the change applied, and its hooks.
   */
  async directory(store: ScimStore, change: DirectoryChange): Promise<{ written: boolean; effects: Effect[] }> {
    const { directory } = change;
    const org = change.event.organizationId;
    const steps = [{ id: directory.id, advance: versionRecord(directory.id, change, false, directory.enabled) }];
    const written = await this.advance(store, org, 'directory', steps);
    if (written.size === 0) return { written: false, effects: [] };
    await store.upsertDirectory(org, {
      id: directory.id,
      organizationId: org,
      enabled: directory.enabled,
      provider: directory.provider,
      directoryType: directory.directoryType,
      status: directory.status,
      version: change.version,
    });
    const deactivated =
      !directory.enabled && this.config.directoryDisabled === 'deactivate-users'
        ? await this.deactivateAll(store, org, change)
        : [];
    const { hooks } = this.config;
    const payload = { organizationId: org, directory, deactivatedUserIds: deactivated, event: change.event };
    return { written: true, effects: hooks.onDirectoryChanged ? [() => hooks.onDirectoryChanged?.(payload)] : [] };
  }

  private async deactivateAll(store: ScimStore, org: string, change: DirectoryChange): Promise<string[]> {
    const limit = Math.min(DIRECTORY_PAGE, this.config.maxBatchSize);
    const deactivated: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.listEntities(org, 'user', { after, limit });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const candidates = page.filter((u) => !u.deleted && u.active && u.version < change.version);
      if (candidates.length === 0) continue;
      const ids = await store.advanceEntities(
        org,
        'user',
        candidates.map((u) => ({
          ...versionRecord(u.id, change, false, false),
          fingerprint: u.fingerprint,
          directoryRoles: u.directoryRoles,
        })),
      );
      if (ids.length === 0) continue;
      await this.config.users.apply(store, org, { remove: [], upsert: [], deactivate: ids, roles: [] });
      deactivated.push(...ids);
    }
    return deactivated;
  }

  /** Groups whose name a role mapping reads and these writes change. */
  private async renamedGroups(store: ScimStore, org: string, writes: readonly GroupWrite[]): Promise<string[]> {
    const named = writes.filter((w) => w.displayName !== undefined);
    if (this.config.roles === null || named.length === 0) return [];
    const stored = new Map(
      (
        await readInChunks(
          named.map((w) => w.id),
          this.config.maxBatchSize,
          (ids) => store.getGroups(org, ids),
        )
      ).map((g) => [g.id, g.displayName]),
    );
    return named.filter((w) => stored.has(w.id) && stored.get(w.id) !== w.displayName).map((w) => w.id);
  }

  /** Roles of users who lost groups or whose groups were renamed, recomputed from their memberships. */
  private async remapRoles(store: ScimStore, org: string, userIds: readonly string[]): Promise<void> {
    const { roles: mapping, maxBatchSize } = this.config;
    if (mapping === null || userIds.length === 0) return;
    const users = [...(await readStates(store, org, 'user', userIds, maxBatchSize)).values()].filter((u) => !u.deleted);
    if (users.length === 0) return;
    const memberships = await readInChunks(
      users.map((u) => u.id),
      maxBatchSize,
      (ids) => store.listMemberships(org, { userIds: ids }),
    );
    const groupIds = unique(memberships.map((m) => m.groupId));
    const names = new Map(
      (await readInChunks(groupIds, maxBatchSize, (ids) => store.getGroups(org, ids))).map((g) => [
        g.id,
        g.displayName,
      ]),
    );
    const roles = remappedRoles(org, users, memberships, names, mapping);
    await this.config.users.apply(store, org, { remove: [], upsert: [], deactivate: [], roles });
  }

  private async decide(
    organizationId: string,
    classified: readonly ClassifiedUser[],
    source: WriteSource,
  ): Promise<ReadonlyMap<number, DeprovisionAction>> {
    const asked = classified.filter((c) => c.deprovision !== null);
    if (asked.length === 0) return NO_DECISIONS;
    const answers = await Promise.all(
      asked.map((c) =>
        decideDeprovision(this.config.deprovision, {
          organizationId,
          userId: c.userId,
          reason: c.deprovision!,
          previous: c.previous ?? null,
          source,
          ...(c.change.event === undefined ? {} : { event: c.change.event }),
        }),
      ),
    );
    return new Map(asked.map((c, i) => [c.index, answers[i]!]));
  }

  /** Writes version records in id order (concurrent batches lock shared rows in one order); resolves the written ids. */
  private async advance(
    store: ScimStore,
    org: string,
    kind: 'user' | 'group' | 'directory',
    steps: readonly { advance: EntityAdvance | null }[],
  ): Promise<ReadonlySet<string>> {
    const items: EntityAdvance[] = [];
    for (const s of steps) if (s.advance !== null) items.push(s.advance);
    if (items.length === 0) return NO_IDS;
    if (items.length > 1) items.sort(byId);
    return new Set(
      await readInChunks(items, this.config.maxBatchSize, (chunk) => store.advanceEntities(org, kind, chunk)),
    );
  }

  /** The version records first, then what depends on them, for the records the store let through. */
  private async writeUsers(store: ScimStore, org: string, steps: readonly UserStep[]): Promise<boolean[]> {
    const { maxBatchSize } = this.config;
    const writtenIds = await this.advance(store, org, 'user', steps);
    const written = steps.map((s) => s.advance !== null && writtenIds.has(s.userId));
    const refs = new Map<string, DirectoryGroupRef>();
    const memberships: { userId: string; groupIds: string[] }[] = [];
    const ops: UserLayerOps = { remove: [], upsert: [], deactivate: [], roles: [] };
    steps.forEach((s, i) => {
      if (!written[i]) return;
      for (const g of s.newGroups) if (!refs.has(g.id)) refs.set(g.id, g);
      if (s.groups !== undefined) memberships.push({ userId: s.userId, groupIds: s.groups.map((g) => g.id) });
      if (s.remove) ops.remove.push(s.userId);
      else if (s.write !== undefined) ops.upsert.push(s.write);
      else if (s.deactivate) ops.deactivate.push(s.userId);
    });
    await inChunks([...refs.values()].sort(byId), maxBatchSize, (groups) => store.ensureGroups(org, groups));
    memberships.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    await inChunks(memberships, maxBatchSize, (entries) => store.replaceMemberships(org, entries));
    await this.config.users.apply(store, org, ops);
    return written;
  }
}

function versionRecord(id: string, change: DirectoryChange, deleted: boolean, active: boolean): EntityAdvance {
  return {
    id,
    version: change.version,
    deleted,
    active,
    fingerprint: null,
    directoryRoles: null,
    eventId: change.eventId,
  };
}
