import { retryOnConflict } from '../adapter/conflict-retry.js';
import type { ScimAdapter, ScimStore } from '../adapter/contract.js';
import type { ResourcePut, ResourcePutResult } from '../adapter/resources.js';
import type { Applier } from '../apply/applier.js';
import type { GroupChange, UserChange } from '../apply/changes.js';
import { type Effect, runEffects } from '../apply/effects.js';
import type { ApplyScope } from '../apply/user-layer.js';
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
}

/**
 * The SCIM server's writes: one transaction puts the resource (compare-and-set on its version, which must be
 * older than the request's; userName unique), and takes the change through the apply path with the request's receive time as its version
 * (versions, tombstones, the deprovision policy, memberships as deltas, roles, the app's user layer); the
 * hooks run after the commit. A permanent failure rolls everything back and is answered as rejected.
 */
export class ResourceWriter {
  constructor(private readonly config: ResourceWriterConfig) {}

  async write(write: ResourceWrite): Promise<ResourceWriteResult> {
    const { adapter, conflictRetries, logger } = this.config;
    if (adapter.capabilities.scimResources !== true || adapter.putResource === undefined) {
      throw new ScimError('CONFIGURATION_ERROR', `The ${adapter.name} adapter does not keep SCIM resources`);
    }
    // A version is the receive time of the request that writes it: one not newer than the version the writer
    // read would put an older change over a newer one (and break the order of versions), so it is refused.
    if (write.expectedVersion !== null && write.version <= write.expectedVersion) return 'version-conflict';
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
      if (result === 'ok') await runEffects(effects, logger, { organizationId: write.organizationId });
      return result;
    } catch (error) {
      if (isPermanentFailure(error)) {
        logger.warn('SCIM change rejected', { organizationId: write.organizationId, ...describeError(error) });
        return { rejected: rejectionReason(error) };
      }
      throw isScimError(error)
        ? error
        : new ScimError('STORAGE_FAILURE', 'The SCIM change could not be committed', { cause: error, retryable: true });
    }
  }

  private async apply(scope: ApplyScope & { store: ScimStore }, write: ResourceWrite): Promise<Effect[]> {
    const { applier } = this.config;
    const { change, version } = write;
    if ('user' in change) {
      const userChange: UserChange =
        change.type === 'user_deleted'
          ? { type: 'user-removed', userId: change.user.id, version, eventId: null }
          : // SCIM carries no directory roles: a user's roles are its groups' (and the defaults).
            { type: 'user', user: { ...change.user, roles: change.user.roles ?? [] }, version, eventId: null };
      return (await applier.users(scope, [userChange])).effects.flat();
    }
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
