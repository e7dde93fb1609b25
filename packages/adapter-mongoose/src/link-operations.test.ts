import { describe, expect, test } from 'vitest';
import { linkUpserts, planEmailLinks } from './link-operations.js';

describe('identity links', () => {
  test('one upsert per directory user; a repeated id keeps its last link', () => {
    expect(
      linkUpserts('org_1', [
        { directoryUserId: 'a', appUserId: '1' },
        { directoryUserId: 'b', appUserId: '2' },
        { directoryUserId: 'a', appUserId: '3' },
      ]).map((o) => [o.updateOne.filter, o.updateOne.update]),
    ).toEqual([
      [{ organizationId: 'org_1', directoryUserId: 'a' }, { $set: { appUserId: '3' } }],
      [{ organizationId: 'org_1', directoryUserId: 'b' }, { $set: { appUserId: '2' } }],
    ]);
  });
});

describe('the plan of account linking by email', () => {
  const doc = (id: string, email: string) => ({ _id: id, email });

  test('a directory user gets the one unlinked document with its email, compared without case', () => {
    expect(
      planEmailLinks([{ directoryUserId: 'u1', email: 'Ann@Example.com' }], new Set(), [doc('d1', 'ann@example.COM')]),
    ).toEqual([{ directoryUserId: 'u1', documentId: 'd1' }]);
  });

  test('two unlinked documents with the email: neither is given', () => {
    expect(
      planEmailLinks([{ directoryUserId: 'u1', email: 'ann@example.com' }], new Set(), [
        doc('d1', 'ann@example.com'),
        doc('d2', 'ANN@example.com'),
      ]),
    ).toEqual([]);
  });

  test('items in order: a document goes to the first that asks; a user with a document, or linked already, keeps it', () => {
    expect(
      planEmailLinks(
        [
          { directoryUserId: 'has', email: 'x@example.com' },
          { directoryUserId: 'first', email: 'y@example.com' },
          { directoryUserId: 'second', email: 'Y@example.com' },
          { directoryUserId: 'first', email: 'x@example.com' },
          { directoryUserId: 'third', email: 'x@example.com' },
          { directoryUserId: 'nobody', email: 'z@example.com' },
        ],
        new Set(['has']),
        [doc('dx', 'x@example.com'), doc('dy', 'y@example.com')],
      ),
    ).toEqual([
      { directoryUserId: 'first', documentId: 'dy' },
      { directoryUserId: 'third', documentId: 'dx' },
    ]);
  });
});
