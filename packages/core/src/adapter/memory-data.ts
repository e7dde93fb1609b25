import type {
  EntityKind,
  EntityState,
  InboxRecord,
  StoredDirectory,
  StoredGroup,
  SyncState,
  UserWrite,
} from './records.js';
import type { ResourceIndex, StoredResource, TokenRecord } from './resources.js';

/**
 * A user as the memory adapter keeps it: the directory fields merged over time, plus roles. Its
 * groups are kept once, as memberships (`inspect.groupIdsOfUser`), not on the user.
 */
export interface MemoryUser extends Omit<UserWrite, 'roles' | 'groups'> {
  roles: string[];
}

export interface Lease {
  owner: string;
  expiresAt: number;
}

/** One step of a transaction's undo log: a map entry to put back (`had` false: delete it). */
export interface UndoStep {
  map: Map<string, unknown>;
  key: string;
  had: boolean;
  previous: unknown;
}

export function rollback(steps: UndoStep[]): void {
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (step.had) step.map.set(step.key, step.previous);
    else step.map.delete(step.key);
  }
}

/** Everything of one organization, keyed by plain ids. */
export class OrgData {
  readonly users = new Map<string, MemoryUser>();
  readonly entities: Record<EntityKind, Map<string, EntityState>> = {
    user: new Map(),
    group: new Map(),
    directory: new Map(),
  };
  /**
   * Ids of each kind in order, built on the first listing after a new id arrived. It may name an id
   * whose insertion was rolled back; listings skip ids the map no longer holds.
   */
  readonly sortedIds: Record<EntityKind, string[] | null> = { user: null, group: null, directory: null };
  readonly groups = new Map<string, StoredGroup>();
  /**
   * user -> group ids. Each entry is a small array replaced whole, never changed in place. There is
   * no reverse index: per-group member sets cost more to keep up during a large sync (hash tables
   * growing to 100,000 entries) than scanning the users costs on the rare group deletion.
   */
  readonly groupsOfUser = new Map<string, readonly string[]>();
  readonly directories = new Map<string, StoredDirectory>();
  readonly syncStates = new Map<string, SyncState>();
  /** directory user id -> app user id. */
  readonly links = new Map<string, string>();
  /** SCIM resources by `${resourceType}:${id}`, with the values filters compare. */
  readonly resources = new Map<string, { resource: StoredResource; index: ResourceIndex }>();
}

export const EMPTY_ORG = new OrgData();

/** Shared by every empty list the store keeps; it never hands it out (reads copy). */
export const NO_STRINGS: readonly string[] = Object.freeze([]);

export class MemoryData {
  readonly inbox = new Map<string, InboxRecord>();
  /**
   * Rows of the "app's users table" no directory user is linked to (the app created them itself), by
   * row id: what table-mode account linking may adopt.
   */
  readonly unlinkedUsers = new Map<string, MemoryUser>();
  /** Where each adopted row went (row id -> its organization and directory user), as a primary key would tell. */
  readonly adoptedRows = new Map<string, { organizationId: string; userId: string }>();
  /** Whether this adapter stands for a table mapping (false: the app's own functions write users). */
  userTable = true;
  /** SCIM tokens by hash. */
  readonly tokens = new Map<string, TokenRecord>();
  readonly leases = new Map<string, Lease>();
  readonly orgs = new Map<string, OrgData>();

  /** The organization's data for a write, created on first use (an empty one needs no undoing). */
  org(organizationId: string): OrgData {
    let org = this.orgs.get(organizationId);
    if (org === undefined) {
      org = new OrgData();
      this.orgs.set(organizationId, org);
    }
    return org;
  }

  /** The organization's data for a read; never creates one. */
  peek(organizationId: string): OrgData {
    return this.orgs.get(organizationId) ?? EMPTY_ORG;
  }
}

export function copyState(state: EntityState): EntityState {
  return {
    ...state,
    directoryRoles: state.directoryRoles === null ? null : [...state.directoryRoles],
    updatedAt: new Date(state.updatedAt.getTime()),
  };
}
