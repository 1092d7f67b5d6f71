import { describe, expect, it } from 'vitest';
import { countInRange, longestGap, lowerBound, maxInWindow, outcomeOf, timeline, upperBound } from '../../../lib/ratelimit';

describe('outcomeOf', () => {
  it.each([
    [200, 'accepted'],
    [201, 'accepted'],
    [401, 'accepted'],
    [404, 'accepted'],
    [500, 'accepted'],
    [429, 'rejected'],
    [0, 'error'],
    [-1, 'error'],
    [Number.NaN, 'error'],
  ])('%s is %s', (status, outcome) => {
    expect(outcomeOf(status)).toBe(outcome);
  });
});

describe('timeline', () => {
  it('sorts, splits and counts', () => {
    const tl = timeline([
      { t: 30, status: 429 },
      { t: 10, status: 200 },
      { t: 20, status: 0 },
      { t: Number.POSITIVE_INFINITY, status: 200 },
      { t: 5, status: 401 },
    ]);
    expect(tl).toEqual({ sent: [5, 10, 30], accepted: [5, 10], rejected: [30], errors: 1, invalid: 1 });
  });
});

describe('sorted-array helpers', () => {
  const xs = [1, 2, 2, 2, 5, 9];
  it.each([
    [0, 0, 0],
    [2, 1, 4],
    [3, 4, 4],
    [9, 5, 6],
    [10, 6, 6],
  ])('bounds of %s: lower %s, upper %s', (x, lo, hi) => {
    expect(lowerBound(xs, x)).toBe(lo);
    expect(upperBound(xs, x)).toBe(hi);
  });

  it.each([
    [0, 100, 6],
    [2, 5, 3],
    [2, 2, 0],
    [5, 2, 0],
    [3, 9, 1],
  ])('countInRange [%s, %s) = %s', (from, to, n) => {
    expect(countInRange(xs, from, to)).toBe(n);
  });

  it.each([
    { times: [], w: 10, count: 0 },
    { times: [0, 9, 10, 19, 20], w: 10, count: 2 },
    { times: [0, 1, 2, 3, 50], w: 10, count: 4 },
    { times: [0, 100, 101, 102, 109, 110], w: 10, count: 4 },
    { times: [5, 5, 5], w: 1, count: 3 },
  ])('maxInWindow($times, $w) = $count', ({ times, w, count }) => {
    expect(maxInWindow(times, w).count).toBe(count);
  });

  it('maxInWindow tells where the worst window starts', () => {
    expect(maxInWindow([0, 100, 101, 102, 109, 110], 10)).toEqual({ count: 4, startMs: 100 });
  });

  it.each([
    { times: [], from: 0, to: 100, gap: 100, at: 0 },
    { times: [10, 20, 90], from: 0, to: 100, gap: 70, at: 20 },
    { times: [50], from: 0, to: 60, gap: 50, at: 0 },
    { times: [0, 10], from: 0, to: 100, gap: 90, at: 10 },
  ])('longestGap($times in $from..$to) = $gap at $at', ({ times, from, to, gap, at }) => {
    expect(longestGap(times, from, to)).toEqual({ gapMs: gap, fromMs: at });
  });
});
