import { describe, expect, it } from 'vitest';
import { ago, duration, when } from './format.js';

describe('formatting for people', () => {
  it('says how long ago in the largest whole unit', () => {
    const now = new Date('2026-01-02T12:00:00Z');
    expect(ago(new Date('2026-01-02T11:59:58Z'), now)).toBe('2 seconds ago');
    expect(ago(new Date('2026-01-02T11:30:00Z'), now)).toBe('30 minutes ago');
    expect(ago(new Date('2026-01-01T09:00:00Z'), now)).toBe('1 day ago');
    expect(ago(new Date('2026-01-02T11:59:59.500Z'), now)).toBe('just now');
  });

  it('writes durations and instants', () => {
    expect(duration(850)).toBe('850 ms');
    expect(duration(4_200)).toBe('4.2 s');
    expect(duration(185_000)).toBe('3 min 05 s');
    expect(duration(7_620_000)).toBe('2 h 07 min');
    expect(when(new Date('2026-01-02T11:30:00.123Z'))).toBe('2026-01-02 11:30:00 UTC');
    expect(when(null)).toBe('never');
  });
});
