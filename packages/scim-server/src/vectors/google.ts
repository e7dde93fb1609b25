import { createGroup, createUser, getResource, group, oktaUser, patch } from './requests.js';
import type { ScimVector } from './types.js';

/** The facts page gives Google Workspace's timing, not its bodies: the requests are plain RFC 7644. */
export const googleVectors: ScimVector[] = [
  {
    id: 'google-suspend-then-delete',
    provider: 'google',
    title: 'Suspension first; a DELETE long after is still a deprovision',
    fact: 'Google Workspace: "Suspension (active false) and deletion are separate; a DELETE can arrive days (up to about three weeks) after the suspension".',
    steps: [
      createUser('ray', oktaUser('ray')),
      createGroup('staff', group('Google Staff', ['{{ray}}'])),
      patch('/Users/{{ray}}', [{ op: 'replace', path: 'active', value: false }]),
      getResource('/Users/{{ray}}', [{ at: 'active', equals: false }]),
      getResource('/Groups/{{staff}}', [{ at: 'members', matches: [{ value: '{{ray}}' }] }]),
      { name: 'DELETE /Users/{id}', request: { method: 'DELETE', path: '/Users/{{ray}}' }, expect: { status: 204 } },
      { name: 'GET after DELETE', request: { method: 'GET', path: '/Users/{{ray}}' }, expect: { status: 404 } },
      getResource('/Groups/{{staff}}', [{ at: 'members', lacks: { value: '{{ray}}' } }]),
    ],
    directory: [
      { user: 'ray', deleted: true },
      { group: 'staff', members: [] },
    ],
  },
  {
    id: 'google-delete-without-suspension',
    provider: 'google',
    title: 'A DELETE with no suspension before it',
    fact: 'Google Workspace: a DELETE arrives "sometimes without" a suspension.',
    steps: [
      createUser('sam', oktaUser('sam')),
      { name: 'DELETE /Users/{id}', request: { method: 'DELETE', path: '/Users/{{sam}}' }, expect: { status: 204 } },
      { name: 'GET after DELETE', request: { method: 'GET', path: '/Users/{{sam}}' }, expect: { status: 404 } },
      {
        name: 'DELETE again',
        request: { method: 'DELETE', path: '/Users/{{sam}}' },
        expect: { status: 404, body: [{ at: 'status', equals: '404' }] },
      },
    ],
    directory: [{ user: 'sam', deleted: true }],
  },
];
