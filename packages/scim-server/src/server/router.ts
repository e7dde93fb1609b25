import { ScimRequestError } from '../http/errors.js';
import { jsonResponse } from '../http/respond.js';
import type { ScimResponse } from '../http/types.js';
import { LIST_RESPONSE_SCHEMA } from '../resources/list.js';
import { getResource, listHandler, searchHandler } from '../resources/read-handlers.js';
import { createResource, deleteResource, patchResource, replaceResource } from '../resources/write-handlers.js';
import { resourceTypeResources, schemaResources, serviceProviderConfig } from '../schema/discovery.js';
import type { RequestContext } from './request-context.js';

type Handler = () => Promise<ScimResponse> | ScimResponse;

function methodNotAllowed(allow: string[]): ScimRequestError {
  return new ScimRequestError(405, 'The method is not supported on this endpoint', undefined, {
    headers: { allow: allow.join(', ') },
  });
}

function pick(method: string, handlers: Record<string, Handler>): Promise<ScimResponse> | ScimResponse {
  const handler = handlers[method];
  if (handler === undefined) throw methodNotAllowed(Object.keys(handlers));
  return handler();
}

function listOf(context: RequestContext, resources: unknown[]): ScimResponse {
  return jsonResponse(context.request, 200, {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

function discovery(context: RequestContext, endpoint: string, id: string | undefined, method: string) {
  const { server, locationOf } = context;
  if (endpoint === 'serviceproviderconfig' && id === undefined) {
    return pick(method, { GET: () => jsonResponse(context.request, 200, serviceProviderConfig(locationOf, server)) });
  }
  const all =
    endpoint === 'schemas'
      ? schemaResources(server.registry, locationOf)
      : resourceTypeResources(server.registry, locationOf);
  if (id === undefined) return pick(method, { GET: () => listOf(context, all) });
  const found = all.find((resource) => resource.id.toLowerCase() === id.toLowerCase());
  return pick(method, {
    GET: () => {
      if (found === undefined)
        throw new ScimRequestError(404, `No such ${endpoint === 'schemas' ? 'schema' : 'resource type'}`);
      return jsonResponse(context.request, 200, found);
    },
  });
}

/** Endpoint names are matched case-insensitively: some clients write `/users`. */
export async function dispatch(context: RequestContext, segments: string[], method: string): Promise<ScimResponse> {
  const [first, second, ...rest] = segments;
  const endpoint = first?.toLowerCase();
  if (endpoint === undefined || rest.length > 0) throw new ScimRequestError(404, 'No such endpoint');
  if (endpoint === 'serviceproviderconfig' || endpoint === 'schemas' || endpoint === 'resourcetypes') {
    return discovery(context, endpoint, second, method);
  }
  if (endpoint === 'bulk' || endpoint === 'me' || endpoint === '.search') {
    throw new ScimRequestError(501, `/${first} is not supported by this server`);
  }
  if (endpoint !== 'users' && endpoint !== 'groups') throw new ScimRequestError(404, 'No such endpoint');
  const schemas = endpoint === 'users' ? context.server.registry.user : context.server.registry.group;
  if (second === undefined) {
    return pick(method, {
      GET: () => listHandler(context, schemas),
      POST: () => createResource(context, schemas),
    });
  }
  if (second === '.search') return pick(method, { POST: () => searchHandler(context, schemas) });
  return pick(method, {
    GET: () => getResource(context, schemas, second),
    PUT: () => replaceResource(context, schemas, second),
    PATCH: () => patchResource(context, schemas, second),
    DELETE: () => deleteResource(context, schemas, second),
  });
}
