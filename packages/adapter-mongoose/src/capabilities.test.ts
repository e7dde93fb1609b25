import { describe, expect, test } from 'vitest';
import { transactionsFromHello } from './capabilities.js';

describe('transactionsFromHello', () => {
  test('a standalone mongod has no transactions', () => {
    expect(
      transactionsFromHello({ isWritablePrimary: true, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30, ok: 1 }),
    ).toBe(false);
  });

  test('a replica set member has them', () => {
    expect(
      transactionsFromHello({
        isWritablePrimary: true,
        setName: 'rs0',
        hosts: ['127.0.0.1:27017'],
        logicalSessionTimeoutMinutes: 30,
        ok: 1,
      }),
    ).toBe(true);
  });

  test('a mongos has them', () => {
    expect(transactionsFromHello({ isWritablePrimary: true, msg: 'isdbgrid', logicalSessionTimeoutMinutes: 30 })).toBe(
      true,
    );
  });

  test('no sessions, no transactions', () => {
    expect(transactionsFromHello({ setName: 'rs0', logicalSessionTimeoutMinutes: null })).toBe(false);
    expect(transactionsFromHello({ msg: 'isdbgrid' })).toBe(false);
    expect(transactionsFromHello({ setName: '', logicalSessionTimeoutMinutes: 30 })).toBe(false);
  });
});
