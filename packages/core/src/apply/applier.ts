import type { EntityAdvance } from '../adapter/records.js';
import type { DirectoryEvent, DirectoryGroupRef } from '../events/types.js';
import { markSensitive, stringsOf } from '../redact.js';
import type { Applied, ApplyConfig } from './apply-config.js';
import { inChunks } from './batching.js';
import type { DirectoryChange, GroupChange, UserChange } from './changes.js';
import type { Effect } from './effects.js';
import { advancePlanned, advanceRecords, GroupWriter } from './group-writer.js';
import { userHookCalls } from './hook-calls.js';
import { loadUserFacts, readStates } from './load.js';
import { type GroupStep, planGroups } from './plan-groups.js';
import { type ClassifiedUser, classifyUsers, planUsers, type UserStep } from './plan-users.js';
import { decideDeprovision } from './policies.js';
import type { DeprovisionAction, ScimHooks, WriteSource } from './types.js';
import type { ApplyScope } from './user-layer.js';
import { byId, unique } from './versions.js';

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
  private readonly groupWriter: GroupWriter;

  constructor(private readonly config: ApplyConfig) {
    this.groupWriter = new GroupWriter(config);
  }

  /** Whether a role mapping reads group names (group changes then do not commute with user changes). */
  get mapsRoles(): boolean {
    return this.config.roles !== null;
  }

  get hooks(): ScimHooks {
    return this.config.hooks;
  }

  /** Plans user changes of one organization without writing anything (a sync's dry run). */
  async planUsers(scope: ApplyScope, changes: readonly UserChange[]) {
    const { store, organizationId: org, source } = scope;
    const facts = await loadUserFacts(store, org, changes, this.config.roles !== null, this.config.maxBatchSize);
    const input = {
      changes,
      roles: this.config.roles,
      compareStale: source === 'sync',
      readIsCurrent: this.config.transactions,
      ...facts,
    };
    const classified = classifyUsers(input);
    const asked = classified.some((c) => c.deprovision !== null);
    return planUsers(input, classified, asked ? await this.decide(org, classified, source) : NO_DECISIONS);
  }

  /** Applies user changes of one organization. */
  users(scope: ApplyScope, changes: readonly UserChange[]): Promise<Applied<UserStep>> {
    return this.applyUsers(scope, changes).catch((error: unknown) => {
      // A driver's error may quote the rows it refused: whoever logs it must not repeat them.
      markSensitive(error, stringsOf(changes.map((c) => (c.type === 'user' ? c.user : c.userId))));
      throw error;
    });
  }

  private async applyUsers(scope: ApplyScope, changes: readonly UserChange[]): Promise<Applied<UserStep>> {
    const steps = await this.planUsers(scope, changes);
    const written = await this.writeUsers(scope, steps, changes);
    const { organizationId: org, source } = scope;
    const effects = steps.map((step, i) =>
      written[i] ? userHookCalls(this.config.hooks, org, step, changes[i]!, source) : NO_EFFECTS,
    );
    return { steps, written, effects };
  }

  /** Plans group changes of one organization without writing anything. */
  async planGroups(scope: ApplyScope, changes: readonly GroupChange[]): Promise<GroupStep[]> {
    const { store, organizationId: org } = scope;
    const ids = unique(changes.map((c) => (c.type === 'group' ? c.group.id : c.groupId)));
    return planGroups(org, changes, await readStates(store, org, 'group', ids, this.config.maxBatchSize));
  }

  /**
   * Applies group changes of one organization: rows written for creates and updates; a deletion takes
   * the group's memberships with it and recomputes the roles of the users who lost it.
   */
  async groups(scope: ApplyScope, changes: readonly GroupChange[]): Promise<Applied<GroupStep>> {
    try {
      return await this.groupWriter.write(scope, changes, await this.planGroups(scope, changes));
    } catch (error) {
      markSensitive(error, stringsOf(changes.map((c) => (c.type === 'group' ? c.group : c.groupId))));
      throw error;
    }
  }

  /**
   * A directory enabled or disabled. With `directoryDisabled: 'deactivate-users'`, a disable also
   * deactivates the organization's active users, each through the version rule at the directory
   * change's version, so a user changed after the directory was disabled (and enabled again) keeps
   * its newer state. Resolves whether the change applied, and its hooks.
   */
  async directory(scope: ApplyScope, change: DirectoryChange): Promise<{ written: boolean; effects: Effect[] }> {
    const { directory } = change;
    const { store, organizationId: org } = scope;
    const steps = [{ id: directory.id, advance: versionRecord(directory.id, change, false, directory.enabled) }];
    const written = await advanceRecords(store, org, 'directory', steps, this.config.maxBatchSize);
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
        ? await this.deactivateAll(scope, change)
        : [];
    const { hooks } = this.config;
    const payload = { organizationId: org, directory, deactivatedUserIds: deactivated, event: change.event };
    return { written: true, effects: hooks.onDirectoryChanged ? [() => hooks.onDirectoryChanged?.(payload)] : [] };
  }

  private async deactivateAll(scope: ApplyScope, change: DirectoryChange): Promise<string[]> {
    const { store, organizationId: org } = scope;
    const limit = Math.min(DIRECTORY_PAGE, this.config.maxBatchSize);
    const deactivated: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.listEntities(org, 'user', { after, limit });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const candidates = page.filter((u) => !u.deleted && u.active && u.version < change.version);
      if (candidates.length === 0) continue;
      // The record keeps the listed fingerprint and roles: with transactions, only if it is still the
      // listed one (a user written since the listing is a conflict: the transaction runs again).
      const steps = candidates.map((u) => ({
        advance: {
          ...versionRecord(u.id, change, false, false),
          fingerprint: u.fingerprint,
          directoryRoles: u.directoryRoles,
        },
        read: u.version,
      }));
      const written = await advancePlanned(store, org, 'user', steps, limit, this.config.transactions);
      const ids = candidates.filter((u) => written.has(u.id)).map((u) => u.id);
      if (ids.length === 0) continue;
      await this.config.users.deactivate(scope, ids, change.event);
      deactivated.push(...ids);
    }
    return deactivated;
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

  /** The version records first, then what depends on them, for the records the store let through. */
  private async writeUsers(
    scope: ApplyScope,
    steps: readonly UserStep[],
    changes: readonly UserChange[],
  ): Promise<boolean[]> {
    const { maxBatchSize } = this.config;
    const { store, organizationId: org } = scope;
    const writtenIds = await advancePlanned(store, org, 'user', steps, maxBatchSize, this.config.transactions);
    const written = steps.map((s) => s.advance !== null && writtenIds.has(s.userId));
    const refs = new Map<string, DirectoryGroupRef>();
    const memberships: { userId: string; groupIds: string[] }[] = [];
    const applied: UserStep[] = [];
    const events: (DirectoryEvent | undefined)[] = [];
    steps.forEach((s, i) => {
      if (!written[i]) return;
      for (const g of s.newGroups) if (!refs.has(g.id)) refs.set(g.id, g);
      if (s.groups !== undefined) memberships.push({ userId: s.userId, groupIds: s.groups.map((g) => g.id) });
      applied.push(s);
      events.push(changes[i]!.event);
    });
    await inChunks([...refs.values()].sort(byId), maxBatchSize, (groups) => store.ensureGroups(org, groups));
    memberships.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    await inChunks(memberships, maxBatchSize, (entries) => store.replaceMemberships(org, entries));
    if (applied.length > 0) await this.config.users.writeSteps(scope, applied, events);
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
