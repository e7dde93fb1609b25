import { describe, expect, it } from 'vitest';
import { ScimRequestError } from '../http/errors.js';
import { canonicalResource } from '../resources/canonical.js';
import { createSchemaRegistry } from '../schema/registry.js';
import type { ScimMemberRef } from '../store/port.js';
import { applyOperations } from './apply.js';
import { normalizePatch, PATCH_OP_SCHEMA } from './normalize.js';

const registry = createSchemaRegistry();
const canonical = { unknownAttributes: 'reject' } as const;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Json = Record<string, unknown>;

const user: Json = {
  userName: 'alice@example.com',
  name: { givenName: 'Alice', familyName: 'Archer' },
  active: true,
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
  [ENTERPRISE]: { department: 'Engineering' },
};

function patchUser(operations: unknown[], start: Json = user): Json {
  const { operations: normalized } = normalizePatch(
    { schemas: [PATCH_OP_SCHEMA], Operations: operations },
    { schemas: registry.user, id: 'u1', canonical },
  );
  return canonicalResource(applyOperations(start, normalized), registry.user, canonical);
}

async function memberDeltas(operations: unknown[], current: string[]) {
  const { members, operations: attributes } = normalizePatch(
    { schemas: [PATCH_OP_SCHEMA], Operations: operations },
    { schemas: registry.group, id: 'g1', canonical },
  );
  const pages = async function* (): AsyncGenerator<ScimMemberRef[]> {
    yield current.map((value) => ({ value, display: value.toUpperCase() }));
  };
  let read = false;
  const deltas = await members.resolve(() => {
    read = true;
    return pages();
  });
  return { ...deltas, listRead: read, attributes };
}

function scimTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimRequestError) return `${error.status} ${error.scimType}`;
    throw error;
  }
  return undefined;
}

