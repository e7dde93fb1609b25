import { describe, expect, it } from 'vitest';
import { userFingerprint } from './fingerprint.js';

const base = { id: 'diruser_1', organizationId: 'org_1', email: 'a@example.com', givenName: 'A', familyName: 'B' };

describe('userFingerprint', () => {
  it('is stable and ignores group order', () => {
    const one = userFingerprint({ ...base, groups: [{ id: 'g1' }, { id: 'g2' }] }, true);
    expect(userFingerprint({ ...base, groups: [{ id: 'g2' }, { id: 'g1' }] }, true)).toBe(one);
    expect(one).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('changes with each compared field', () => {
    const reference = userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }] }, true);
    const variants = [
      userFingerprint({ ...base, email: 'b@example.com', username: 'a', groups: [{ id: 'g1' }] }, true),
      userFingerprint({ ...base, givenName: 'Z', username: 'a', groups: [{ id: 'g1' }] }, true),
      userFingerprint({ ...base, familyName: 'Z', username: 'a', groups: [{ id: 'g1' }] }, true),
      userFingerprint({ ...base, username: 'b', groups: [{ id: 'g1' }] }, true),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }] }, false),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g2' }] }, true),
      userFingerprint({ ...base, username: 'a', groups: [] }, true),
      userFingerprint({ ...base, username: 'a' }, true),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }], department: 'Sales' }, true),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }], title: 'CTO' }, true),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }], displayName: 'A B' }, true),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }], roles: ['admin'] }, true),
      userFingerprint({ ...base, username: 'a', groups: [{ id: 'g1' }], customAttributes: { level: 3 } }, true),
    ];
    expect(new Set([reference, ...variants]).size).toBe(variants.length + 1);
  });

  it('cannot be fooled by a separator inside a value', () => {
    // Given name "x|1:y" with no family name must not read as given "x", family "y".
    const a = userFingerprint({ ...base, givenName: 'x|1:y', familyName: null }, true);
    const b = userFingerprint({ ...base, givenName: 'x', familyName: 'y' }, true);
    expect(a).not.toBe(b);
    expect(userFingerprint({ ...base, givenName: '' }, true)).not.toBe(
      userFingerprint({ ...base, givenName: null }, true),
    );
    expect(userFingerprint({ ...base, givenName: null }, true)).not.toBe(
      userFingerprint({ ...base, givenName: '-' }, true),
    );
  });

  it('reads attributes in any key order and roles in any order as the same', () => {
    const one = userFingerprint({ ...base, roles: ['a', 'b'], customAttributes: { x: 1, y: { p: 1, q: 2 } } }, true);
    const two = userFingerprint({ ...base, roles: ['b', 'a'], customAttributes: { y: { q: 2, p: 1 }, x: 1 } }, true);
    expect(two).toBe(one);
  });
});
