import { retryOnConflict } from '../adapter/conflict-retry.js';
import type { ScimAdapter, ScimStore } from '../adapter/contract.js';
import type { ResourcePut, ResourcePutResult } from '../adapter/resources.js';
import type { Applier } from '../apply/applier.js';
import type { GroupChange, UserChange } from '../apply/changes.js';
import { type Effect, runEffects } from '../apply/effects.js';
import type { ApplyScope } from '../apply/user-layer.js';
import { GroupCommit, type GroupCommitLimits } from '../engine/group-commit.js';
import { isPermanentFailure, isScimError, ScimError } from '../errors.js';
import type { DirectoryGroup, DirectoryUser } from '../events/types.js';
import { describeError, rejectionReason } from '../log-error.js';
import type { ScimLogger } from '../logger.js';

/** A SCIM request's change, in the engine's terms. */
export type ResourceChange =
  | { type: 'user_created' | 'user_updated' | 'user_deleted'; user: DirectoryUser }
  | { type: 'group_created' | 'group_updated' | 'group_deleted'; group: DirectoryGroup };

/** Everything one SCIM request writes: the resource (compare-and-set), the change, the group's member deltas. */
export interface ResourceWrite extends ResourcePut {
  organizationId: string;
  receivedAt: Date;
  /** Groups: user ids added and removed (disjoint); null for users. */
  members: { add: readonly string[]; remove: readonly string[] } | null;
  change: ResourceChange;
}

/** `rejected`: the app (or a constraint) refused the user for good; nothing was written. */
export type ResourceWriteResult = ResourcePutResult | { rejected: string };

export interface ResourceWriterConfig {
  adapter: ScimAdapter;
  applier: Applier;
  logger: ScimLogger;
  conflictRetries: number;
  /** Group commit of concurrent user creations (adapters with transactions only); null writes each alone. */
  batching: GroupCommitLimits | null;
}

/** A user creation waiting for a transaction, and how to answer its caller. */
interface QueuedCreation {
  write: ResourceWrite;
  resolve(result: ResourceWriteResult): void;
  reject(error: unknown): void;
}

/** What a creation's commit left: its result and hooks to run, or the error to answer with. */
type Committed = { result: ResourceWriteResult; effects: Effect[] } | { error: unknown };

/** A user created by a POST: its id was just made, so nothing else of the request can touch it. */
function isUserCreation(write: ResourceWrite): boolean {
  return write.change.type === 'user_created' && write.expectedVersion === null && write.members === null;
}

/**
 * The SCIM server's writes: one transaction puts the resource (compare-and-set on its version, which must be
 * older than the request's; userName unique), and takes the change through the apply path with the request's receive time as its version
 * (versions, tombstones, the deprovision policy, memberships as deltas, roles, the app's user layer); the
 * hooks run after the commit. A permanent failure rolls everything back and is answered as rejected.
 */
export class ResourceWriter {
  private readonly creations: GroupCommit<QueuedCreation, Committed[]> | null;

  constructor(private readonly config: ResourceWriterConfig) {
    this.creations =
      config.batching === null || !config.adapter.capabilities.transactions
        ? null
        : new GroupCommit(config.batching, {
            commit: (batch) => this.commitCreations(batch),
            settle: (batch, committed) => this.settle(batch, committed),
          });
  }

  /**
   * Writes one request's change. Concurrent user creations of one organization (an identity provider's
   * initial push) share a transaction, as webhook events do: each resource is put on its own (a taken
   * `userName` fails only its request), the users go through the apply path together, and each request is
   * answered after the commit. If the shared transaction fails, its creations are written one by one.
   */
  write(write: ResourceWrite): Promise<ResourceWriteResult> {
    const { adapter } = this.config;
    if (adapter.capabilities.scimResources !== true || adapter.putResource === undefined) {
      return Promise.reject(
        new ScimError('CONFIGURATION_ERROR', `The ${adapter.name} adapter does not keep SCIM resources`),
      );
    }
    const creations = this.creations;
    if (creations === null || !isUserCreation(write)) return this.writeAlone(write);
    return new Promise((resolve, reject) => creations.push(write.organizationId, { write, resolve, reject }));
  }

  /** Creations of one organization in one transaction, or one by one if that fails. Never throws. */
  private async commitCreations(batch: readonly QueuedCreation[]): Promise<Committed[]> {
    if (batch.length > 1) {
      try {
        return await this.createTogether(batch.map((queued) => queued.write));
      } catch (error) {
        this.config.logger.debug('a batch of SCIM creations failed; writing them one by one', {
          requests: batch.length,
          code: isScimError(error) ? error.code : undefined,
        });
      }
    }
    const committed: Committed[] = [];
    for (const { write } of batch) {
      try {
        committed.push(await this.commitAlone(write));
      } catch (error) {
        committed.push({ error });
      }
    }
    return committed;
  }

