import { normalizeUser } from '../events/parse.js';
import { userDataSchema } from '../events/schemas.js';
import { timestampToNanos } from '../events/timestamp.js';
import type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';
import type { ApiDirectoryGroup, ApiDirectoryUser, ApiTimestamp } from './types.js';

/** A protobuf string field is '' when unset. */
function text(value: string): string | undefined {
  return value === '' ? undefined : value;
}

export function apiVersion(updatedAt: ApiTimestamp | undefined, fallback: bigint): bigint {
  return updatedAt === undefined ? fallback : timestampToNanos(updatedAt);
}

export function apiGroupRef(group: ApiDirectoryGroup): DirectoryGroupRef {
  return { id: group.id, displayName: text(group.displayName) ?? null };
}

/**
 * A Directory API user as a normalized directory user. `userDetail`, when the API sends it, has
 * the shape of a webhook's user data and fills the fields the API answer lacks; the answer's own
 * fields win. A listed user is active unless its detail says otherwise.
 */
export function apiUserToDirectoryUser(user: ApiDirectoryUser, organizationId: string): DirectoryUser {
  let base: DirectoryUser | undefined;
  if (typeof user.userDetail === 'object' && user.userDetail !== null && !Array.isArray(user.userDetail)) {
    const parsed = userDataSchema.safeParse({ ...(user.userDetail as Record<string, unknown>), id: user.id });
    if (parsed.success) base = normalizeUser({ ...parsed.data, groups: undefined, roles: undefined }, organizationId);
  }
  const email = text(user.email);
  const normalized: DirectoryUser = base ?? { id: user.id, organizationId };
  normalized.id = user.id;
  normalized.organizationId = organizationId;
  if (email !== undefined) normalized.email = email;
  // Equal strings are kept as one: the decoder gives each field its own copy, and a store that keeps
  // users in memory would otherwise hold the same address two or three times a user.
  if (email !== undefined && user.emails.length === 1 && user.emails[0] === email) normalized.emails = [email];
  else if (user.emails.length > 0) normalized.emails = [...user.emails];
  else if (normalized.emails === undefined && email !== undefined) normalized.emails = [email];
  const username = text(user.preferredUsername);
  if (username !== undefined) normalized.username = username === email ? email : username;
  const givenName = text(user.givenName);
  if (givenName !== undefined) normalized.givenName = givenName;
  const familyName = text(user.familyName);
  if (familyName !== undefined) normalized.familyName = familyName;
  normalized.groups = user.groups.map(apiGroupRef);
  normalized.active = base?.active ?? true;
  return normalized;
}
