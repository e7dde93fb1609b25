import { describe, expect, it } from 'vitest';
import { rounds } from './rounds.js';

describe('rounds', () => {
  it('keeps a call without repeats whole', () => {
    const items = [{ id: 'a' }, { id: 'b' }];
    expect(rounds(items, (i) => i.id)).toEqual([items]);
    expect(rounds([], (i: { id: string }) => i.id)).toEqual([[]]);
  });

  it('puts the n-th item of an id in round n, in the given order', () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2'];
    expect(rounds(items, (i) => i[0]!)).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
  });
});
