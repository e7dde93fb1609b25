import { hash } from 'node:crypto';
import type { DirectoryUser } from '../events/types.js';

const SEPARATOR = '\u001f';

function field(value: string | null | undefined): string {
  // JSON quoting keeps a separator inside a value from being read as a boundary.
  return value === undefined || value === null ? '-' : JSON.stringify(value);
}

/**
 * A digest of the directory fields that both webhooks and the Directory API carry, so that a sync
 * can tell a user whose stored state already matches the directory from one that changed.
 */
export function userFingerprint(user: DirectoryUser, active: boolean): string {
  let material =
    field(user.email) +
    SEPARATOR +
    field(user.givenName) +
    SEPARATOR +
    field(user.familyName) +
    SEPARATOR +
    field(user.username) +
    SEPARATOR +
    (active ? '1' : '0') +
    SEPARATOR;
  if (user.groups === undefined) material += '-';
  else if (user.groups.length === 1) material += field(user.groups[0]!.id);
  else if (user.groups.length > 1)
    material += user.groups
      .map((g) => field(g.id))
      .sort()
      .join(',');
  return hash('sha256', material, 'base64url').slice(0, 22);
}
