import { hash } from 'node:crypto';
import type { DirectoryUser } from '../events/types.js';

/**
 * A digest of the directory fields that both webhooks and the Directory API carry, so that a sync
 * can tell a user whose stored state already matches the directory from one that changed.
 * Fields the source did not give are left out, so the digest changes only when the data does.
 */
export function userFingerprint(user: DirectoryUser, active: boolean): string {
  const groups = user.groups === undefined ? null : user.groups.map((g) => g.id).sort();
  const material = JSON.stringify([
    user.email ?? null,
    user.givenName ?? null,
    user.familyName ?? null,
    user.username ?? null,
    active,
    groups,
  ]);
  return hash('sha256', material, 'base64url').slice(0, 22);
}
