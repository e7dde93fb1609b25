import type { EntityAdvance, EntityState, UserWrite } from '../adapter/contract.js';
import type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';
import { type UserChange, userIdOf } from './changes.js';
import { userFingerprint } from './fingerprint.js';
import { mergeRoles, type RoleMapper } from './policies.js';
import type { DeprovisionAction, DeprovisionReason, ProvisionChange } from './types.js';
import { toUserWrite } from './user-write.js';
import { isNewer, unique } from './versions.js';

/**
 * The user rules, as pure functions: from the stored version records, what the store knows of the
 * groups, the incoming changes and the deprovision policy's answers, which writes to make and which
 * hooks to fire. Every source goes through here: a webhook event, a page of a sync, a user a full
 * sync no longer finds.
 *
 * Two passes, because the policy may be the app's own (async) function: `classifyUsers` says which
 * users the policy must decide, the caller asks it, and `planUsers` finishes the plan.
 */

/** What the store knows of the groups a batch's users name, read before planning. */
export interface GroupFacts {
  /** Groups with a tombstone: a user change sent before their deletion must not bring them back. */
  deleted: ReadonlySet<string>;
  /** Groups with a live version record: their row exists, so `ensureGroups` can skip them. */
  live: ReadonlySet<string>;
  /** Display names as the store knows them (read only for a role mapping, which matches on names). */
  names: ReadonlyMap<string, string | null>;
  /** Versions of the groups' live records: a change newer than a group's record knows its newer name. */
  versions: ReadonlyMap<string, bigint>;
}

export interface UserPlanInput {
  changes: readonly UserChange[];
  /** Version records of the changes' users, by id. */
  previous: ReadonlyMap<string, EntityState>;
  groups: GroupFacts;
  /** Stored group ids of users whose change names no groups (read only when a role mapping needs them). */
  storedGroups: ReadonlyMap<string, readonly string[]>;
  roles: RoleMapper | null;
  /**
   * Whether a stale change is compared with the stored content (a sync's report tells an unchanged user
   * from one it skipped); a webhook's stale change needs no digest.
   */
  compareStale?: boolean;
  /**
   * Whether the version records read are the current ones for the plan's writes: with transactions, every
   * version write is a compare-and-set against the record read (`expected`), and a record written since the
   * read refuses it and has the transaction planned again. Then a user the read saw inactive, or did not see,
   * is not deactivated again (without it, a removal reaches the app's user whatever the read saw).
   */
  readIsCurrent?: boolean;
}

/**
 * - `create`: the user is new to the app (or comes back after its row was deleted) and is written.
 * - `update`: its directory record changed, its access did not.
 * - `reactivate`: inactive or deleted before, active now.
 * - `deactivate`: active before, inactive now (the row stays).
 * - `delete`: the app's row is deleted.
 * - `keep`: the policy said to leave the app's user as it is; only the bookkeeping follows.
 * - `unchanged`: nothing of the app's user changes (the version record may still advance).
 * - `stale`: an older or repeated change; nothing is written.
 */
export type UserAction = 'create' | 'update' | 'reactivate' | 'deactivate' | 'delete' | 'keep' | 'unchanged' | 'stale';

export type UserHook =
  | { kind: 'provisioned'; change: ProvisionChange }
  | { kind: 'updated' }
  | { kind: 'deprovisioned'; action: Exclude<DeprovisionAction, 'keep'>; reason: DeprovisionReason };

export interface ClassifiedUser {
  /** Position of the change in the input. */
  index: number;
  userId: string;
  change: UserChange;
  previous: EntityState | undefined;
  /** Passes the version rule (and is the newest change of its user in the batch). */
  newer: boolean;
  /** A version record that is not a tombstone. */
  live: boolean;
  /**
   * The same event again (same version, same event id): its first attempt was interrupted after the
   * version record was written (possible only without transactions). Its writes are all made again.
   */
  retry: boolean;
  /** Upserts: the user, its groups deleted since left out. */
  effective: DirectoryUser | undefined;
  /** Upserts: whether the user is active after the change. */
  active: boolean;
  fingerprint: string | null;
  /**
   * The stored record already holds this content. The change is still written (the read may be older
   * than a concurrent writer's commit; writing the newest content again is always right), but it
   * tells the app of no change.
   */
  sameContent: boolean;
  /** Set when the deprovision policy must decide this change. */
  deprovision: DeprovisionReason | null;
}

export interface UserStep {
  index: number;
  userId: string;
  action: UserAction;
  /** The version record to write; null for a stale change. Every other write depends on it being written. */
  advance: EntityAdvance | null;
  /** The user's groups after the change (deleted groups left out); undefined leaves memberships as they are. */
  groups: DirectoryGroupRef[] | undefined;
  /** Of those, the groups without a live version record, whose rows may not exist yet (`ensureGroups`). */
  newGroups: DirectoryGroupRef[];
  /** The user as written to the app (`create`, `update`, `reactivate`, `deactivate` of an upsert). */
  write: UserWrite | undefined;
  /** A removal that only marks the app's user inactive. */
  deactivate: boolean;
  /** The app's user is deleted. */
  remove: boolean;
  hook: UserHook | null;
  /** A stale change whose content the store already holds (the same version, or the same fingerprint). */
  upToDate: boolean;
  /**
   * The version of the user's record the plan read (null: none, to the plan the app has never had the
   * user). The plan holds only if a concurrent transaction has not written another since the read: with
   * transactions the applier writes `advance` only if the record is still this one.
   */
  read: bigint | null;
}

