import type { ScimStore } from '../adapter/contract.js';
import type { EntityAdvance, GroupWrite, StoredGroup } from '../adapter/records.js';
import { AdapterError, ScimError } from '../errors.js';
import type { Applied, ApplyConfig } from './apply-config.js';
import { inChunks, readInChunks } from './batching.js';
import type { GroupChange } from './changes.js';
import type { Effect } from './effects.js';
import { groupHookCalls } from './hook-calls.js';
import { readStates } from './load.js';
import { type GroupStep, remappedRoles } from './plan-groups.js';
import type { ApplyScope } from './user-layer.js';
import { byId, isNewer, unique } from './versions.js';

const NO_IDS: ReadonlySet<string> = new Set();

/** Writes version records in id order (concurrent batches lock shared rows in one order); resolves the written ids. */
export async function advanceRecords(
  store: ScimStore,
  org: string,
  kind: 'user' | 'group' | 'directory',
  steps: readonly { advance: EntityAdvance | null }[],
  maxBatchSize: number,
): Promise<ReadonlySet<string>> {
  const items: EntityAdvance[] = [];
  for (const s of steps) if (s.advance !== null) items.push(s.advance);
  if (items.length === 0) return NO_IDS;
  if (items.length > 1) items.sort(byId);
  return new Set(await readInChunks(items, maxBatchSize, (chunk) => store.advanceEntities(org, kind, chunk)));
}

/** A planned version write and the version of the record its plan read (null: the read found none). */
export interface PlannedAdvance {
  advance: EntityAdvance | null;
  read: bigint | null;
}

/**
 * Writes the version records a plan made, in id order, and resolves the written ids. With transactions,
 * each is a compare-and-set on the version the plan read (`expected`): the store refuses it where a
 * concurrent writer has committed a record since that read (a read at READ COMMITTED, or from a
 * REPEATABLE READ snapshot, does not see what commits after it, but the conditional write does). A
 * refused item whose change the stored record now makes stale is left unwritten, as the version rule
 * alone would have; any other refusal means the plan was made from a stale read: the transaction fails
 * as a conflict and runs again (`conflictRetries`), planning from the new record. Without transactions
 * there is no isolation to restore: the version rule alone decides, as before.
 */
export async function advancePlanned(
  store: ScimStore,
  org: string,
  kind: 'user' | 'group',
  steps: readonly PlannedAdvance[],
  maxBatchSize: number,
  transactions: boolean,
): Promise<ReadonlySet<string>> {
  if (!transactions) return advanceRecords(store, org, kind, steps, maxBatchSize);
  for (const s of steps) if (s.advance !== null) s.advance.expected = s.read;
  const written = await advanceRecords(store, org, kind, steps, maxBatchSize);
  const refused: EntityAdvance[] = [];
  for (const s of steps) if (s.advance !== null && !written.has(s.advance.id)) refused.push(s.advance);
  if (refused.length === 0) return written;
  const now = await readStates(
    store,
    org,
    kind,
    refused.map((a) => a.id),
    maxBatchSize,
  );
  // A record only ever grows: one that makes the change stale now always will.
  const lost = refused.filter((a) => isNewer(now.get(a.id), a.version, a.eventId));
  if (lost.length > 0) {
    throw new AdapterError(
      'TRANSACTION_CONFLICT',
      `${lost.length} ${kind}(s) were written by a concurrent transaction after this one read them`,
    );
  }
  return written;
}

/**
 * The group side of the apply path: rows written for creates and updates; a deletion takes the group's
 * memberships with it; SCIM's member deltas; and the roles of every user whose groups changed (deleted,
 * renamed, joined, left) recomputed at once.
 */
export class GroupWriter {
  constructor(private readonly config: ApplyConfig) {}

  async write(scope: ApplyScope, changes: readonly GroupChange[], steps: GroupStep[]): Promise<Applied<GroupStep>> {
    const { maxBatchSize } = this.config;
    const { store, organizationId: org, source } = scope;
    const writtenIds = await advancePlanned(store, org, 'group', steps, maxBatchSize, this.config.transactions);
    const applied = steps.filter((s) => s.advance !== null && writtenIds.has(s.groupId));
    const upserts = applied.flatMap((s) => (s.write === undefined ? [] : [s.write]));
    const created = new Set(applied.filter((s) => s.action === 'create').map((s) => s.groupId));
    const renamed = await this.renamedGroups(store, org, upserts, created);
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
      await this.remapRoles(scope, unique(memberships.map((m) => m.userId)));
    }
    for (const step of applied) {
      const change = changes[step.index]!;
      if (change.type !== 'group' || change.members === undefined) continue;
      const touched = await this.applyMemberDeltas(scope, step.groupId, change.members);
      if (touched.length > 0) affected.set(step.groupId, [...(affected.get(step.groupId) ?? []), ...touched]);
    }
    if (renamed.length > 0) {
      // A role mapped from the group's old name goes, one mapped from its new name comes, at once.
      const members = await readInChunks(renamed, maxBatchSize, (groupIds) => store.listMemberships(org, { groupIds }));
      for (const m of members) affected.set(m.groupId, [...(affected.get(m.groupId) ?? []), m.userId]);
      await this.remapRoles(scope, unique(members.map((m) => m.userId)));
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
   * Membership deltas on one group: added users that are live users of the organization join it, removed
   * ones leave it; the roles of both are recomputed. Resolves the users whose memberships changed.
   */
  private async applyMemberDeltas(
    scope: ApplyScope,
    groupId: string,
    members: { add: readonly string[]; remove: readonly string[] },
  ): Promise<string[]> {
    const { store, organizationId: org } = scope;
    const { maxBatchSize } = this.config;
    if (store.addMemberships === undefined || store.removeMemberships === undefined) {
      throw new ScimError('CONFIGURATION_ERROR', 'membership deltas need an adapter that keeps SCIM resources');
    }
    const live = [...(await readStates(store, org, 'user', unique(members.add), maxBatchSize)).values()]
      .filter((u) => !u.deleted)
      .map((u) => ({ userId: u.id, groupId }));
    const gone = unique(members.remove).map((userId) => ({ userId, groupId }));
    await inChunks(live, maxBatchSize, (chunk) => store.addMemberships!(org, chunk));
    await inChunks(gone, maxBatchSize, (chunk) => store.removeMemberships!(org, chunk));
    const touched = unique([...live.map((m) => m.userId), ...gone.map((m) => m.userId)]);
    await this.remapRoles(scope, touched);
    return touched;
  }

  /**
   * Groups whose name a role mapping reads and these writes change, or set for the first time on a row
   * that users' changes created (`ensureGroups`): that row's name is only as old as the first user
   * change that named it, and its members' roles may have been mapped from other, older names.
   */
  private async renamedGroups(
    store: ScimStore,
    org: string,
    writes: readonly GroupWrite[],
    created: ReadonlySet<string>,
  ): Promise<string[]> {
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
    return named
      .filter((w) => stored.has(w.id) && (created.has(w.id) || stored.get(w.id) !== w.displayName))
      .map((w) => w.id);
  }

  /** Roles of users who lost groups or whose groups were renamed, recomputed from their memberships. */
  async remapRoles(scope: ApplyScope, userIds: readonly string[]): Promise<void> {
    const { roles: mapping, maxBatchSize } = this.config;
    const { store, organizationId: org } = scope;
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
    await this.config.users.setRoles(scope, roles);
  }
}
