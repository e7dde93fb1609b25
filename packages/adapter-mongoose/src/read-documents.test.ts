import { Long } from 'mongodb';
import { describe, expect, test } from 'vitest';
import { toBigInt, toEntityState, toInboxRecord, toSyncState } from './read-documents.js';

describe('toBigInt', () => {
  test('every form the driver may hand back is exact', () => {
    const big = 1_750_000_000_123_456_789n;
    expect(toBigInt(big)).toBe(big);
    expect(toBigInt(Long.fromBigInt(big))).toBe(big);
    expect(toBigInt(Long.fromBigInt(-5n))).toBe(-5n);
    expect(toBigInt(42)).toBe(42n);
    expect(toBigInt('1750000000123456789')).toBe(big);
  });

  test('a number past 2^53 is refused rather than rounded', () => {
    expect(() => toBigInt(2 ** 60)).toThrow(TypeError);
    expect(() => toBigInt(1.5)).toThrow(TypeError);
    expect(() => toBigInt(null)).toThrow(TypeError);
  });
});

describe('documents to contract records', () => {
  test('an entity document with missing optional fields reads as nulls, version as bigint', () => {
    const updatedAt = new Date();
    const state = toEntityState({
      organizationId: 'org_1',
      kind: 'user',
      id: 'diruser_1',
      version: Long.fromBigInt(1_750_000_000_000_000_001n) as unknown as bigint,
      deleted: false,
      active: true,
      updatedAt,
    } as Parameters<typeof toEntityState>[0]);
    expect(state).toEqual({
      organizationId: 'org_1',
      kind: 'user',
      id: 'diruser_1',
      version: 1_750_000_000_000_000_001n,
      deleted: false,
      active: true,
      fingerprint: null,
      directoryRoles: null,
      eventId: null,
      updatedAt,
    });
  });

  test('an inbox document maps _id to id and drops nothing else', () => {
    const receivedAt = new Date();
    expect(
      toInboxRecord({
        _id: 'evt_1',
        organizationId: 'org_1',
        type: 't',
        occurredAt: '2025-06-02T08:00:00.000000001Z',
        receivedAt,
        status: 'rejected',
        reason: 'USER_REJECTED: no',
        payload: '{"a":1}',
      }),
    ).toEqual({
      id: 'evt_1',
      organizationId: 'org_1',
      type: 't',
      occurredAt: '2025-06-02T08:00:00.000000001Z',
      receivedAt,
      status: 'rejected',
      reason: 'USER_REJECTED: no',
      payload: '{"a":1}',
    });
  });

  test('a sync state without its optional dates reads them as null and drops _id', () => {
    const updatedAt = new Date();
    const doc = { _id: 'x', organizationId: 'o', directoryId: 'd', status: 'idle', updatedAt };
    expect(toSyncState(doc as unknown as Parameters<typeof toSyncState>[0])).toEqual({
      organizationId: 'o',
      directoryId: 'd',
      status: 'idle',
      watermark: null,
      checkpoint: null,
      lastStartedAt: null,
      lastFinishedAt: null,
      lastError: null,
      updatedAt,
    });
  });
});
