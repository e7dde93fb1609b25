import { hash } from 'node:crypto';
import type { DirectoryUser } from '../events/types.js';

const SEPARATOR = '|';

function field(value: string | null | undefined): string {
  // Length-prefixed, so no value can be read as a boundary whatever characters it holds.
  return value === undefined || value === null ? '-' : `${value.length}:${value}`;
}

/** JSON with object keys sorted, so that the same attributes in another order digest the same. */
function stable(value: unknown): string {
  if (value === undefined) return '-';
  return field(
    JSON.stringify(value, (_key, inner: unknown) => {
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
      return sorted;
    }),
  );
}

function list(values: readonly string[] | undefined): string {
  if (values === undefined) return '-';
  if (values.length === 1) return field(values[0]!);
  return values.map(field).sort().join(',');
}

/**
 * A digest of everything the directory says about a user (profile fields, roles, attributes, state
 * and group ids), so that a sync can tell a user whose stored state already matches the directory
 * from one that changed. A field the source did not give digests as absent: a listing without
 * `includeDetail` carries only the basic fields, so it reads as changed for users it has to compare.
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
  material +=
    SEPARATOR +
    field(user.externalId) +
    SEPARATOR +
    field(user.displayName) +
    SEPARATOR +
    field(user.nickname) +
    SEPARATOR +
    field(user.title) +
    SEPARATOR +
    field(user.department) +
    SEPARATOR +
    field(user.division) +
    SEPARATOR +
    field(user.costCenter) +
    SEPARATOR +
    field(user.employeeId) +
    SEPARATOR +
    field(user.userType) +
    SEPARATOR +
    field(user.phoneNumber) +
    SEPARATOR +
    field(user.locale) +
    SEPARATOR +
    field(user.language) +
    SEPARATOR +
    field(user.zoneinfo) +
    SEPARATOR +
    field(user.picture) +
    SEPARATOR +
    field(user.profile) +
    SEPARATOR +
    list(user.emails) +
    SEPARATOR +
    list(user.roles) +
    SEPARATOR +
    stable(user.address) +
    SEPARATOR +
    stable(user.customAttributes);
  // 16 bytes (128 bits) encoded on their own: a flat 22-character string, not a slice that would keep
  // the whole 43-character digest alive for as long as the fingerprint is stored.
  return hash('sha256', material, 'buffer').toString('base64url', 0, 16);
}