  private async createTogether(writes: readonly ResourceWrite[]): Promise<Committed[]> {
    const { adapter, conflictRetries, applier } = this.config;
    const organizationId = writes[0]!.organizationId;
    return retryOnConflict(
      () =>
        adapter.transaction(async (store, tx) => {
          const results: ResourceWriteResult[] = [];
          for (const write of writes) results.push(await store.putResource!(organizationId, write));
          const put = writes.filter((_, i) => results[i] === 'ok').map(userChangeOf);
          const scope = { store, tx, organizationId, source: 'scim' as const };
          const effects = put.length === 0 ? [] : (await applier.users(scope, put)).effects;
          let k = 0;
          return writes.map((_, i) => ({
            result: results[i]!,
            effects: results[i] === 'ok' ? (effects[k++] ?? []) : [],
          }));
        }),
      { retries: conflictRetries },
    );
  }

  private async settle(batch: readonly QueuedCreation[], committed: readonly Committed[]): Promise<void> {
    const { logger } = this.config;
    await Promise.all(
      batch.map(async ({ write, resolve, reject }, i) => {
        const done = committed[i]!;
        if ('error' in done) return reject(done.error);
        if (done.result === 'ok' && done.effects.length > 0) {
          await runEffects(done.effects, logger, { organizationId: write.organizationId });
        }
        resolve(done.result);
      }),
    );
  }

  /** One write in a transaction of its own; its hooks run before it resolves. */
  private async writeAlone(write: ResourceWrite): Promise<ResourceWriteResult> {
    const { result, effects } = await this.commitAlone(write);
    if (result === 'ok') await runEffects(effects, this.config.logger, { organizationId: write.organizationId });
    return result;
  }

  /** Commits one write; a permanent failure rolls it back and is its result (rejected), not an error. */
  private async commitAlone(write: ResourceWrite): Promise<{ result: ResourceWriteResult; effects: Effect[] }> {
    const { adapter, conflictRetries, logger } = this.config;
    // A version is the receive time of the request that writes it: one not newer than the version the writer
    // read would put an older change over a newer one (and break the order of versions), so it is refused.
    if (write.expectedVersion !== null && write.version <= write.expectedVersion) {
      return { result: 'version-conflict', effects: [] };
    }
    let effects: Effect[] = [];
    try {
      const result = await retryOnConflict(
        () =>
          adapter.transaction(async (store, tx) => {
            effects = [];
            const put = await store.putResource!(write.organizationId, write);
            if (put !== 'ok') return put;
            effects = await this.apply({ store, tx, organizationId: write.organizationId, source: 'scim' }, write);
            return put;
          }),
        { retries: conflictRetries },
      );
      return { result, effects: result === 'ok' ? effects : [] };
    } catch (error) {
      if (isPermanentFailure(error)) {
        logger.warn('SCIM change rejected', { organizationId: write.organizationId, ...describeError(error) });
        return { result: { rejected: rejectionReason(error) }, effects: [] };
      }
      throw isScimError(error)
        ? error
        : new ScimError('STORAGE_FAILURE', 'The SCIM change could not be committed', { cause: error, retryable: true });
    }
  }

  private async apply(scope: ApplyScope & { store: ScimStore }, write: ResourceWrite): Promise<Effect[]> {
    const { applier } = this.config;
    const { change, version } = write;
    if ('user' in change) return (await applier.users(scope, [userChangeOf(write)])).effects.flat();
    const groupChange: GroupChange =
      change.type === 'group_deleted'
        ? { type: 'group-removed', groupId: change.group.id, group: change.group, version, eventId: null }
        : {
            type: 'group',
            group: change.group,
            version,
            eventId: null,
            ...(write.members === null ? {} : { members: write.members }),
          };
    return (await applier.groups(scope, [groupChange])).effects.flat();
  }
}

/** A user request's change in the apply path's terms. */
function userChangeOf(write: ResourceWrite): UserChange {
  const { change, version } = write;
  if (!('user' in change)) throw new Error('userChangeOf: not a user change');
  return change.type === 'user_deleted'
    ? { type: 'user-removed', userId: change.user.id, version, eventId: null }
    : // SCIM carries no directory roles: a user's roles are its groups' (and the defaults).
      { type: 'user', user: { ...change.user, roles: change.user.roles ?? [] }, version, eventId: null };
}
