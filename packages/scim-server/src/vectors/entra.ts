import { LEGACY_ENTRA_GROUP_SCHEMA } from '../schema/group-schema.js';
import {
  createGroup,
  createUser,
  ENTERPRISE,
  entraUser,
  getResource,
  group,
  hasMember,
  lacksMember,
  patch,
  userName,
} from './requests.js';
import type { ScimVector, VectorStep } from './types.js';

function lookup(name: string, filter: string, total: number, variable?: string): VectorStep {
  return {
    name,
    request: { method: 'GET', path: '/Users', query: { filter } },
    expect: {
      status: 200,
      body: [
        { at: 'totalResults', equals: total },
        ...(variable === undefined ? [] : [{ at: 'Resources', matches: [{ id: `{{${variable}}}` }] }]),
      ],
    },
  };
}

export const entraVectors: ScimVector[] = [
  {
    id: 'entra-user-lookups',
    provider: 'entra',
    title: 'Users found by userName (any case), externalId and work email',
    fact: 'Entra ID: "Looks users up by userName eq, externalId eq, and emails[type eq "work"].value eq".',
    steps: [
      createUser(
        'ivy',
        entraUser('ivy', {
          emails: [
            { primary: true, type: 'work', value: userName('ivy') },
            { type: 'home', value: userName('ivy-home') },
          ],
        }),
      ),
      lookup('userName eq, upper-cased', 'userName eq "IVY-{{run}}@EXAMPLE.COM"', 1, 'ivy'),
      lookup('externalId eq', 'externalId eq "ivy-{{run}}"', 1, 'ivy'),
      lookup('externalId eq is case-exact', 'externalId eq "IVY-{{run}}"', 0),
      lookup('work email', `emails[type eq "work"].value eq "${userName('ivy')}"`, 1, 'ivy'),
      lookup('a home email is not a work email', `emails[type eq "work"].value eq "${userName('ivy-home')}"`, 0),
    ],
  },
  {
    id: 'entra-string-booleans',
    provider: 'entra',
    title: 'Capitalised ops with "False" / "True" strings',
    fact: 'Entra ID: "`active` and other booleans as strings: "True", "False""; "`op` capitalised: Add, Replace, Remove".',
    steps: [
      createUser('jon', entraUser('jon')),
      patch('/Users/{{jon}}', [{ op: 'Replace', path: 'active', value: 'False' }]),
      getResource('/Users/{{jon}}', [{ at: 'active', equals: false }]),
      patch('/Users/{{jon}}', [{ op: 'Replace', path: 'active', value: 'True' }]),
      getResource('/Users/{{jon}}', [{ at: 'active', equals: true }]),
    ],
    directory: [{ user: 'jon', matches: { active: true } }],
  },
  {
    id: 'entra-enterprise-urn-paths',
    provider: 'entra',
    title: 'Enterprise attributes by full URN path; manager as a bare string',
    fact: 'Entra ID: "Enterprise attributes by full URN path (urn:...:enterprise:2.0:User:manager) ... manager may come as a bare string."',
    steps: [
      createUser('mgr', entraUser('mgr')),
      createUser('kim', entraUser('kim')),
      patch('/Users/{{kim}}', [
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: '{{mgr}}' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'Add', path: `${ENTERPRISE}:costCenter`, value: 'CC-42' },
      ]),
      getResource('/Users/{{kim}}', [
        { at: [ENTERPRISE, 'manager', 'value'], equals: '{{mgr}}' },
        { at: [ENTERPRISE, 'department'], equals: 'Sales' },
      ]),
    ],
    directory: [
      {
        user: 'kim',
        matches: {
          department: 'Sales',
          costCenter: 'CC-42',
          employeeId: 'E-kim',
          customAttributes: { manager: '{{mgr}}' },
        },
      },
    ],
  },
  {
    id: 'entra-pathless-dotted-keys',
    provider: 'entra',
    title: 'Path-less replace with dotted keys and full URN keys',
    fact: 'Entra ID: "path-less replace with dotted keys ({"name.givenName": "..."})" and "Enterprise attributes by full URN path".',
    steps: [
      createUser('lea', entraUser('lea')),
      patch('/Users/{{lea}}', [
        {
          op: 'Replace',
          value: { 'name.givenName': 'Leah', 'name.familyName': 'Renamed', [`${ENTERPRISE}:department`]: 'Legal' },
        },
      ]),
      getResource('/Users/{{lea}}', [
        { at: 'name', matches: { givenName: 'Leah', familyName: 'Renamed' } },
        { at: [ENTERPRISE, 'department'], equals: 'Legal' },
      ]),
    ],
    directory: [{ user: 'lea', matches: { givenName: 'Leah', familyName: 'Renamed', department: 'Legal' } }],
  },
  {
    id: 'entra-filtered-patch-creates',
    provider: 'entra',
    title: 'A filtered PATCH on a missing value creates it',
    fact: 'Entra ID: "A filtered PATCH on a value that does not exist yet (emails[type eq "work"].value) must create it."',
    steps: [
      createUser('max', entraUser('max', { emails: [] })),
      patch('/Users/{{max}}', [{ op: 'Add', path: 'emails[type eq "work"].value', value: userName('max') }]),
      getResource('/Users/{{max}}', [{ at: 'emails', matches: [{ type: 'work', value: userName('max') }] }]),
      patch('/Users/{{max}}', [{ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }]),
      getResource('/Users/{{max}}', [{ at: 'phoneNumbers', matches: [{ type: 'mobile', value: '+1 555 0100' }] }]),
    ],
    directory: [{ user: 'max', matches: { email: userName('max'), phoneNumber: '+1 555 0100' } }],
  },
  {
    id: 'entra-group-lookup-excludes-members',
    provider: 'entra',
    title: 'Group lookup by displayName with excludedAttributes=members',
    fact: 'Entra ID: "Looks groups up with GET /Groups?excludedAttributes=members&filter=displayName eq "X""',
    steps: [
      createUser('ned', entraUser('ned')),
      createGroup('lookup', group('Entra Lookup', ['{{ned}}'])),
      {
        name: 'GET /Groups?excludedAttributes=members&filter=displayName eq "..."',
        request: {
          method: 'GET',
          path: '/Groups',
          query: { excludedAttributes: 'members', filter: 'displayName eq "entra lookup {{run}}"' },
        },
        expect: {
          status: 200,
          body: [
            { at: 'totalResults', equals: 1 },
            { at: 'Resources', matches: [{ id: '{{lookup}}' }] },
            { at: 'Resources.0.members', absent: true },
          ],
        },
      },
    ],
    directory: [{ group: 'lookup', members: ['ned'] }],
  },
  {
    id: 'entra-remove-member-by-value',
    provider: 'entra',
    title: 'Remove with path "members" and the member in value removes that member only',
    fact: 'Entra ID: "Removing a group member: {"op":"Remove","path":"members","value":[{"value":"<id>"}]}: a server that reads this strictly ... empties the group."',
    steps: [
      createUser('ora', entraUser('ora')),
      createUser('pia', entraUser('pia')),
      createGroup('pair', group('Entra Pair', ['{{ora}}', '{{pia}}'])),
      patch('/Groups/{{pair}}', [{ op: 'Remove', path: 'members', value: [{ value: '{{ora}}' }] }]),
      getResource('/Groups/{{pair}}', [hasMember('pia'), lacksMember('ora')]),
      patch('/Groups/{{pair}}', [{ op: 'Add', path: 'members', value: [{ value: '{{ora}}' }] }]),
      getResource('/Groups/{{pair}}', [hasMember('pia'), hasMember('ora')]),
    ],
    directory: [{ group: 'pair', members: ['ora', 'pia'] }],
  },
  {
    id: 'entra-legacy-group-schema',
    provider: 'entra',
    title: 'POST /Groups with the legacy Azure AD group schema URI',
    fact: 'Entra ID: "Some tenants send a legacy group schema URI (http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group) on POST."',
    steps: [
      createGroup(
        'legacy',
        { ...group('Entra Legacy', [], [LEGACY_ENTRA_GROUP_SCHEMA]), externalId: 'legacy-{{run}}' },
        [
          { at: 'schemas', equals: ['urn:ietf:params:scim:schemas:core:2.0:Group'] },
          { at: 'externalId', equals: 'legacy-{{run}}' },
        ],
      ),
    ],
    directory: [{ group: 'legacy', members: [] }],
  },
  {
    id: 'entra-soft-delete-then-delete',
    provider: 'entra',
    title: 'Soft delete (PATCH active "False", then GET), hard DELETE later',
    fact: 'Entra ID: "Soft delete: PATCH active false, checked with a GET afterwards; a hard DELETE may follow later."',
    steps: [
      createUser('quin', entraUser('quin')),
      patch('/Users/{{quin}}', [{ op: 'Replace', path: 'active', value: 'False' }]),
      getResource('/Users/{{quin}}', [{ at: 'active', equals: false }]),
      { name: 'DELETE /Users/{id}', request: { method: 'DELETE', path: '/Users/{{quin}}' }, expect: { status: 204 } },
      { name: 'GET after DELETE', request: { method: 'GET', path: '/Users/{{quin}}' }, expect: { status: 404 } },
    ],
    directory: [{ user: 'quin', deleted: true }],
  },
];
