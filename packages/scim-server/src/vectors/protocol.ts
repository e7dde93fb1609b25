import { createUser, getResource, oktaUser, patch, patchOp, userName } from './requests.js';
import type { ScimVector, VectorStep } from './types.js';

function refused(name: string, request: VectorStep['request'], status: number, scimType?: string): VectorStep {
  return { name, request, expect: scimType === undefined ? { status } : { status, scimType } };
}

export const protocolVectors: ScimVector[] = [
  {
    id: 'protocol-discovery',
    provider: 'protocol',
    title: 'Discovery endpoints answer GET only',
    fact: 'Protocol: "discovery: /ServiceProviderConfig, /Schemas, /ResourceTypes (GET only; other methods get 405 or 501 with the SCIM error body)".',
    steps: [
      getResource('/ServiceProviderConfig', [
        { at: 'patch.supported', equals: true },
        { at: 'etag.supported', equals: true },
      ]),
      getResource('/Schemas', [
        { at: 'Resources', matches: [{ id: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }] },
      ]),
      getResource('/ResourceTypes', [{ at: 'Resources', matches: [{ name: 'User' }, { name: 'Group' }] }]),
      refused('POST /Schemas', { method: 'POST', path: '/Schemas', body: {} }, 405),
      refused('DELETE /ServiceProviderConfig', { method: 'DELETE', path: '/ServiceProviderConfig' }, 405),
    ],
  },
  {
    id: 'protocol-list-paging',
    provider: 'protocol',
    title: 'count=0 gives the total and no resources; startIndex is 1-based',
    fact: 'Protocol: "totalResults (the whole match count, not the page)"; "count=0 returns no resources but the total".',
    steps: [
      createUser('tia', oktaUser('tia')),
      createUser('uma', oktaUser('uma')),
      {
        name: 'GET /Users?filter=userName co ...&count=0',
        request: { method: 'GET', path: '/Users', query: { filter: 'userName co "-{{run}}@"', count: '0' } },
        expect: {
          status: 200,
          body: [
            { at: 'totalResults', equals: 2 },
            { at: 'itemsPerPage', equals: 0 },
            { at: 'Resources', length: 0 },
          ],
        },
      },
      {
        name: 'GET /Users?filter=userName co ...&startIndex=2&count=1',
        request: {
          method: 'GET',
          path: '/Users',
          query: { filter: 'userName co "-{{run}}@"', startIndex: '2', count: '1' },
        },
        expect: {
          status: 200,
          body: [
            { at: 'totalResults', equals: 2 },
            { at: 'startIndex', equals: 2 },
            { at: 'itemsPerPage', equals: 1 },
          ],
        },
      },
    ],
  },
  {
    id: 'protocol-attribute-projection',
    provider: 'protocol',
    title: 'attributes and excludedAttributes shape the answer',
    fact: 'Protocol: "attributes= and excludedAttributes= shape the answer".',
    steps: [
      createUser('val', oktaUser('val')),
      {
        name: 'GET /Users/{id}?attributes=userName',
        request: { method: 'GET', path: '/Users/{{val}}', query: { attributes: 'userName' } },
        expect: {
          status: 200,
          body: [
            { at: 'id', equals: '{{val}}' },
            { at: 'userName', equals: userName('val') },
            { at: 'emails', absent: true },
            { at: 'name', absent: true },
          ],
        },
      },
      {
        name: 'GET /Users/{id}?excludedAttributes=emails,name.familyName',
        request: { method: 'GET', path: '/Users/{{val}}', query: { excludedAttributes: 'emails,name.familyName' } },
        expect: {
          status: 200,
          body: [
            { at: 'emails', absent: true },
            { at: 'name.familyName', absent: true },
            { at: 'name.givenName', equals: 'Val' },
          ],
        },
      },
    ],
  },
  {
    id: 'protocol-etag',
    provider: 'protocol',
    title: 'meta.version is the ETag; If-Match is honoured',
    fact: 'Protocol: "meta carries ... version (a weak ETag)"; RFC 7644 3.14: a stale If-Match is a 412.',
    steps: [
      { ...createUser('wes', oktaUser('wes')), capture: { wes: 'id', wesVersion: 'meta.version' } },
      {
        name: 'PATCH with a stale If-Match',
        request: {
          method: 'PATCH',
          path: '/Users/{{wes}}',
          headers: { 'if-match': 'W/"1"' },
          body: patchOp({ op: 'replace', path: 'title', value: 'Stale' }),
        },
        expect: { status: 412 },
      },
      {
        name: 'PATCH with the current If-Match',
        request: {
          method: 'PATCH',
          path: '/Users/{{wes}}',
          headers: { 'if-match': '{{wesVersion}}' },
          body: patchOp({ op: 'replace', path: 'title', value: 'Current' }),
        },
        expect: { status: 200, headers: { etag: true }, body: [{ at: 'title', equals: 'Current' }] },
      },
    ],
  },
  {
    id: 'protocol-patch-all-or-nothing',
    provider: 'protocol',
    title: 'A PATCH whose second operation fails changes nothing',
    fact: 'Protocol: "PATCH: PatchOp with Operations[{op, path?, value?}]; all operations apply or none."',
    steps: [
      createUser('xia', oktaUser('xia')),
      {
        name: 'PATCH title, then a read-only attribute',
        request: {
          method: 'PATCH',
          path: '/Users/{{xia}}',
          body: patchOp(
            { op: 'replace', path: 'title', value: 'Half' },
            { op: 'replace', path: 'meta.created', value: 'x' },
          ),
        },
        expect: { status: 400, scimType: 'mutability' },
      },
      getResource('/Users/{{xia}}', [{ at: 'title', absent: true }]),
    ],
  },
  {
    id: 'protocol-bad-input',
    provider: 'protocol',
    title: 'Bad input gets the right status and scimType',
    fact: 'Protocol: "Errors use the schema urn:ietf:params:scim:api:messages:2.0:Error with status as a string and, for 400, a scimType".',
    steps: [
      createUser('yan', oktaUser('yan')),
      refused(
        'malformed JSON',
        { method: 'POST', path: '/Users', raw: '{"userName": ', headers: { 'content-type': 'application/scim+json' } },
        400,
        'invalidSyntax',
      ),
      refused(
        'unknown attribute',
        { method: 'POST', path: '/Users', body: oktaUser('zed', { favoriteColor: 'red' }) },
        400,
        'invalidSyntax',
      ),
      refused(
        'filter that does not parse',
        { method: 'GET', path: '/Users', query: { filter: 'userName eq' } },
        400,
        'invalidFilter',
      ),
      refused(
        'unsupported operator',
        { method: 'GET', path: '/Users', query: { filter: 'userName regex "a"' } },
        400,
        'invalidFilter',
      ),
      refused(
        'PATCH on a read-only attribute',
        { method: 'PATCH', path: '/Users/{{yan}}', body: patchOp({ op: 'replace', path: 'id', value: 'x' }) },
        400,
        'mutability',
      ),
      refused(
        'PATCH on a path that does not exist',
        { method: 'PATCH', path: '/Users/{{yan}}', body: patchOp({ op: 'replace', path: 'shoeSize', value: '9' }) },
        400,
        'invalidPath',
      ),
      refused('missing token', { method: 'GET', path: '/Users/{{yan}}', auth: 'none' }, 401),
      refused('wrong token', { method: 'GET', path: '/Users/{{yan}}', auth: 'invalid' }, 401),
      refused('unknown id', { method: 'GET', path: '/Users/00000000-0000-4000-8000-000000000000' }, 404),
    ],
  },
  {
    id: 'protocol-media-types',
    provider: 'protocol',
    title: 'application/json is accepted as well as application/scim+json',
    fact: 'Protocol: "Media type application/scim+json (accept application/json too)".',
    steps: [
      {
        name: 'POST /Users as application/json',
        request: {
          method: 'POST',
          path: '/Users',
          headers: { 'content-type': 'application/json' },
          body: oktaUser('amy'),
        },
        expect: { status: 201 },
        capture: { amy: 'id' },
      },
      patch('/Users/{{amy}}', [{ op: 'replace', path: 'title', value: 'Json' }]),
    ],
  },
];
