import { readJsonBody } from '../http/body.js';
import { badRequest, notFound } from '../http/errors.js';
import { header } from '../http/headers.js';
import { listParam } from '../http/query.js';
import { emptyResponse, jsonResponse } from '../http/respond.js';
import type { ScimResponse } from '../http/types.js';
import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import { type ListParameters, listParametersFromQuery, listResources } from './list.js';
import { createProjection } from './projection.js';
import { render } from './render.js';
import { etagOf, tagMatches } from './version.js';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export async function getResource(context: RequestContext, schemas: ResourceSchemas, id: string) {
  const stored = await context.server.store.get(context.organizationId, schemas.resourceType, id);
  if (stored === null) throw notFound();
  const etag = etagOf(stored.version);
  const ifNoneMatch = header(context.request.headers, 'if-none-match');
  if (ifNoneMatch !== undefined && tagMatches(ifNoneMatch, stored.version)) return emptyResponse(304, { etag });
  const { params } = context;
  const projection = createProjection(
    schemas,
    listParam(params.get('attributes')),
    listParam(params.get('excludedattributes')),
  );
  return jsonResponse(context.request, 200, await render(context, schemas, stored, projection), { etag });
}

export async function listHandler(context: RequestContext, schemas: ResourceSchemas): Promise<ScimResponse> {
  const body = await listResources(context, schemas, listParametersFromQuery(context));
  return jsonResponse(context.request, 200, body);
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return listParam(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw badRequest('invalidValue', `${name} must be a list of attribute names`);
}

function optionalInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw badRequest('invalidValue', `${name} must be an integer`);
}

/** POST /Users/.search (RFC 7644 3.4.3): the list parameters in a body, for filters too long for a URL. */
export async function searchHandler(context: RequestContext, schemas: ResourceSchemas): Promise<ScimResponse> {
  const body = readJsonBody(context.request, context.server.maxBodyBytes);
  const filter = body.filter;
  if (filter !== undefined && typeof filter !== 'string') throw badRequest('invalidValue', 'filter must be a string');
  const parameters: ListParameters = {
    filter,
    startIndex: optionalInteger(body.startIndex, 'startIndex'),
    count: optionalInteger(body.count, 'count'),
    attributes: stringList(body.attributes, 'attributes'),
    excludedAttributes: stringList(body.excludedAttributes, 'excludedAttributes'),
  };
  return jsonResponse(context.request, 200, await listResources(context, schemas, parameters));
}
