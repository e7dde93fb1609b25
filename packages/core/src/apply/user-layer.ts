import type { ScimStore } from '../adapter/contract.js';
import type { UserPatch, UserWrite } from '../adapter/records.js';
import type { DirectoryEvent } from '../events/types.js';
import { inChunks, readInChunks } from './batching.js';
import type { UserStep } from './plan-users.js';
import type { WriteSource } from './types.js';
import type { LinkByEmailContext } from './user-service.js';

/** A user whose roles alone change (a group of its was deleted or renamed). */
export interface RoleUpdate {
  id: string;
  roles: string[];
  active: boolean;
  version: bigint;
}

/** Where a batch is applied: the caller's transaction (and the app's view of it), one organization, one source. */
export interface ApplyScope {
  store: ScimStore;
  /** The transaction as the app's ORM knows it (undefined without transactions). */
  tx: unknown;
  organizationId: string;
  source: WriteSource;
}

/** How the app's users are changed: the adapter's table mapping, or the app's own service functions. */
export interface UserLayer {
  /** The app's side of a batch's applied steps (their version records are written). */
  writeSteps(
    scope: ApplyScope,
    steps: readonly UserStep[],
    events: readonly (DirectoryEvent | undefined)[],
  ): Promise<void>;
  setRoles(scope: ApplyScope, users: readonly RoleUpdate[]): Promise<void>;
  /** Users a disabled directory deactivates. */
  deactivate(scope: ApplyScope, userIds: readonly string[], event: DirectoryEvent): Promise<void>;
}

/**
 * The adapter's table mapping: `deleteUsers`, `upsertUsers`, `patchUsers`, a constant number of calls a
 * batch. With `linkByEmail`, a user seen for the first time is first given the unlinked row with its email
 * where the app allows it.
 */
export function tableUserLayer(
  maxBatchSize: number,
  linkByEmail: ((context: LinkByEmailContext) => boolean | Promise<boolean>) | null,
): UserLayer {
  return {
    async writeSteps(scope, steps) {
      const { store, organizationId: org } = scope;
      const remove: string[] = [];
      const upsert: UserWrite[] = [];
      const deactivate: UserPatch[] = [];
      for (const s of steps) {
        if (s.remove) remove.push(s.userId);
        else if (s.write !== undefined) upsert.push(s.write);
        else if (s.deactivate) deactivate.push({ id: s.userId, active: false });
      }
      if (linkByEmail !== null) await link(scope, steps, linkByEmail, maxBatchSize);
      await inChunks(remove, maxBatchSize, (ids) => store.deleteUsers(org, ids));
      await inChunks(upsert, maxBatchSize, (users) => store.upsertUsers(org, users));
      await inChunks(deactivate, maxBatchSize, (patches) => store.patchUsers(org, patches));
    },
    async setRoles({ store, organizationId }, users) {
      const patches = users.map(({ id, roles }) => ({ id, roles }));
      await inChunks(patches, maxBatchSize, (chunk) => store.patchUsers(organizationId, chunk));
    },
    async deactivate({ store, organizationId }, userIds) {
      const patches = userIds.map((id) => ({ id, active: false }));
      await inChunks(patches, maxBatchSize, (chunk) => store.patchUsers(organizationId, chunk));
    },
  };
}

/** Users new to the app, with an email, that the app allows to take over an unlinked row with that email. */
async function link(
  scope: ApplyScope,
  steps: readonly UserStep[],
  allow: (context: LinkByEmailContext) => boolean | Promise<boolean>,
  maxBatchSize: number,
): Promise<void> {
  const candidates = steps.filter(
    (s) => s.action === 'create' && typeof s.write?.email === 'string' && s.write.email !== '',
  );
  if (candidates.length === 0) return;
  const allowed = await Promise.all(
    candidates.map((s) =>
      allow({
        organizationId: scope.organizationId,
        directoryUserId: s.userId,
        email: s.write!.email!,
        user: s.write!,
        source: scope.source,
      }),
    ),
  );
  const links = candidates
    .filter((_, i) => allowed[i] === true)
    .map((s) => ({ directoryUserId: s.userId, email: s.write!.email! }));
  await readInChunks(links, maxBatchSize, (chunk) => scope.store.linkUsersByEmail(scope.organizationId, chunk));
}
