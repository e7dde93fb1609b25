import { badRequest, ScimRequestError } from '../http/errors.js';
import type { RequestContext } from '../server/request-context.js';
import type { Json } from './representation.js';

/** RFC 7644 3.3: a `userName` already taken in the organization is a 409 `uniqueness` (checked again on write). */
export async function assertUserNameFree(context: RequestContext, attributes: Json, selfId: string | null) {
  const userName = attributes.userName;
  if (typeof userName !== 'string') return;
  const page = await context.server.store.query({
    organizationId: context.organizationId,
    resourceType: 'User',
    filter: { op: 'eq', attribute: 'userName', value: userName.toLowerCase() },
    offset: 0,
    limit: 2,
  });
  if (page.resources.some((resource) => resource.id !== selfId)) throw conflict();
}

export function conflict(): ScimRequestError {
  return new ScimRequestError(409, 'A user with this userName exists', 'uniqueness');
}

/** Members must be users of the same organization: nothing else is addressable with this token. */
export async function assertUsersExist(context: RequestContext, ids: readonly string[]) {
  if (ids.length === 0) return;
  const existing = await context.server.store.existingIds(context.organizationId, 'User', ids);
  const missing = ids.filter((id) => !existing.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ', ...' : '');
    throw badRequest('invalidValue', `Members must be users of this organization; unknown: ${shown}`);
  }
}
