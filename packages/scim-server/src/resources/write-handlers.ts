import { readJsonBody } from '../http/body.js';
import { ScimRequestError } from '../http/errors.js';
import { listParam } from '../http/query.js';
import { emptyResponse, jsonResponse } from '../http/respond.js';
import type { ScimResponse } from '../http/types.js';
import { applyOperations } from '../patch/apply.js';
import { memberIds } from '../patch/members.js';
import { normalizePatch } from '../patch/normalize.js';
import { type ResourceSchemas, resolvePath } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { StoredScimResource } from '../store/port.js';
import { canonicalResource, checkRequired } from './canonical.js';
import { prepareWrite } from './changes.js';
import { assertUserNameFree, assertUsersExist, conflict } from './checks.js';
import { commitChange } from './commit.js';
import { createProjection } from './projection.js';
import { type KnownRelations, memberPages, render } from './render.js';
import type { Json } from './representation.js';
import { etagOf } from './version.js';

/** A group body's `members` (any spelling of the key), taken out: members are rows, not attributes. */
function takeMembers(body: Json, schemas: ResourceSchemas): { rest: Json; ids: string[] | undefined } {
  if (schemas.resourceType !== 'Group') return { rest: body, ids: undefined };
  const rest: Json = {};
  let ids: string[] | undefined;
  for (const [key, value] of Object.entries(body)) {
    const resolved = resolvePath(schemas, key);
    if (resolved !== undefined && !('wholeExtension' in resolved) && resolved.attribute.name === 'members') {
      ids = value === null ? [] : [...new Set(memberIds(value))];
    } else rest[key] = value;
  }
  return { rest, ids };
}

async function answerWith(
  context: RequestContext,
  schemas: ResourceSchemas,
  stored: StoredScimResource,
  status: number,
  extraHeaders: Record<string, string> = {},
  known: KnownRelations = {},
): Promise<ScimResponse> {
  const { params } = context;
  const projection = createProjection(
    schemas,
    listParam(params.get('attributes')),
    listParam(params.get('excludedattributes')),
  );
  const body = await render(context, schemas, stored, projection, known);
  return jsonResponse(context.request, status, body, { etag: etagOf(stored.version), ...extraHeaders });
}

export async function createResource(context: RequestContext, schemas: ResourceSchemas): Promise<ScimResponse> {
  const { server } = context;
  const { rest, ids } = takeMembers(readJsonBody(context.request, server.maxBodyBytes), schemas);
  const attributes = canonicalResource(rest, schemas, server.canonical);
  checkRequired(attributes, schemas);
  // A userName already taken is refused by the write itself (the store's uniqueness check): no read first.
  await assertUsersExist(context, ids ?? []);
  for (let attempt = 0; attempt <= server.maxWriteRetries; attempt += 1) {
    const id = server.generateId();
    const { write, stored } = prepareWrite(context, schemas, id, null, attributes, { add: ids ?? [], remove: [] });
    const result = await server.store.write(write);
    if (result.ok) {
      const location = context.locationOf(schemas.endpoint, id);
      // Nothing else can name a user whose id was just made: it is in no group, with no read to show it. (A new
      // group's members are read back: the store gives their display names.)
      const known: KnownRelations = schemas.resourceType === 'User' ? { groups: [] } : {};
      return answerWith(context, schemas, stored!, 201, { location }, known);
    }
    if (result.reason === 'uniqueness') throw conflict();
    if (result.reason === 'rejected') throw new ScimRequestError(400, result.detail, 'invalidValue');
  }
  throw new ScimRequestError(503, 'The resource could not be created; retry it');
}

/**
 * PUT replaces the resource. Two deliberate readings: a user's `active` left out keeps its value (Okta's
 * generic app leaves it out and means no suspension), and a group's `members` left out keeps the members
 * (a rename must not empty a group); `members: []` empties it.
 */
export async function replaceResource(
  context: RequestContext,
  schemas: ResourceSchemas,
  id: string,
): Promise<ScimResponse> {
  const { server } = context;
  const { rest, ids } = takeMembers(readJsonBody(context.request, server.maxBodyBytes), schemas);
  const replacement = canonicalResource(rest, schemas, server.canonical);
  checkRequired(replacement, schemas);
  await assertUsersExist(context, ids ?? []);
  const stored = await commitChange(context, schemas, id, async (current) => {
    const attributes = { ...replacement };
    if (schemas.resourceType === 'User') {
      if (attributes.active === undefined && current.attributes.active !== undefined) {
        attributes.active = current.attributes.active;
      }
      await assertUserNameFree(context, attributes, id);
    }
    if (ids === undefined) return { attributes, members: null };
    const target = new Set(ids);
    const present = new Set<string>();
    for await (const page of memberPages(context, id)) for (const member of page) present.add(member.value);
    return {
      attributes,
      members: {
        add: ids.filter((member) => !present.has(member)),
        remove: [...present].filter((member) => !target.has(member)),
      },
    };
  });
  return answerWith(context, schemas, stored!, 200);
}

/**
 * PATCH: all operations or none. Users answer 200 with the resource; groups 204 (RFC 7644 3.5.2 allows it, and
 * a 50,000-member group is not re-read to answer a member change) unless `attributes` asks for a body.
 */
export async function patchResource(context: RequestContext, schemas: ResourceSchemas, id: string) {
  const { server } = context;
  const body = readJsonBody(context.request, server.maxBodyBytes);
  const normalized = normalizePatch(body, { schemas, id, canonical: server.canonical });
  await assertUsersExist(context, normalized.members.addedIds());
  const stored = await commitChange(context, schemas, id, async (current) => {
    const patched = applyOperations(current.attributes, normalized.operations);
    // Unknown keys here were stored under an older configuration (an extension since removed): they go.
    const attributes = canonicalResource(patched, schemas, { unknownAttributes: 'ignore' });
    checkRequired(attributes, schemas);
    if (schemas.resourceType === 'User' && attributes.userName !== current.attributes.userName) {
      await assertUserNameFree(context, attributes, id);
    }
    const members = normalized.members.empty ? null : await normalized.members.resolve(() => memberPages(context, id));
    return { attributes, members };
  });
  const { params } = context;
  if (schemas.resourceType === 'Group' && !params.has('attributes') && !params.has('excludedattributes')) {
    return emptyResponse(204, { etag: etagOf(stored!.version) });
  }
  return answerWith(context, schemas, stored!, 200);
}

/** DELETE: the resource is gone for the identity provider (404 from now on); for a user, a deprovision. */
export async function deleteResource(context: RequestContext, schemas: ResourceSchemas, id: string) {
  await commitChange(context, schemas, id, async () => ({ attributes: null, members: null }));
  return emptyResponse(204);
}
