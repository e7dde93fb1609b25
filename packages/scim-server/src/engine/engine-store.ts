import type { ScimAdapter, ScimEngine } from '@scim/core';
import { ScimError } from '@scim/core';
import type { ScimGroupRef, ScimStore, ScimWriteResult } from '../store/port.js';

/** What of the engine's adapter the store reads: its SCIM resources and memberships. */
type ResourceAdapter = ScimAdapter & Required<Pick<ScimAdapter, ResourceMethod>>;
type ResourceMethod = 'getResource' | 'queryResources' | 'existingResources' | 'listGroupMembers' | 'findToken';

/**
 * The SCIM server's storage over an engine (`createScimEngine({ ..., directScim: true })`): resources,
 * members and tokens live in the SDK's bookkeeping (whichever adapter the engine has), and every write goes
 * through the engine's one apply path, so SCIM users and groups reach the app exactly as Scalekit's do
 * (versions, tombstones, the deprovision policy, role mapping, the app's user functions, hooks).
 */
export function engineScimStore(engine: ScimEngine): ScimStore {
  const adapter = engine.adapter as ResourceAdapter;
  if (adapter.capabilities.scimResources !== true) {
    throw new ScimError('CONFIGURATION_ERROR', `The ${adapter.name} adapter does not keep SCIM resources`);
  }
  return {
    async findToken(tokenHash) {
      const token = await adapter.findToken(tokenHash);
      return token === null ? null : { organizationId: token.organizationId, expiresAt: token.expiresAt };
    },
    get: (organizationId, resourceType, id) => adapter.getResource(organizationId, resourceType, id),
    query: (query) => adapter.queryResources(query),
    existingIds: async (organizationId, resourceType, ids) =>
      new Set(await adapter.existingResources(organizationId, resourceType, ids)),
    async listMembers({ organizationId, groupId, after, limit }) {
      const ids = await adapter.listGroupMembers(organizationId, groupId, {
        limit,
        ...(after === null ? {} : { after }),
      });
      return ids.map((value) => ({ value }));
    },
    async groupsOfUsers(organizationId, userIds) {
      const out = new Map<string, ScimGroupRef[]>();
      if (userIds.length === 0) return out;
      const memberships = await adapter.listMemberships(organizationId, { userIds });
      const groupIds = [...new Set(memberships.map((m) => m.groupId))];
      const names = new Map((await adapter.getGroups(organizationId, groupIds)).map((g) => [g.id, g.displayName]));
      for (const { userId, groupId } of memberships) {
        const list = out.get(userId) ?? [];
        list.push({ value: groupId, display: names.get(groupId) ?? null });
        out.set(userId, list);
      }
      return out;
    },
    async write(write): Promise<ScimWriteResult> {
      const result = await engine.writeResource(write);
      if (result === 'ok') return { ok: true };
      if (result === 'version-conflict' || result === 'uniqueness') return { ok: false, reason: result };
      return { ok: false, reason: 'rejected', detail: result.rejected };
    },
  };
}
