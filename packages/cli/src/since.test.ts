import { describe, expect, it } from 'vitest';
import { parseSince } from './since.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('parseSince', () => {
  it('reads durations back from now', () => {
    expect(parseSince('90m', NOW).toISOString()).toBe('2026-06-01T10:30:00.000Z');
    expect(parseSince('2h', NOW).toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(parseSince('1.5h', NOW).toISOString()).toBe('2026-06-01T10:30:00.000Z');
    expect(parseSince('3d', NOW).toISOString()).toBe('2026-05-29T12:00:00.000Z');
    expect(parseSince(' 1W ', NOW).toISOString()).toBe('2026-05-25T12:00:00.000Z');
  });

  it('reads ISO dates and date-times', () => {
    expect(parseSince('2026-05-01', NOW).toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(parseSince('2026-05-01T08:00Z', NOW).toISOString()).toBe('2026-05-01T08:00:00.000Z');
    expect(parseSince('2026-05-01T08:00:00.250+02:00', NOW).toISOString()).toBe('2026-05-01T06:00:00.250Z');
  });

  it('refuses anything else, and the future, saying which forms it takes', () => {
    for (const bad of [
      '',
      'yesterday',
      '2',
      '-2h',
      '2 hours',
      '0h',
      '2026-13-45',
      '2026-02-30',
      '2026-04-31',
      'Jun 1 2026',
      '2h ago',
    ]) {
      expect(() => parseSince(bad, NOW), bad).toThrow(/ISO date|duration above 0|not a real date/);
    }
    expect(() => parseSince('2026-06-02', NOW)).toThrow('2026-06-02T00:00:00.000Z is in the future');
  });
});
