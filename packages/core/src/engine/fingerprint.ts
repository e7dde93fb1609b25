import { hash } from 'node:crypto';
import type { DirectoryUser } from '../events/types.js';

const SEPARATOR = '|';

function field(value: string | null | undefined): string {
  // Length-prefixed, so no value can be read as a boundary whatever characters it holds.
  return value === undefined || value === null ? '-' : `${value.length}:${value}`;
}

/** Profile fields the Directory API carries only with `includeDetail` (webhooks always carry them). */
const DETAIL_FIELDS = [
  'externalId',
  'displayName',
  'nickname',
  'title',
  'department',
  'division',
  'costCenter',
  'employeeId',
  'userType',
  'phoneNumber',
  'locale',
  'language',
  'zoneinfo',
  'picture',
  'profile',
] as const satisfies readonly (keyof DirectoryUser)[];

/**
 * A digest of the directory fields, so that a sync can tell a user whose stored state already matches
 * the directory from one that changed. Two parts: the fields every listing carries (email, names, username,
 * active, groups), then, after a `.`, the profile fields a listing carries only with `includeDetail`
 * (department, title, display name, ...). Pass `detail: false` for a user listed without them; compare with
 * {@link fingerprintMatches}, which then looks at the first part only.
 */
export function userFingerprint(user: DirectoryUser, active: boolean, detail = true): string {
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
  const base = hash('sha256', material, 'buffer').toString('base64url', 0, 16);
  if (!detail) return base;
  let profile = '';
  for (const name of DETAIL_FIELDS) profile += field(user[name]) + SEPARATOR;
  profile += user.emails === undefined ? '-' : user.emails.map(field).join(',');
  return `${base}.${hash('sha256', profile, 'buffer').toString('base64url', 0, 16)}`;
}

/**
 * Whether a stored fingerprint already describes a freshly computed one. A fingerprint computed without
 * the profile fields matches on the first part alone: a listing that does not carry them cannot tell
 * whether they changed.
 */
export function fingerprintMatches(stored: string | null, computed: string): boolean {
  if (stored === null) return false;
  if (stored === computed) return true;
  if (computed.includes('.')) return false;
  const dot = stored.indexOf('.');
  return dot >= 0 && stored.slice(0, dot) === computed;
}
