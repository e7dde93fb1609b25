import { notFound, ScimRequestError } from '../http/errors.js';
import { header } from '../http/headers.js';
import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { StoredScimResource } from '../store/port.js';
import { prepareWrite } from './changes.js';
import { conflict } from './checks.js';
import type { Json } from './representation.js';
import { checkIfMatch } from './version.js';

/** What a PUT, PATCH or DELETE makes of the current resource: new attributes (null: deleted) and member deltas. */
export interface Outcome {
  attributes: Json | null;
  members: { add: string[]; remove: string[] } | null;
}

/** Answered to a request received before a change that is already stored: sent again, it is a new receipt. */
function supersededError(): ScimRequestError {
  return new ScimRequestError(
    503,
    'The resource was changed by a request received after this one; send this request again',
    undefined,
    { headers: { 'retry-after': '1' } },
  );
}

/**
 * Read, decide, compare-and-set, with the request's receive version as the new version. Receive order decides:
 * - the stored version is older than this request (every stored change was received before it): the request
 *   is decided on the stored state and written; when another write got in between the read and the write, it
 *   is read and decided again, still with its receive version (so concurrent PATCHes compose, none is lost);
 * - the stored version is this request's or newer (a request received later is already stored): the request
 *   is refused (503 with Retry-After) and writes nothing. Applying it would put an older change over a newer
 *   one, and a PATCH, being relative, cannot be placed under a change whose operations are not kept. The
 *   identity provider's resend is a new receipt, after the change that won.
 * With `If-Match`, a resource that changed since the given version answers 412 instead of being decided again.
 * Returns the resource as stored (null after a delete).
 */
export async function commitChange(
  context: RequestContext,
  schemas: ResourceSchemas,
  id: string,
  decide: (current: StoredScimResource) => Promise<Outcome>,
): Promise<StoredScimResource | null> {
  const { store, maxWriteRetries } = context.server;
  const ifMatch = header(context.request.headers, 'if-match');
  for (let attempt = 0; attempt <= maxWriteRetries; attempt += 1) {
    const current = await store.get(context.organizationId, schemas.resourceType, id);
    if (current === null) throw notFound();
    checkIfMatch(ifMatch, current.version);
    if (current.version >= context.receivedVersion) throw supersededError();
    const outcome = await decide(current);
    const { write, stored } = prepareWrite(context, schemas, id, current, outcome.attributes, outcome.members);
    const result = await store.write(write);
    if (result.ok) return stored;
    if (result.reason === 'uniqueness') throw conflict();
    if (result.reason === 'rejected') throw new ScimRequestError(400, result.detail, 'invalidValue');
    if (ifMatch !== undefined) throw new ScimRequestError(412, 'The resource changed since the version in If-Match');
  }
  throw new ScimRequestError(503, 'The resource kept changing under this request; retry it', undefined, {
    headers: { 'retry-after': '1' },
  });
}
