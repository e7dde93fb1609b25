import type { StoreOps } from '../store/context.js';
import { genericOps } from '../store/generic-ops.js';
import * as bookkeeping from './bookkeeping.js';
import * as memberships from './memberships.js';
import { putResource } from './resources.js';

/** PostgreSQL: the shared statements, with the hot ones unnesting one array parameter a column. */
export const postgresqlOps: StoreOps = {
  ...genericOps,
  claimEvents: bookkeeping.claimEvents,
  finishEvents: bookkeeping.finishEvents,
  getEntities: bookkeeping.getEntities,
  advanceEntities: bookkeeping.advanceEntities,
  ensureGroups: bookkeeping.ensureGroups,
  deleteGroups: bookkeeping.deleteGroups,
  saveLinks: bookkeeping.saveLinks,
  replaceMemberships: memberships.replaceMemberships,
  addMemberships: memberships.addMemberships,
  removeMemberships: memberships.removeMemberships,
  putResource,
};
