import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'scim_';

/** A new bearer token for one organization's SCIM base URL: 256 random bits. Show it once; store its hash. */
export function generateScimToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** The SHA-256 (hex) a store keeps instead of the token, and `ScimStore.findToken` receives. */
export function hashScimToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
