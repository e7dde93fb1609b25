import type { FilterNode } from '../filter/ast.js';
import { matches } from '../filter/evaluate.js';
import { parseFilter } from '../filter/parse.js';
import { type Pushdown, pushdown } from '../filter/pushdown.js';
import { badRequest } from '../http/errors.js';
import { integerParam, listParam } from '../http/query.js';
import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { StoredScimResource } from '../store/port.js';
import { createProjection } from './projection.js';
import { renderAll } from './render.js';
import { represent } from './representation.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListParameters {
  filter: string | undefined;
  startIndex: number | undefined;
  count: number | undefined;
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
}

const SCAN_CHUNK = 500;

function namesMembership(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.filters.some(namesMembership);
    case 'not':
      return namesMembership(node.filter);
    default:
      return node.path.keys[0] === 'members' || node.path.keys[0] === 'groups';
  }
}

export function listParametersFromQuery(context: RequestContext): ListParameters {
  const { params } = context;
  return {
    filter: params.get('filter'),
    startIndex: integerParam(params, 'startIndex'),
    count: integerParam(params, 'count'),
    attributes: listParam(params.get('attributes')),
    excludedAttributes: listParam(params.get('excludedattributes')),
  };
}

/** Pages through the store's narrowed set, evaluating the rest of the filter, within `maxFilterScan`. */
async function scan(
  context: RequestContext,
  schemas: ResourceSchemas,
  node: FilterNode,
  narrowed: Pushdown,
  offset: number,
  count: number,
): Promise<{ total: number; resources: StoredScimResource[] }> {
  const { store, maxFilterScan } = context.server;
  const base = {
    organizationId: context.organizationId,
    resourceType: schemas.resourceType,
    filter: narrowed.filter,
  };
  const first = await store.query({ ...base, offset: 0, limit: 0 });
  if (first.total > maxFilterScan) {
    throw badRequest(
      'tooMany',
      `The filter would examine ${first.total} resources; narrow it (userName, externalId, ...)`,
    );
  }
  let total = 0;
  const resources: StoredScimResource[] = [];
  for (let position = 0; position < first.total; position += SCAN_CHUNK) {
    const page = await store.query({ ...base, offset: position, limit: SCAN_CHUNK });
    for (const resource of page.resources) {
      if (!matches(node, represent(resource, schemas, context.locationOf, {}))) continue;
      if (total >= offset && resources.length < count) resources.push(resource);
      total += 1;
    }
    if (page.resources.length < SCAN_CHUNK) break;
  }
  return { total, resources };
}

/** GET /Users, GET /Groups and POST /.search: a ListResponse with the whole match count. */
export async function listResources(context: RequestContext, schemas: ResourceSchemas, parameters: ListParameters) {
  const { server } = context;
  const startIndex = Math.max(1, parameters.startIndex ?? 1);
  const count = Math.min(Math.max(0, parameters.count ?? server.defaultPageSize), server.maxPageSize);
  const node = parameters.filter === undefined ? undefined : parseFilter(parameters.filter, { schemas });
  if (node !== undefined && namesMembership(node)) {
    throw badRequest('invalidFilter', 'Filtering on members or groups is not supported');
  }
  const narrowed: Pushdown = node === undefined ? { filter: null, exact: true } : pushdown(node, schemas.resourceType);
  const page =
    node === undefined || narrowed.exact
      ? await server.store.query({
          organizationId: context.organizationId,
          resourceType: schemas.resourceType,
          filter: narrowed.filter,
          offset: startIndex - 1,
          limit: count,
        })
      : await scan(context, schemas, node, narrowed, startIndex - 1, count);
  const projection = createProjection(schemas, parameters.attributes, parameters.excludedAttributes);
  const resources = await renderAll(context, schemas, page.resources.slice(0, count), projection);
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
