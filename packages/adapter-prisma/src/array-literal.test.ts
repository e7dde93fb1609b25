import { describe, expect, it } from 'vitest';
import { arrayLiteral } from './array-literal.js';

describe('arrayLiteral', () => {
  it('writes strings quoted, and nulls, numbers and booleans bare', () => {
    expect(arrayLiteral(['a', 'b c', 'NULL', '', '{x,y}', 'é漢'])).toBe('{"a","b c","NULL","","{x,y}","é漢"}');
    expect(arrayLiteral([null, 'a', null])).toBe('{null,"a",null}');
    expect(arrayLiteral([true, false])).toBe('{true,false}');
    expect(arrayLiteral([1, 2.5])).toBe('{1,2.5}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('leaves to the drivers an array with a quote, a backslash, a control character or another type', () => {
    for (const value of ['a"b', 'a\\b', 'a\tb', 'a\nb']) expect(arrayLiteral(['x', value])).toBeNull();
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 1n, new Date(0), { a: 1 }, ['a'], undefined]) {
      expect(arrayLiteral(['x', value])).toBeNull();
    }
  });
});
