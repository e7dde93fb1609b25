import { describe, expect, it } from 'vitest';
import { PageFrontier } from './page-frontier.js';

describe('PageFrontier', () => {
  it('passes a page only once every batch holding its users, and every earlier one, has committed', () => {
    const frontier = new PageFrontier(0);
    // Pages of 10 users, batches of 25: pages 3 and 5 straddle two batches each.
    for (let page = 1; page <= 5; page++) frontier.listPage(page, 10);
    const [a, b] = [frontier.startBatch(25), frontier.startBatch(25)];
    frontier.commitBatch(b);
    expect(frontier.committed()).toBe(0);
    frontier.commitBatch(a);
    expect(frontier.committed()).toBe(5);
  });

  it('does not pass a page whose second batch is still in flight', () => {
    const frontier = new PageFrontier(0);
    for (let page = 1; page <= 3; page++) frontier.listPage(page, 10);
    const a = frontier.startBatch(25);
    frontier.commitBatch(a);
    // Page 3 holds users 21-30: 21-25 committed, 26-30 not in any batch yet.
    expect(frontier.committed()).toBe(2);
    frontier.listPage(4, 10);
    const b = frontier.startBatch(15);
    frontier.commitBatch(b);
    expect(frontier.committed()).toBe(4);
  });

  it('counts out-of-order commits only up to the first batch not committed', () => {
    const frontier = new PageFrontier(7);
    for (let page = 8; page <= 13; page++) frontier.listPage(page, 5);
    const batches = [0, 1, 2].map(() => frontier.startBatch(10));
    frontier.commitBatch(batches[2]!);
    frontier.commitBatch(batches[0]!);
    expect(frontier.committed()).toBe(9);
    frontier.commitBatch(batches[1]!);
    expect(frontier.committed()).toBe(13);
  });

  it('passes empty pages once everything before them has committed', () => {
    const frontier = new PageFrontier(0);
    frontier.listPage(1, 0);
    expect(frontier.committed()).toBe(1);
    frontier.listPage(2, 4);
    frontier.listPage(3, 0);
    expect(frontier.committed()).toBe(1);
    frontier.commitBatch(frontier.startBatch(4));
    expect(frontier.committed()).toBe(3);
  });

  it('refuses a batch of users not listed yet', () => {
    const frontier = new PageFrontier(0);
    frontier.listPage(1, 3);
    expect(() => frontier.startBatch(4)).toThrow(RangeError);
  });
});
