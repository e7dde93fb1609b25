import type { ScimStore, UserPatch, UserWrite } from '../adapter/contract.js';
import { inChunks } from './batching.js';

/** What one batch changes in the app's users, once its version records are written. */
export interface UserLayerOps {
  /** Users deleted from the app. */
  remove: string[];
  /** Users created or updated with their directory record. */
  upsert: UserWrite[];
  /** Users only marked inactive. */
  deactivate: string[];
  /** Users whose roles alone change (a group they were in was deleted). */
  roles: { id: string; roles: string[] }[];
}

/** How the app's users are changed. */
export interface UserLayer {
  apply(store: ScimStore, organizationId: string, ops: UserLayerOps): Promise<void>;
}

/** The adapter's table mapping: `deleteUsers`, `upsertUsers`, `patchUsers`, a constant number of calls a batch. */
export function tableUserLayer(maxBatchSize: number): UserLayer {
  return {
    async apply(store, org, ops) {
      await inChunks(ops.remove, maxBatchSize, (ids) => store.deleteUsers(org, ids));
      await inChunks(ops.upsert, maxBatchSize, (users) => store.upsertUsers(org, users));
      const patches: UserPatch[] = [
        ...ops.deactivate.map((id) => ({ id, active: false })),
        ...ops.roles.map(({ id, roles }) => ({ id, roles })),
      ];
      await inChunks(patches, maxBatchSize, (chunk) => store.patchUsers(org, chunk));
    },
  };
}
