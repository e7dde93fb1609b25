import type { StoreOps } from '../store/context.js';
import { genericOps } from '../store/generic-ops.js';
import * as bookkeeping from './bookkeeping.js';
import { putResource } from './resources.js';

/** MySQL/MariaDB: the shared statements, and write tokens where the others have RETURNING. */
export const mysqlOps: StoreOps = {
  ...genericOps,
  claimEvents: bookkeeping.claimEvents,
  advanceEntities: bookkeeping.advanceEntities,
  removeGroupMemberships: bookkeeping.removeGroupMemberships,
  acquireLease: bookkeeping.acquireLease,
  putResource,
};