/** First pass: which changes are newer, what each user's content and state become, who the policy must decide. */
export function classifyUsers(input: UserPlanInput): ClassifiedUser[] {
  const { changes, previous, groups } = input;
  // Of several changes to one user in a batch, only the newest can apply (the later one on a tie).
  const winner = new Map<string, number>();
  if (changes.length > 1) {
    changes.forEach((change, index) => {
      const id = userIdOf(change);
      const current = winner.get(id);
      if (current === undefined || changes[current]!.version <= change.version) winner.set(id, index);
    });
  }
  return changes.map((change, index) => {
    const userId = userIdOf(change);
    const prev = previous.get(userId);
    const live = prev !== undefined && !prev.deleted;
    const newer =
      (changes.length === 1 || winner.get(userId) === index) && isNewer(prev, change.version, change.eventId);
    const retry = newer && prev !== undefined && prev.version === change.version;
    if (change.type === 'user-removed') {
      return {
        index,
        userId,
        change,
        previous: prev,
        newer,
        live,
        retry,
        effective: undefined,
        active: false,
        fingerprint: null,
        sameContent: false,
        // Asked even when the read found no live user: a concurrent transaction may have created one
        // after that read, and the removal must still reach it.
        deprovision: newer ? 'deleted' : null,
      };
    }
    const effective = withoutDeletedGroups(change.user, groups.deleted);
    const active = effective.active ?? (live ? prev.active : true);
    const compared = newer || (input.compareStale === true && live && prev.version !== change.version);
    const fingerprint = compared ? userFingerprint(effective, active) : null;
    // Not for a retry of the same event: its first attempt may have written the version record and
    // failed before the user, and the retry must write the user.
    const sameContent =
      fingerprint !== null && live && !retry && prev.fingerprint === fingerprint && prev.active === active;
    return {
      index,
      userId,
      change,
      previous: prev,
      newer,
      live,
      retry,
      effective,
      active,
      fingerprint,
      sameContent,
      deprovision: newer && !active ? 'deactivated' : null,
    };
  });
}

/** Second pass: the steps, given the policy's answer for every change `classifyUsers` flagged. */
export function planUsers(
  input: UserPlanInput,
  classified: readonly ClassifiedUser[],
  decisions: ReadonlyMap<number, DeprovisionAction>,
): UserStep[] {
  return classified.map((c) => {
    if (!c.newer) {
      const stale = step(c, 'stale', null);
      stale.upToDate =
        c.previous !== undefined &&
        (c.previous.version === c.change.version ||
          (c.live && c.fingerprint !== null && c.previous.fingerprint === c.fingerprint));
      return stale;
    }
    if (c.change.type === 'user-removed') return planRemoval(c, decision(c, decisions), input.readIsCurrent === true);
    return planUpsert(input, c, c.deprovision === null ? null : decision(c, decisions));
  });
}

function decision(c: ClassifiedUser, decisions: ReadonlyMap<number, DeprovisionAction>): DeprovisionAction | null {
  if (c.deprovision === null) return null;
  const action = decisions.get(c.index);
  if (action === undefined) throw new Error(`no deprovision decision for change ${c.index} (user ${c.userId})`);
  return action;
}

function step(c: ClassifiedUser, action: UserAction, advance: EntityAdvance | null): UserStep {
  return {
    index: c.index,
    userId: c.userId,
    action,
    advance,
    groups: undefined,
    newGroups: NO_REFS,
    write: undefined,
    deactivate: false,
    remove: false,
    hook: null,
    upToDate: false,
    read: c.previous?.version ?? null,
  };
}

const HOOK_UPDATED: UserHook = { kind: 'updated' };
const HOOK_CREATED: UserHook = { kind: 'provisioned', change: 'created' };
const HOOK_REACTIVATED: UserHook = { kind: 'provisioned', change: 'reactivated' };

// Steps are built as one literal (`step`) and then filled in: every step keeps one shape, and no spread
// copies it on the way (this runs for every user of every change).

