import { describe, expect, it } from 'vitest';
import { describeProgress, figures } from './progress.js';

const progress = {
  organizationId: 'org_1',
  directoryId: 'dir_1',
  phase: 'users' as const,
  pages: 11,
  groupsListed: 30,
  usersListed: 1_000,
  usersWritten: 400,
};

describe('sync progress figures', () => {
  it('gives users/s since the users phase began and an ETA once the total is known', () => {
    const f = figures({ ...progress, usersTotal: 5_000 }, 10_000, 12_000);
    expect(f.rate).toBe(500);
    expect(f.etaMs).toBe(8_000);
    expect(describeProgress(f)).toBe(
      'users: 11 pages, 30 groups, 1000/5000 users listed, 400 written, 500 users/s, ETA 8.0 s',
    );
  });

  it('leaves out what is not known yet: no total, no rate in the first half second', () => {
    const f = figures(progress, 10_000, 10_200);
    expect(f.rate).toBeUndefined();
    expect(f.etaMs).toBeUndefined();
    expect(describeProgress(f, true)).toBe('users: 11 pages, 30 groups, 1000 users listed, 400 to write');
  });

  it('has no ETA once the listing is over', () => {
    const f = figures({ ...progress, phase: 'deprovision', usersTotal: 1_000 }, 0, 4_000);
    expect(f.etaMs).toBeUndefined();
    expect(describeProgress(f)).toContain('250 users/s');
  });
});
