import { notFound, ScimRequestError } from '../http/errors.js';
import { header } from '../http/headers.js';
import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { StoredScimResource } from '../store/port.js';
import { prepareWrite } from './changes.js';
import { conflict } from './checks.js';
import { mergeUnderLaterWrite } from './merge.js';
import type { Json } from './representation.js';
import { checkIfMatch } from './version.js';

/** What a PUT, PATCH or DELETE makes of the current resource: new attributes (null: deleted) and member deltas. */
export interface Outcome {
  attributes: Json | null;
  members: { add: string[]; remove: string[] } | null;
}

/**
 * Read, decide, compare-and-set. Another instance may write the same resource in between: without `If-Match`
 * the request is decided again on the newer state (so concurrent PATCHes compose, none is lost), with it the
 * answer is 412. When the write that got in first was received after this request, its attribute values win
 * where both changed the same attribute (receive order). Returns the resource as stored (null after a delete).
 */
export async function commitChange(
  context: RequestContext,
  schemas: ResourceSchemas,
  id: string,
  decide: (current: StoredScimResource) => Promise<Outcome>,
): Promise<StoredScimResource | null> {
  const { store, maxWriteRetries } = context.server;
  const ifMatch = header(context.request.headers, 'if-match');
  const receivedVersion = BigInt(context.receivedAt.getTime()) * 1_000_000n;
  const extensionIds = schemas.extensions.map((extension) => extension.schema.id);
  let base: StoredScimResource | undefined;
  for (let attempt = 0; attempt <= maxWriteRetries; attempt += 1) {
    const current = await store.get(context.organizationId, schemas.resourceType, id);
    if (current === null) throw notFound();
    checkIfMatch(ifMatch, current.version);
    const outcome = await decide(current);
    let attributes = outcome.attributes;
    if (base !== undefined && attributes !== null && current.version >= receivedVersion) {
      attributes = mergeUnderLaterWrite(base.attributes, current.attributes, attributes, extensionIds);
    }
    base ??= current;
    const { write, stored } = prepareWrite(context, schemas, id, current, attributes, outcome.members);
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
