import type { StoreOps } from './context.js';
import * as entities from './entities.js';
import * as groups from './groups.js';
import * as inbox from './inbox.js';
import * as links from './links.js';
import * as resources from './resources.js';
import * as sync from './sync.js';

/**
 * The statements every dialect can share, in the standard SQL the three speak (multi-row VALUES, an upsert
 * clause, RETURNING where there is one). A dialect takes these and replaces the ones it does better, or
 * differently, and adds its own `putResource`.
 */
export const genericOps: Omit<StoreOps, 'putResource'> = {
  claimEvents: inbox.claimEvents,
  finishEvents: inbox.finishEvents,
  getEvent: inbox.getEvent,
  listEvents: inbox.listEvents,
  pruneEvents: inbox.pruneEvents,
  getEntities: entities.getEntities,
  advanceEntities: entities.advanceEntities,
  listEntities: entities.listEntities,
  upsertGroups: groups.upsertGroups,
  ensureGroups: groups.ensureGroups,
  deleteGroups: groups.deleteGroups,
  getGroups: groups.getGroups,
  replaceMemberships: groups.replaceMemberships,
  removeGroupMemberships: groups.removeGroupMemberships,
  listMemberships: groups.listMemberships,
  upsertDirectory: sync.upsertDirectory,
  getDirectory: sync.getDirectory,
  getSyncState: sync.getSyncState,
  listSyncStates: sync.listSyncStates,
  saveSyncState: sync.saveSyncState,
  acquireLease: sync.acquireLease,
  releaseLease: sync.releaseLease,
  getLeases: sync.getLeases,
  getLinks: links.getLinks,
  getLinksToAppUsers: links.getLinksToAppUsers,
  saveLinks: links.saveLinks,
  deleteLinks: links.deleteLinks,
  getResource: resources.getResource,
  queryResources: resources.queryResources,
  existingResources: resources.existingResources,
  addMemberships: (ctx, organizationId, memberships) =>
    groups.insertMemberships(
      ctx,
      organizationId,
      memberships.map((m) => [m.userId, m.groupId] as const),
    ),
  removeMemberships: resources.removeMemberships,
  listGroupMembers: resources.listGroupMembers,
  findToken: resources.findToken,
  saveToken: resources.saveToken,
  listTokens: resources.listTokens,
  expireTokens: resources.expireTokens,
};
