import type { UserWrite } from '../adapter/contract.js';
import type { DirectoryUser } from '../events/types.js';

/**
 * The write for one user, built as a single literal rather than a spread: every write then has
 * the same shape, which keeps it on V8's fast paths (a spread plus added fields turns this object
 * into a slow dictionary, about 1 KB per event).
 */
export function toUserWrite(
  user: DirectoryUser,
  active: boolean,
  version: bigint,
  roles: string[] | undefined,
): UserWrite {
  return {
    id: user.id,
    organizationId: user.organizationId,
    externalId: user.externalId,
    email: user.email,
    emails: user.emails,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    nickname: user.nickname,
    username: user.username,
    active,
    groups: user.groups,
    roles,
    title: user.title,
    department: user.department,
    division: user.division,
    costCenter: user.costCenter,
    employeeId: user.employeeId,
    userType: user.userType,
    phoneNumber: user.phoneNumber,
    locale: user.locale,
    language: user.language,
    zoneinfo: user.zoneinfo,
    picture: user.picture,
    profile: user.profile,
    address: user.address,
    customAttributes: user.customAttributes,
    rawAttributes: user.rawAttributes,
    version,
  };
}
