import { ScimRequestError } from '../http/errors.js';
import { header } from '../http/headers.js';
import type { ScimHeaders } from '../http/types.js';
import type { ScimStore } from '../store/port.js';
import type { TokenCache } from './token-cache.js';
import { hashScimToken } from './tokens.js';

const MAX_TOKEN_LENGTH = 512;

function unauthorized(detail: string): ScimRequestError {
  return new ScimRequestError(401, detail, undefined, {
    headers: { 'www-authenticate': 'Bearer realm="SCIM"' },
  });
}

/**
 * The organization a bearer token belongs to; 401 for a missing, unknown, revoked or expired token. A token
 * found valid within the cache's time is not read again.
 */
export async function authenticate(
  store: ScimStore,
  cache: TokenCache,
  headers: ScimHeaders,
  now: Date,
): Promise<string> {
  const authorization = header(headers, 'authorization');
  const match = authorization === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (token === undefined) throw unauthorized('A bearer token is required');
  if (token.length > MAX_TOKEN_LENGTH) throw unauthorized('The bearer token is not valid');
  const hash = hashScimToken(token);
  const cached = cache.get(hash, now.getTime());
  if (cached !== undefined) return cached.organizationId;
  const record = await store.findToken(hash);
  if (record === null || (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime())) {
    throw unauthorized('The bearer token is not valid');
  }
  cache.set(hash, record, now.getTime());
  return record.organizationId;
}
