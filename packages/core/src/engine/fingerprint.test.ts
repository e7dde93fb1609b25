import { describe, expect, it } from 'vitest';
import { fingerprintMatches, userFingerprint } from './fingerprint.js';

const base = { id: 'diruser_1', organizationId: 'org_1', email: 'a@example.com', givenName: 'A', familyName: 'B' };

describe('userFingerprint', () => {
  it('is stable and ignores group order', () => {
    const one = userFingerprint({ ...base, groups: [{ id: 'g1' }, { id: 'g2' }] }, true);
    expect(userFingerprint({ ...base, groups: [{ id: 'g2' }, { id: 'g1' }] }, true)).toBe(one);
    expect(one).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(userFingerprint(base, true, false)).toMatch(/^[A-Za-z0-9_-]{22}$/);
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

  it('changes with the profile fields a detailed listing carries', () => {
    const reference = userFingerprint({ ...base, department: 'Sales', title: 'Rep', displayName: 'A B' }, true);
    const variants = [
      userFingerprint({ ...base, department: 'Support', title: 'Rep', displayName: 'A B' }, true),
      userFingerprint({ ...base, department: 'Sales', title: 'Lead', displayName: 'A B' }, true),
      userFingerprint({ ...base, department: 'Sales', title: 'Rep', displayName: 'A C' }, true),
      userFingerprint({ ...base, department: null, title: 'Rep', displayName: 'A B' }, true),
      userFingerprint(
        { ...base, department: 'Sales', title: 'Rep', displayName: 'A B', emails: ['x@example.com'] },
        true,
      ),
    ];
    expect(new Set([reference, ...variants]).size).toBe(variants.length + 1);
  });

  it('matches a listing without detail on the fields that listing carries', () => {
    const stored = userFingerprint({ ...base, department: 'Sales' }, true);
    expect(fingerprintMatches(stored, userFingerprint({ ...base, department: 'Sales' }, true))).toBe(true);
    expect(fingerprintMatches(stored, userFingerprint({ ...base, department: 'Support' }, true))).toBe(false);
    expect(fingerprintMatches(stored, userFingerprint({ ...base, department: 'Support' }, true, false))).toBe(true);
    expect(fingerprintMatches(stored, userFingerprint({ ...base, email: 'z@example.com' }, true, false))).toBe(false);
    // Stored from a listing without detail: a detailed listing writes once to record the profile fields.
    const bare = userFingerprint(base, true, false);
    expect(fingerprintMatches(bare, userFingerprint(base, true, false))).toBe(true);
    expect(fingerprintMatches(bare, userFingerprint(base, true))).toBe(false);
    expect(fingerprintMatches(null, bare)).toBe(false);
  });
});
