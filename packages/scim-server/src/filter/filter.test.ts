import { describe, expect, it } from 'vitest';
import { ScimRequestError } from '../http/errors.js';
import { createSchemaRegistry } from '../schema/registry.js';
import { matches } from './evaluate.js';
import { foldSubAttributeComparisons, protectLiterals } from './literals.js';
import { parseFilter } from './parse.js';
import { pushdown } from './pushdown.js';

const registry = createSchemaRegistry();
const users = { schemas: registry.user };
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const alice = {
  id: 'u1',
  userName: 'Alice@Example.com',
  externalId: 'AAD-1',
  active: true,
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'Engineering', manager: { value: 'm1' } },
  meta: { lastModified: '2026-03-01T10:00:00.000Z' },
};

function scimTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimRequestError) return `${error.status} ${error.scimType}`;
    throw error;
  }
  return undefined;
}

describe('literals', () => {
  it('decodes JSON escapes the library would double', () => {
    const parsed = parseFilter('userName eq "DOMAIN\\\\alice" or displayName eq "Ren\\u00e9e \\"R\\""', users);
    expect(parsed).toMatchObject({
      kind: 'or',
      filters: [{ value: 'DOMAIN\\alice' }, { value: 'Renée "R"' }],
    });
  });

  it('keeps brackets and dots inside literals out of the rewrite', () => {
    const { text, literals } = protectLiterals('emails[value eq "a].b@x"].type eq "work"');
    expect(literals).toEqual(['a].b@x', 'work']);
    expect(foldSubAttributeComparisons(text)).toBe('emails[(value eq "0") and type eq "1"]');
  });

  it('refuses an unterminated string', () => {
    expect(scimTypeOf(() => parseFilter('userName eq "abc', users))).toBe('400 invalidFilter');
  });
});

describe('parseFilter', () => {
  it('matches names and operators case-insensitively and answers canonical names', () => {
    const parsed = parseFilter('USERNAME Eq "x" AND Name.GivenName sw "A"', users);
    expect(parsed).toMatchObject({
      kind: 'and',
      filters: [
        { kind: 'compare', op: 'eq', path: { name: 'userName' } },
        { kind: 'compare', op: 'sw', path: { name: 'name.givenName' } },
      ],
    });
  });

  it('keeps "emails[type eq work].value eq x" about one email (the library splits it)', () => {
    const filter = parseFilter('emails[type eq "work"].value eq "alice@home.example"', users);
    expect(filter.kind).toBe('valuePath');
    expect(matches(filter, alice)).toBe(false);
    expect(matches(parseFilter('emails[type eq "home"].value eq "ALICE@home.example"', users), alice)).toBe(true);
  });

  it('resolves enterprise attributes by full URN', () => {
    const filter = parseFilter(`${ENTERPRISE}:department eq "engineering"`, users);
    expect(matches(filter, alice)).toBe(true);
    expect(matches(parseFilter(`${ENTERPRISE}:manager.value eq "m1"`, users), alice)).toBe(true);
  });

  it.each([
    ['an unknown attribute', 'nickname2 eq "x"'],
    ['an unknown operator', 'userName zz "x"'],
    ['a dangling logical operator', 'userName eq "x" or'],
    ['a missing value', 'userName eq'],
    ['ordering on a boolean', 'active gt true'],
    ['co on a number', 'userName co 3'],
    ['an empty filter', '   '],
  ])('refuses %s with 400 invalidFilter', (_name, filter) => {
    expect(scimTypeOf(() => parseFilter(filter, users))).toBe('400 invalidFilter');
  });
});

describe('matches', () => {
  it.each([
    ['userName eq "alice@example.com"', true],
    ['externalId eq "aad-1"', false],
    ['externalId eq "AAD-1"', true],
    ['emails co "home.example"', true],
    ['emails[type eq "work" and primary eq true]', true],
    ['not (active eq true)', false],
    ['title pr', false],
    ['userName pr and active eq true', true],
    ['title ne "x"', true],
    ['meta.lastModified gt "2026-02-28T00:00:00Z"', true],
    ['meta.lastModified lt "2026-03-01T10:00:00Z"', false],
    ['userName ew "EXAMPLE.COM"', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(parseFilter(filter, users), alice)).toBe(expected);
  });
});

describe('pushdown', () => {
  it('pushes indexed comparisons, lower-casing case-insensitive ones', () => {
    expect(pushdown(parseFilter('userName eq "Alice@Example.com" and active eq true', users), 'User')).toEqual({
      filter: {
        op: 'and',
        filters: [
          { op: 'eq', attribute: 'userName', value: 'alice@example.com' },
          { op: 'eq', attribute: 'active', value: true },
        ],
      },
      exact: true,
    });
    expect(pushdown(parseFilter('externalId sw "AAD"', users), 'User').filter).toEqual({
      op: 'sw',
      attribute: 'externalId',
      value: 'AAD',
    });
  });

  it("narrows Entra's work-email lookup to emails.value and leaves the type to the server", () => {
    expect(pushdown(parseFilter('emails[type eq "work"].value eq "A@x.com"', users), 'User')).toEqual({
      filter: { op: 'eq', attribute: 'emails.value', value: 'a@x.com' },
      exact: false,
    });
  });

  it('keeps the indexed half of an and, and pushes nothing of an or', () => {
    expect(pushdown(parseFilter('userName sw "a" and title eq "x"', users), 'User')).toEqual({
      filter: { op: 'sw', attribute: 'userName', value: 'a' },
      exact: false,
    });
    expect(pushdown(parseFilter('userName eq "a" or userName eq "b"', users), 'User')).toEqual({
      filter: null,
      exact: false,
    });
  });

  it('compares meta.lastModified as an instant', () => {
    expect(pushdown(parseFilter('meta.lastModified ge "2026-01-01T00:00:00Z"', users), 'User').filter).toEqual({
      op: 'ge',
      attribute: 'meta.lastModified',
      value: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('pushes displayName on groups, userName nowhere there', () => {
    const groups = { schemas: registry.group };
    expect(pushdown(parseFilter('displayName eq "Sales"', groups), 'Group')).toEqual({
      filter: { op: 'eq', attribute: 'displayName', value: 'sales' },
      exact: true,
    });
    expect(scimTypeOf(() => parseFilter('userName eq "x"', groups))).toBe('400 invalidFilter');
  });
});
