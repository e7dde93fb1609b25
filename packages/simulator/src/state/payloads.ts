import { nanosToRfc3339 } from '@scim/core/testing';
import type { DirectoryRecord, GroupRecord, UserRecord } from './records.js';

/**
 * The `data` objects of directory events, in the snake_case shapes Scalekit sends (see
 * docs/scalekit.md). Each is built when the event happens, so it keeps the state of that moment.
 */

const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SCIM_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** What the identity provider pushed over SCIM, as Scalekit passes it on in `raw_attributes`. */
function userRawAttributes(user: UserRecord): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    schemas: [SCIM_USER_SCHEMA, SCIM_ENTERPRISE_SCHEMA],
    userName: user.username,
    name: { givenName: user.givenName, familyName: user.familyName, formatted: user.displayName },
    emails: user.emails.map((value, i) => ({ value, primary: i === 0, type: 'work' })),
    active: user.active,
  };
  if (user.externalId !== null) raw.externalId = user.externalId;
  if (user.title !== null) raw.title = user.title;
  if (user.userType !== null) raw.userType = user.userType;
  if (user.locale !== null) raw.locale = user.locale;
  if (user.phoneNumber !== null) raw.phoneNumbers = [{ value: user.phoneNumber, type: 'work' }];
  raw[SCIM_ENTERPRISE_SCHEMA] = {
    employeeNumber: user.employeeId,
    department: user.department,
    division: user.division,
    costCenter: user.costCenter,
  };
  return raw;
}

/** `data` of `user_created` and `user_updated`; also the API's `userDetail`. */
export function userData(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    organization_id: user.directory.organization.id,
    dp_id: user.externalId,
    email: user.email,
    preferred_username: user.username,
    name: user.displayName,
    given_name: user.givenName,
    family_name: user.familyName,
    nickname: user.nickname,
    active: user.active,
    groups: user.groups.map((g) => ({ id: g.id, name: g.displayName })),
    roles: user.roles.map((role_name) => ({ role_name })),
    title: user.title,
    department: user.department,
    division: user.division,
    cost_center: user.costCenter,
    employee_id: user.employeeId,
    user_type: user.userType,
    phone_number: user.phoneNumber,
    locale: user.locale,
    language: user.language,
    zoneinfo: user.zoneinfo,
    picture: user.picture,
    profile: user.profile,
    address: user.address,
    custom_attributes: { ...user.customAttributes },
    raw_attributes: userRawAttributes(user),
  };
}

/** `data` of `user_deleted`: only the identifiers. */
export function deletedUserData(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    organization_id: user.directory.organization.id,
    dp_id: user.externalId,
    email: user.email,
  };
}

/** `data` of the group events; `group_deleted` adds `dp_id`. */
export function groupData(group: GroupRecord, deleted: boolean): Record<string, unknown> {
  const raw: Record<string, unknown> = { schemas: [SCIM_GROUP_SCHEMA], displayName: group.displayName };
  if (group.externalId !== null) raw.externalId = group.externalId;
  const data: Record<string, unknown> = {
    id: group.id,
    directory_id: group.directory.id,
    organization_id: group.directory.organization.id,
    display_name: group.displayName,
    external_id: group.externalId,
    raw_attributes: raw,
  };
  if (deleted) data.dp_id = group.externalId;
  return data;
}

/** `data` of `directory_enabled` / `directory_disabled`. */
export function directoryData(directory: DirectoryRecord): Record<string, unknown> {
  return {
    id: directory.id,
    organization_id: directory.organization.id,
    directory_type: directory.type,
    provider: directory.provider,
    enabled: directory.enabled,
    status: directory.status,
    updated_at: nanosToRfc3339(directory.version),
    last_sync_at: directory.lastSyncedAt === null ? null : nanosToRfc3339(directory.lastSyncedAt),
  };
}

/** The API's `groupDetail`. */
export function groupDetail(group: GroupRecord): Record<string, unknown> {
  return { ...groupData(group, false), total_users: group.activeMembers, updated_at: nanosToRfc3339(group.version) };
}
