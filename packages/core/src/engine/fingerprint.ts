import { hash } from 'node:crypto';
import type { DirectoryUser } from '../events/types.js';

const SEPARATOR = '|';

function field(value: string | null | undefined): string {
  // Length-prefixed, so no value can be read as a boundary whatever characters it holds.
  return value === undefined || value === null ? '-' : `${value.length}:${value}`;
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
  const groups = user.groups;
  if (groups === undefined) material += '-';
  else if (groups.length === 1) material += field(groups[0]!.id);
  else if (groups.length === 2) {
    // The common small case skips Array#sort, whose setup costs more than one comparison.
    const a = field(groups[0]!.id);
    const b = field(groups[1]!.id);
    material += a < b ? `${a},${b}` : `${b},${a}`;
  } else if (groups.length > 2) {
    material += groups
      .map((g) => field(g.id))
      .sort()
      .join(',');
  }
  // 16 bytes (128 bits) encoded on their own: a flat 22-character string, not a slice that would keep
  // the whole 43-character digest alive for as long as the fingerprint is stored.
  return hash('sha256', material, 'buffer').toString('base64url', 0, 16);
}
