import { describe, expect, test } from 'vitest';
import { finishGroups, lastOfEachKey } from './batches.js';

describe('finishGroups', () => {
  test('groups ids by what they set; a reason set to null is not a reason left as it is', () => {
    expect(
      finishGroups([
        { id: 'a', status: 'applied' },
        { id: 'b', status: 'applied', reason: null, payload: null },
        { id: 'c', status: 'applied' },
        { id: 'd', status: 'rejected', reason: 'USER_REJECTED: no' },
      ]),
    ).toEqual([
      { set: { status: 'applied' }, ids: ['a', 'c'] },
      { set: { status: 'applied', reason: null, payload: null }, ids: ['b'] },
      { set: { status: 'rejected', reason: 'USER_REJECTED: no' }, ids: ['d'] },
    ]);
  });
});

describe('lastOfEachKey', () => {
  test("a repeated key keeps its last item, at its first item's place", () => {
    expect(lastOfEachKey(['a1', 'b1', 'a2'], (s) => s[0]!)).toEqual(['a2', 'b1']);
  });
});