describe('Entra ID habits', () => {
  it('capitalised ops and string booleans', () => {
    expect(patchUser([{ op: 'Replace', path: 'active', value: 'False' }]).active).toBe(false);
    expect(patchUser([{ op: 'replace', path: 'active', value: 'true' }], { ...user, active: false }).active).toBe(true);
  });

  it('a filtered path creates the value it does not find', () => {
    const result = patchUser([{ op: 'Add', path: 'emails[type eq "home"].value', value: 'a@home.example' }]);
    expect(result.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: true },
      { type: 'home', value: 'a@home.example' },
    ]);
    const replaced = patchUser([{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }]);
    expect(replaced.emails).toEqual([{ value: 'new@example.com', type: 'work', primary: true }]);
    const phone = patchUser([{ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' }]);
    expect(phone.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555' }]);
  });

  it('enterprise attributes by full URN path, and manager as a bare string', () => {
    const result = patchUser([
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'mgr-1' },
      { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
      { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '1001' },
    ]);
    expect(result[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: 'mgr-1' }, employeeNumber: '1001' });
    expect(patchUser([{ op: 'Remove', path: `${ENTERPRISE}:department` }])[ENTERPRISE]).toBeUndefined();
  });

  it('path-less replace with dotted keys and full URN keys', () => {
    const result = patchUser([
      {
        op: 'Replace',
        value: {
          'name.givenName': 'Alicia',
          displayName: 'Alicia Archer',
          [`${ENTERPRISE}:manager`]: { value: 'mgr-2' },
          [ENTERPRISE]: { costCenter: 'CC-7' },
        },
      },
    ]);
    expect(result.name).toEqual({ givenName: 'Alicia', familyName: 'Archer' });
    expect(result.displayName).toBe('Alicia Archer');
    expect(result[ENTERPRISE]).toEqual({ department: 'Engineering', manager: { value: 'mgr-2' }, costCenter: 'CC-7' });
  });

  it('matches canonical values whatever their case ("Work" is the work email)', () => {
    const start = canonicalResource(
      { ...user, emails: [{ value: 'a@x.com', type: 'Work' }] },
      registry.user,
      canonical,
    );
    expect(
      patchUser([{ op: 'Replace', path: 'emails[type eq "WORK"].value', value: 'b@x.com' }], start).emails,
    ).toEqual([{ value: 'b@x.com', type: 'work' }]);
  });

  it('removing the value of a filtered email drops the email', () => {
    expect(patchUser([{ op: 'Remove', path: 'emails[type eq "work"].value' }]).emails).toBeUndefined();
  });

  it('removes a group member by value, not the whole list', async () => {
    const deltas = await memberDeltas([{ op: 'Remove', path: 'members', value: [{ value: 'u2' }] }], ['u1', 'u2']);
    expect(deltas).toMatchObject({ add: [], remove: ['u2'], listRead: false });
  });
});

describe('Okta habits', () => {
  it('path-less replace of active', () => {
    expect(patchUser([{ op: 'replace', value: { active: false } }]).active).toBe(false);
  });

  it('members[value eq "id"] removes that member without reading the list', async () => {
    const deltas = await memberDeltas(
      [
        { op: 'add', path: 'members', value: [{ value: 'u3', display: 'c' }] },
        { op: 'remove', path: 'members[value eq "u1"]' },
      ],
      ['u1', 'u2'],
    );
    expect(deltas).toMatchObject({ add: ['u3'], remove: ['u1'], listRead: false });
  });

  // Okta's SCIM guide renames a group this way; the id it repeats is the group's own.
  it("a group rename repeats the group's id", async () => {
    const { attributes } = await memberDeltas([{ op: 'replace', value: { id: 'g1', displayName: 'New name' } }], []);
    expect(attributes).toEqual([{ op: 'replace', path: 'displayName', value: 'New name' }]);
    expect(scimTypeOf(() => patchUser([{ op: 'replace', value: { id: 'other' } }]))).toBe('400 mutability');
  });
});

describe('members', () => {
  it('replace computes both deltas from the current list', async () => {
    const deltas = await memberDeltas(
      [{ op: 'replace', path: 'members', value: [{ value: 'u2' }, { value: 'u3' }] }],
      ['u1', 'u2'],
    );
    expect(deltas).toMatchObject({ add: ['u3'], remove: ['u1'], listRead: true });
  });

  it('later operations win, and remove of every member is a replace by nothing', async () => {
    expect(
      await memberDeltas(
        [
          { op: 'remove', path: 'members' },
          { op: 'add', path: 'members', value: [{ value: 'u2' }] },
        ],
        ['u1', 'u2'],
      ),
    ).toMatchObject({ add: [], remove: ['u1'] });
    expect(
      await memberDeltas(
        [
          { op: 'add', path: 'members', value: [{ value: 'u4' }] },
          { op: 'remove', path: 'members[value eq "u4" or value eq "u1"]' },
        ],
        ['u1'],
      ),
    ).toMatchObject({ add: [], remove: ['u4', 'u1'], listRead: false });
  });

  it('a filter other than value eq is evaluated over the pages', async () => {
    const deltas = await memberDeltas([{ op: 'remove', path: 'members[display sw "U1"]' }], ['u1', 'u10', 'u2']);
    expect(deltas).toMatchObject({ remove: ['u1', 'u10'], listRead: true });
  });

  it('refuses member values that are not ids, and sub-attribute paths', () => {
    expect(scimTypeOf(() => memberDeltasSync([{ op: 'add', path: 'members', value: [{ display: 'x' }] }]))).toBe(
      '400 invalidValue',
    );
    expect(
      scimTypeOf(() => memberDeltasSync([{ op: 'replace', path: 'members[value eq "u1"].display', value: 'x' }])),
    ).toBe('400 invalidPath');
  });
});

function memberDeltasSync(operations: unknown[]) {
  return normalizePatch(
    { schemas: [PATCH_OP_SCHEMA], Operations: operations },
    { schemas: registry.group, id: 'g1', canonical },
  );
}

describe('refusals', () => {
  it.each([
    ['an unknown op', [{ op: 'move', path: 'title', value: 'x' }], '400 invalidSyntax'],
    ['a path that names nothing', [{ op: 'replace', path: 'favoriteColor', value: 'x' }], '400 invalidPath'],
    ['a read-only attribute', [{ op: 'replace', path: 'meta.created', value: 'x' }], '400 mutability'],
    ['groups of a user', [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }], '400 mutability'],
    ['removing userName', [{ op: 'remove', path: 'userName' }], '400 mutability'],
    ['remove without a path', [{ op: 'remove' }], '400 noTarget'],
    ['a wrong type', [{ op: 'replace', path: 'active', value: 'yes' }], '400 invalidValue'],
    ['add without a value', [{ op: 'add', path: 'title' }], '400 invalidValue'],
    ['a prototype key', [{ op: 'replace', path: '__proto__.polluted', value: 'x' }], '400 invalidPath'],
    ['a bad value filter', [{ op: 'replace', path: 'emails[type eq].value', value: 'x' }], '400 invalidPath'],
    [
      'replace of a missing filtered element',
      [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'x' } }],
      '400 noTarget',
    ],
  ])('refuses %s', (_name, operations, expected) => {
    expect(scimTypeOf(() => patchUser(operations))).toBe(expected);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('needs a PatchOp body', () => {
    const context = { schemas: registry.user, id: 'u1', canonical };
    expect(scimTypeOf(() => normalizePatch({ Operations: [] }, context))).toBe('400 invalidSyntax');
    expect(scimTypeOf(() => normalizePatch({ schemas: ['x'], Operations: [{ op: 'add' }] }, context))).toBe(
      '400 invalidSyntax',
    );
  });

  it('leaves the stored attributes untouched when an operation fails', () => {
    const start = structuredClone(user);
    expect(() =>
      patchUser(
        [
          { op: 'replace', path: 'title', value: 'CEO' },
          { op: 'replace', path: 'emails[type eq "x"]', value: { value: 'v' } },
        ],
        start,
      ),
    ).toThrow();
    expect(start).toEqual(user);
  });
});
