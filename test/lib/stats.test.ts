import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../../lib/stats';

describe('percentile', () => {
  it.each([
    { values: [], p: 50, out: Number.NaN },
    { values: [7], p: 95, out: 7 },
    { values: [1, 2, 3, 4], p: 0, out: 1 },
    { values: [1, 2, 3, 4], p: 100, out: 4 },
    { values: [4, 1, 3, 2], p: 50, out: 2.5 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], p: 90, out: 10 },
    { values: [0, 10], p: 95, out: 9.5 },
    { values: [1, 2], p: 101, out: Number.NaN },
    { values: [1, 2], p: -1, out: Number.NaN },
  ])('p$p of $values = $out', ({ values, p, out }) => {
    expect(percentile(values, p)).toBe(out);
  });

  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    percentile(v, 50);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('is null for no data', () => expect(summarize([])).toBeNull());
  it('summarizes a sample', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ count: 8, min: 2, max: 9, mean: 5, stdev: 2, p50: 4.5, p95: 8.299999999999999 });
  });
});
