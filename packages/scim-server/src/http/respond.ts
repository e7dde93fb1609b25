import { prefersPlainJson } from './body.js';
import { errorBody, type ScimRequestError } from './errors.js';
import type { ScimRequest, ScimResponse } from './types.js';

function contentType(request: ScimRequest): string {
  return `${prefersPlainJson(request) ? 'application/json' : 'application/scim+json'}; charset=utf-8`;
}

export function jsonResponse(
  request: ScimRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ScimResponse {
  return { status, headers: { 'content-type': contentType(request), 'cache-control': 'no-store', ...headers }, body };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ScimResponse {
  return { status, headers: { 'cache-control': 'no-store', ...headers } };
}

export function errorResponse(request: ScimRequest, error: ScimRequestError): ScimResponse {
  return jsonResponse(request, error.status, errorBody(error), error.headers);
}