function planRemoval(c: ClassifiedUser, action: DeprovisionAction | null, readIsCurrent: boolean): UserStep {
  const prev = c.previous;
  const wasActive = c.live && prev!.active;
  const advance: EntityAdvance = {
    id: c.userId,
    version: c.change.version,
    deleted: true,
    active: action === 'keep' ? wasActive : false,
    fingerprint: null,
    directoryRoles: null,
    eventId: c.change.eventId,
  };
  let planned: UserStep;
  if (action === 'keep') {
    planned = step(c, 'keep', advance);
  } else if (action === 'delete') {
    // Unless the read is current (`readIsCurrent`), the app's user is deactivated or deleted even when the
    // read found none: it may have been written by a transaction that committed after that read (both are
    // harmless when there is no user). The hook tells only of an access the read saw.
    planned = step(c, c.live ? 'delete' : 'unchanged', advance);
    planned.remove = c.live || !readIsCurrent;
    if (c.live) planned.hook = { kind: 'deprovisioned', action: 'delete', reason: 'deleted' };
  } else {
    planned = step(c, wasActive ? 'deactivate' : 'unchanged', advance);
    planned.deactivate = wasActive || !readIsCurrent;
    if (wasActive) planned.hook = { kind: 'deprovisioned', action: 'deactivate', reason: 'deleted' };
  }
  planned.groups = [];
  return planned;
}

function planUpsert(input: UserPlanInput, c: ClassifiedUser, action: DeprovisionAction | null): UserStep {
  const user = c.effective!;
  const prev = c.previous;
  const directoryRoles = user.roles !== undefined ? unique(user.roles) : (prev?.directoryRoles ?? null);
  const advance: EntityAdvance = {
    id: c.userId,
    version: c.change.version,
    deleted: false,
    active: c.active,
    fingerprint: c.fingerprint,
    directoryRoles,
    eventId: c.change.eventId,
  };
  const wasActive = c.live && prev!.active;
  if (action === 'keep') {
    advance.active = c.live ? prev!.active : false;
    const planned = step(c, 'keep', advance);
    planned.groups = user.groups;
    planned.newGroups = newGroupsOf(input, user);
    return planned;
  }
  if (action === 'delete') {
    advance.deleted = true;
    const planned = step(c, 'delete', advance);
    planned.groups = [];
    planned.remove = true;
    if (c.live) planned.hook = { kind: 'deprovisioned', action: 'delete', reason: 'deactivated' };
    return planned;
  }
  const planned = step(c, 'update', advance);
  planned.groups = user.groups;
  planned.newGroups = newGroupsOf(input, user);
  planned.write = toUserWrite(user, c.active, c.change.version, rolesOf(input, user, directoryRoles, c.change.version));
  if (!c.active) {
    // action === 'deactivate': the row is written, inactive.
    if (wasActive) {
      planned.action = 'deactivate';
      planned.hook = { kind: 'deprovisioned', action: 'deactivate', reason: 'deactivated' };
    } else if (c.live) {
      planned.hook = HOOK_UPDATED;
    } else {
      // Never had access: the row is written inactive, and no hook tells of a change of access.
      planned.action = 'create';
    }
  } else if (wasActive) {
    planned.hook = HOOK_UPDATED;
  } else if (prev === undefined) {
    planned.action = 'create';
    planned.hook = HOOK_CREATED;
  } else {
    planned.action = 'reactivate';
    planned.hook = HOOK_REACTIVATED;
  }
  // The same content again: written all the same (see `sameContent`), but nothing to tell the app.
  if (c.sameContent && planned.action === 'update') {
    planned.action = 'unchanged';
    planned.hook = null;
  }
  return planned;
}

/**
 * Roles = the directory's own roles (from this change, or the last one that gave them) plus the
 * mapped ones. A change that gives neither roles nor groups leaves the stored roles (undefined).
 */
function rolesOf(
  input: UserPlanInput,
  user: DirectoryUser,
  directoryRoles: string[] | null,
  version: bigint,
): string[] | undefined {
  if (user.roles === undefined && user.groups === undefined) return undefined;
  const mapping = input.roles;
  if (mapping === null) return directoryRoles ?? [];
  const refs: DirectoryGroupRef[] = user.groups ?? (input.storedGroups.get(user.id) ?? []).map((id) => ({ id }));
  const groups = refs.map((g) => ({ id: g.id, displayName: nameOf(input.groups, g, version) }));
  return mergeRoles(directoryRoles ?? undefined, mapping(user, groups));
}

/**
 * A group's name as the mapping sees it: the one the change carries when the change is newer than the
 * group's own record (the group was renamed since that record), else the stored one.
 */
function nameOf(facts: GroupFacts, ref: DirectoryGroupRef, version: bigint): string | null {
  const recorded = facts.versions.get(ref.id);
  if (ref.displayName != null && (recorded === undefined || recorded < version)) return ref.displayName;
  return facts.names.get(ref.id) ?? ref.displayName ?? null;
}

const NO_REFS: DirectoryGroupRef[] = [];

function newGroupsOf(input: UserPlanInput, user: DirectoryUser): DirectoryGroupRef[] {
  if (user.groups === undefined || user.groups.length === 0) return NO_REFS;
  return user.groups.filter((g) => !input.groups.live.has(g.id));
}

/** The user without the groups deleted since; the same object when there are none. */
function withoutDeletedGroups(user: DirectoryUser, deleted: ReadonlySet<string>): DirectoryUser {
  if (deleted.size === 0 || user.groups === undefined || !user.groups.some((g) => deleted.has(g.id))) return user;
  return { ...user, groups: user.groups.filter((g) => !deleted.has(g.id)) };
}
