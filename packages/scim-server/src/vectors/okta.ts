import {
  createGroup,
  createUser,
  getResource,
  group,
  hasMember,
  LIST_RESPONSE,
  lacksMember,
  oktaUser,
  patch,
  userName,
} from './requests.js';
import type { ScimVector } from './types.js';

export const oktaVectors: ScimVector[] = [
  {
    id: 'okta-connection-test',
    provider: 'okta-generic',
    title: 'Connection test lists two users with numeric paging fields',
    fact: 'Okta: "The connection test is GET /Users?startIndex=1&count=2". Protocol: ListResponse numbers are numbers, not strings.',
    steps: [
      {
        name: 'GET /Users?startIndex=1&count=2',
        request: { method: 'GET', path: '/Users', query: { startIndex: '1', count: '2' } },
        expect: {
          status: 200,
          body: [
            { at: 'schemas', equals: [LIST_RESPONSE] },
            { at: 'startIndex', equals: 1 },
            { at: 'Resources', matches: [] },
          ],
        },
      },
    ],
  },
  {
    id: 'okta-lookup-no-match',
    provider: 'okta-generic',
    title: 'A userName lookup with no match is an empty list, not 404',
    fact: 'Okta: "(or a userName eq filter with no match, expecting an empty list, not 404)".',
    steps: [
      {
        name: 'GET /Users?filter=userName eq "<unknown>"',
        request: {
          method: 'GET',
          path: '/Users',
          query: { filter: `userName eq "${userName('nobody')}"`, startIndex: '1', count: '100' },
        },
        expect: {
          status: 200,
          body: [
            { at: 'totalResults', equals: 0 },
            { at: 'itemsPerPage', equals: 0 },
            { at: 'Resources', length: 0 },
          ],
        },
      },
    ],
  },
  {
    id: 'okta-create-and-duplicate',
    provider: 'okta-generic',
    title: 'Create a user; the same userName in another case is a 409 uniqueness',
    fact: 'Protocol: "POST /Users with a userName that exists answers 409 uniqueness"; "userName comparisons are case-insensitive".',
    steps: [
      createUser('ada', oktaUser('ada'), [
        { at: 'userName', equals: userName('ada') },
        { at: 'active', equals: true },
        { at: 'password', absent: true },
        { at: 'meta.resourceType', equals: 'User' },
      ]),
      {
        name: 'POST /Users again, userName upper-cased',
        request: { method: 'POST', path: '/Users', body: oktaUser('ada', { userName: userName('ADA') }) },
        expect: { status: 409, scimType: 'uniqueness' },
      },
    ],
    directory: [{ user: 'ada', matches: { active: true, email: userName('ada'), givenName: 'Ada' } }],
  },
  {
    id: 'okta-put-deactivate',
    provider: 'okta-generic',
    title: 'Full-replace PUT deactivates, and an attribute left out is removed',
    fact: 'Okta: "Apps built with the generic SCIM integration update with full-replace PUT, deactivation included: an attribute that is left out is removed".',
    steps: [
      createUser('bea', oktaUser('bea', { title: 'Engineer', nickName: 'B' })),
      {
        name: 'PUT /Users/{id} with active false and no title',
        request: {
          method: 'PUT',
          path: '/Users/{{bea}}',
          body: { ...oktaUser('bea', { active: false, nickName: 'B' }), id: '{{bea}}' },
        },
        expect: {
          status: 200,
          body: [
            { at: 'active', equals: false },
            { at: 'title', absent: true },
            { at: 'nickName', equals: 'B' },
          ],
        },
      },
      getResource('/Users/{{bea}}', [
        { at: 'active', equals: false },
        { at: 'title', absent: true },
      ]),
    ],
    directory: [{ user: 'bea', matches: { active: false, title: null } }],
  },
  {
    id: 'okta-put-active-omitted',
    provider: 'okta-generic',
    title: 'A PUT without active is not a suspension',
    fact: 'Okta: "`active` left out has been read as a suspension by several servers".',
    steps: [
      createUser('cid', oktaUser('cid')),
      {
        name: 'PUT /Users/{id} without active',
        request: {
          method: 'PUT',
          path: '/Users/{{cid}}',
          body: { ...oktaUser('cid', { displayName: 'Cid Renamed' }), active: undefined },
        },
        expect: { status: 200, body: [{ at: 'active', equals: true }] },
      },
    ],
    directory: [{ user: 'cid', matches: { active: true, displayName: 'Cid Renamed' } }],
  },
  {
    id: 'okta-oin-patch-deactivate',
    provider: 'okta-oin',
    title: 'Path-less replace of active deactivates',
    fact: 'Okta: "Marketplace (OIN) apps use PATCH, including a path-less {"op":"replace","value":{"active":false}}".',
    steps: [
      createUser('dee', oktaUser('dee')),
      patch('/Users/{{dee}}', [{ op: 'replace', value: { active: false } }]),
      getResource('/Users/{{dee}}', [{ at: 'active', equals: false }]),
    ],
    directory: [{ user: 'dee', matches: { active: false } }],
  },
  {
    id: 'okta-group-push',
    provider: 'okta-oin',
    title: 'Group push: POST the group, add members, remove one with members[value eq]',
    fact: 'Okta: "Group push: POST the group, then PATCH add members and remove with members[value eq "<id>"], in batches."',
    steps: [
      createUser('eve', oktaUser('eve')),
      createUser('fay', oktaUser('fay')),
      createUser('gus', oktaUser('gus')),
      createGroup('pushed', group('Okta Push'), [{ at: 'displayName', equals: 'Okta Push {{run}}' }]),
      patch('/Groups/{{pushed}}', [
        {
          op: 'add',
          path: 'members',
          value: [
            { value: '{{eve}}', display: 'eve' },
            { value: '{{fay}}', display: 'fay' },
          ],
        },
      ]),
      patch('/Groups/{{pushed}}', [{ op: 'add', path: 'members', value: [{ value: '{{gus}}', display: 'gus' }] }]),
      patch('/Groups/{{pushed}}', [{ op: 'remove', path: 'members[value eq "{{eve}}"]' }]),
      getResource('/Groups/{{pushed}}', [
        hasMember('fay'),
        hasMember('gus'),
        lacksMember('eve'),
        { at: 'members', length: 2 },
      ]),
    ],
    directory: [{ group: 'pushed', members: ['fay', 'gus'] }],
  },
  {
    id: 'okta-reactivate-keeps-groups',
    provider: 'okta-oin',
    title: 'Deactivating and reactivating a user keeps its group memberships',
    fact: 'Okta: "Reactivation after a deactivation is expected to bring the user\'s group memberships back."',
    steps: [
      createUser('hal', oktaUser('hal')),
      createGroup('team', group('Okta Team', ['{{hal}}'])),
      patch('/Users/{{hal}}', [{ op: 'replace', value: { active: false } }]),
      patch('/Users/{{hal}}', [{ op: 'replace', value: { active: true } }]),
      getResource('/Groups/{{team}}', [hasMember('hal')]),
      getResource('/Users/{{hal}}', [
        { at: 'active', equals: true },
        { at: 'groups', matches: [{ value: '{{team}}' }] },
      ]),
    ],
    directory: [
      { user: 'hal', matches: { active: true } },
      { group: 'team', members: ['hal'] },
    ],
  },
];
