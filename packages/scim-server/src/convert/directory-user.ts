import type { DirectoryUser } from '@scim/core';
import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-schema.js';
import type { ResourceSchemas } from '../schema/registry.js';

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((item): item is Json => item !== null && typeof item === 'object') : [];
}

/** The primary element of a multi-valued attribute, else the first (RFC 7643: at most one is primary). */
function preferred(value: unknown): Json | undefined {
  const items = objects(value);
  return items.find((item) => item.primary === true) ?? items[0];
}

function customAttributesOf(attributes: Json, schemas: ResourceSchemas): Record<string, unknown> {
  const custom: Record<string, unknown> = {};
  const enterprise = (attributes[ENTERPRISE_USER_SCHEMA] ?? {}) as Json;
  const manager = text((enterprise.manager as Json | undefined)?.value);
  if (manager !== null) custom.manager = manager;
  const organization = text(enterprise.organization);
  if (organization !== null) custom.organization = organization;
  for (const extension of schemas.extensions) {
    const values = attributes[extension.schema.id] as Json | undefined;
    if (values === undefined) continue;
    for (const [name, key] of extension.customAttributes) {
      if (values[name] !== undefined) custom[key] = values[name];
    }
  }
  return custom;
}

/**
 * A SCIM User in the engine's terms. The stored representation is complete, so a field it lacks is `null`
 * (cleared), never `undefined` (not given). Memberships travel with groups, so `groups` stays undefined.
 * `email` is the primary email, else the first, else `userName` when it is an address (Okta's default).
 */
export function toDirectoryUser(
  organizationId: string,
  id: string,
  attributes: Json,
  schemas: ResourceSchemas,
): DirectoryUser {
  const name = (attributes.name ?? {}) as Json;
  const enterprise = (attributes[ENTERPRISE_USER_SCHEMA] ?? {}) as Json;
  const emails = objects(attributes.emails)
    .map((email) => text(email.value))
    .filter((value): value is string => value !== null);
  const userName = text(attributes.userName);
  const email = text(preferred(attributes.emails)?.value) ?? (userName?.includes('@') ? userName : null);
  return {
    id,
    organizationId,
    externalId: text(attributes.externalId),
    email,
    emails,
    givenName: text(name.givenName),
    familyName: text(name.familyName),
    displayName: text(attributes.displayName) ?? text(name.formatted),
    nickname: text(attributes.nickName),
    username: userName,
    active: attributes.active !== false,
    roles: objects(attributes.roles)
      .map((role) => text(role.value))
      .filter((value): value is string => value !== null),
    title: text(attributes.title),
    department: text(enterprise.department),
    division: text(enterprise.division),
    costCenter: text(enterprise.costCenter),
    employeeId: text(enterprise.employeeNumber),
    userType: text(attributes.userType),
    phoneNumber: text(preferred(attributes.phoneNumbers)?.value),
    locale: text(attributes.locale),
    language: text(attributes.preferredLanguage),
    zoneinfo: text(attributes.timezone),
    picture: text(preferred(attributes.photos)?.value),
    profile: text(attributes.profileUrl),
    address: preferred(attributes.addresses) ?? null,
    customAttributes: customAttributesOf(attributes, schemas),
    rawAttributes: attributes,
  };
}
