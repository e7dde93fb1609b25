import { badRequest, ScimRequestError } from './errors.js';
import { header, mediaType } from './headers.js';
import type { ScimRequest } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const JSON_TYPES = new Set(['application/scim+json', 'application/json']);

function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

/**
 * The request body as a JSON object: at most `limit` bytes, UTF-8 (a byte that is not is refused, not
 * replaced), a JSON media type when one is declared (absent is tolerated: some clients omit it).
 */
export function readJsonBody(request: ScimRequest, limit: number): Record<string, unknown> {
  const raw = request.body;
  if (raw !== undefined && raw !== null && byteLength(raw) > limit) {
    throw new ScimRequestError(413, `The body exceeds ${limit} bytes`);
  }
  const type = mediaType(header(request.headers, 'content-type'));
  if (type !== undefined && !JSON_TYPES.has(type)) {
    throw new ScimRequestError(415, 'The body must be application/scim+json or application/json');
  }
  if (raw === undefined || raw === null || byteLength(raw) === 0) {
    throw badRequest('invalidSyntax', 'The request needs a JSON body');
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch (error) {
    throw badRequest('invalidSyntax', 'The body is not valid UTF-8', error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest('invalidSyntax', 'The body is not valid JSON', error);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('invalidSyntax', 'The body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Whether the client asked for `application/json` rather than `application/scim+json` answers. */
export function prefersPlainJson(request: ScimRequest): boolean {
  const accept = header(request.headers, 'accept')?.toLowerCase();
  if (accept === undefined) return false;
  return accept.includes('application/json') && !accept.includes('application/scim+json');
}
