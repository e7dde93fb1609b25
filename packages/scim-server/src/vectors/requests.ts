import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-schema.js';
import { GROUP_SCHEMA } from '../schema/group-schema.js';
import { USER_SCHEMA } from '../schema/user-schema.js';
import type { VectorCheck, VectorStep } from './types.js';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

export const patchOp = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

export const userName = (name: string) => `${name}-{{run}}@example.com`;

/** A user as Okta's generic SCIM app creates it (with `groups: []` and a password, both to be ignored). */
export function oktaUser(name: string, extra: Record<string, unknown> = {}) {
  const given = name[0]!.toUpperCase() + name.slice(1);
  return {
    schemas: [USER_SCHEMA],
    userName: userName(name),
    name: { givenName: given, familyName: 'Okta' },
    emails: [{ primary: true, value: userName(name), type: 'work' }],
    displayName: `${given} Okta`,
    locale: 'en-US',
    externalId: `00u-${name}-{{run}}`,
    groups: [],
    password: 'Correct-Horse-{{run}}',
    active: true,
    ...extra,
  };
}

/** A user as Entra ID creates it (with `meta` and `roles: []`, and the enterprise extension). */
export function entraUser(name: string, extra: Record<string, unknown> = {}) {
  const given = name[0]!.toUpperCase() + name.slice(1);
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: `${name}-{{run}}`,
    userName: userName(name),
    active: true,
    displayName: `${given} Entra`,
    emails: [{ primary: true, type: 'work', value: userName(name) }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} Entra`, familyName: 'Entra', givenName: given },
    roles: [],
    [ENTERPRISE]: { employeeNumber: `E-${name}`, department: 'Engineering' },
    ...extra,
  };
}

export function group(displayName: string, members: string[] = [], schemas: string[] = [GROUP_SCHEMA]) {
  return { schemas, displayName: `${displayName} {{run}}`, members: members.map((value) => ({ value })) };
}

export function createUser(variable: string, body: unknown, checks: VectorCheck[] = []): VectorStep {
  return {
    name: `POST /Users (${variable})`,
    request: { method: 'POST', path: '/Users', body },
    expect: { status: 201, headers: { location: true, etag: true }, body: checks },
    capture: { [variable]: 'id' },
  };
}

export function createGroup(variable: string, body: unknown, checks: VectorCheck[] = []): VectorStep {
  return {
    name: `POST /Groups (${variable})`,
    request: { method: 'POST', path: '/Groups', body },
    expect: { status: 201, headers: { location: true }, body: checks },
    capture: { [variable]: 'id' },
  };
}

export function getResource(path: string, checks: VectorCheck[], name = `GET ${path}`): VectorStep {
  return { name, request: { method: 'GET', path }, expect: { status: 200, body: checks } };
}

export function patch(path: string, operations: unknown[], status: number | number[] = [200, 204]): VectorStep {
  return {
    name: `PATCH ${path}`,
    request: { method: 'PATCH', path, body: patchOp(...operations) },
    expect: { status },
  };
}

/** Checks on a group's member list. */
export const hasMember = (variable: string): VectorCheck => ({
  at: 'members',
  matches: [{ value: `{{${variable}}}` }],
});
export const lacksMember = (variable: string): VectorCheck => ({ at: 'members', lacks: { value: `{{${variable}}}` } });
