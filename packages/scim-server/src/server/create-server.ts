import { authenticate } from '../auth/authenticate.js';
import { TokenCache } from '../auth/token-cache.js';
import { errorBody, ScimRequestError } from '../http/errors.js';
import { readQuery } from '../http/query.js';
import { errorResponse, jsonResponse } from '../http/respond.js';
import type { ScimRequest, ScimResponse } from '../http/types.js';
import type { LocationOf } from '../resources/representation.js';
import { receiveClock } from '../resources/version.js';
import { resolveOptions, type ScimServerOptions } from './options.js';
import type { RequestContext } from './request-context.js';
import { dispatch } from './router.js';
import { WriteQueue, writeKey } from './write-queue.js';

export interface ScimServer {
  /** Answers one SCIM request. Never throws: every failure is a SCIM error response (500 for the unexpected). */
  handle(request: ScimRequest): Promise<ScimResponse>;
  /** The body limit bindings enforce while reading (they answer 413 past it). */
  readonly maxBodyBytes: number;
  /** A SCIM error answer, for what a binding refuses before `handle` (a body over the limit, a cut-off upload). */
  errorResponse(status: number, detail: string): ScimResponse;
}

function segmentsOf(path: string): string[] {
  const clean = (path.split('?', 1)[0] ?? '').replace(/^\/+|\/+$/g, '');
  if (clean === '') return [];
  try {
    return clean.split('/').map((segment) => decodeURIComponent(segment));
  } catch (error) {
    throw new ScimRequestError(404, 'No such endpoint', undefined, { cause: error });
  }
}

/**
 * A SCIM 2.0 service provider (RFC 7643, 7644) for Users and Groups, framework-neutral: bindings turn HTTP
 * requests into `handle` calls. Each bearer token reaches one organization; everything is stored through the
 * `store` port, and every write carries the change in the engine's terms.
 */
export function createScimServer(options: ScimServerOptions): ScimServer {
  const server = resolveOptions(options);
  const versionOf = receiveClock();
  const writes = new WriteQueue();
  const tokens = new TokenCache(server.tokenCacheMs);

  async function handle(request: ScimRequest): Promise<ScimResponse> {
    let leave: (() => void) | undefined;
    try {
      const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
      const segments = segmentsOf(typeof request.path === 'string' ? request.path : '');
      const receivedAt = server.now();
      const receivedVersion = versionOf(receivedAt);
      const key = writeKey(method, segments);
      if (key !== null) leave = await writes.enter(key);
      const organizationId = await authenticate(server.store, tokens, request.headers ?? {}, receivedAt);
      const base = (server.baseUrl ?? request.baseUrl ?? '').replace(/\/+$/, '');
      const locationOf: LocationOf = (endpoint, id) =>
        `${base}${endpoint}${id === '' ? '' : `/${encodeURIComponent(id)}`}`;
      const context: RequestContext = {
        server,
        organizationId,
        request,
        params: readQuery(request.query),
        receivedAt,
        receivedVersion,
        locationOf,
      };
      return await dispatch(context, segments, method);
    } catch (error) {
      if (error instanceof ScimRequestError) return errorResponse(request, error);
      const code = (error as { code?: unknown } | null)?.code;
      server.logger.error('scim request failed', {
        error: error instanceof Error ? error.name : typeof error,
        code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
        message: error instanceof Error ? error.message : undefined,
      });
      return errorResponse(request, new ScimRequestError(500, 'The request could not be completed; retry later'));
    } finally {
      leave?.();
    }
  }

  return {
    handle,
    maxBodyBytes: server.maxBodyBytes,
    errorResponse: (status, detail) =>
      jsonResponse({ method: '', path: '', headers: {} }, status, errorBody(new ScimRequestError(status, detail))),
  };
}
