import { describe, expect, it } from 'vitest';
import { checkKeyPool, keyIndexForIteration, keyIndexForVu, sizeKeyPool } from '../../../lib/ratelimit';

describe('sizeKeyPool', () => {
  it.each([
    { plan: { targetRps: 10, perKeyLimit: 20, windowSeconds: 1 }, keys: 1 },
    { plan: { targetRps: 10.5, perKeyLimit: 20, windowSeconds: 1 }, keys: 2 },
    { plan: { targetRps: 100, perKeyLimit: 20, windowSeconds: 1 }, keys: 10 },
    { plan: { targetRps: 100, perKeyLimit: 20, windowSeconds: 1, headroom: 1 }, keys: 5 },
    { plan: { targetRps: 100, perKeyLimit: 20, windowSeconds: 1, headroom: 0.25 }, keys: 20 },
    { plan: { targetRps: 50, perKeyLimit: 600, windowSeconds: 60 }, keys: 10 },
    { plan: { targetRps: 0.3, perKeyLimit: 600, windowSeconds: 60 }, keys: 1 },
    { plan: { targetRps: 3, perKeyLimit: 1, windowSeconds: 0.1, headroom: 0.3 }, keys: 1 },
    { plan: { targetRps: 1000, perKeyLimit: 100, windowSeconds: 1, headroom: 0.7 }, keys: 15 },
  ])('$plan needs $keys keys', ({ plan, keys }) => {
    expect(sizeKeyPool(plan)).toBe(keys);
  });

  it.each([
    { targetRps: 0, perKeyLimit: 20, windowSeconds: 1 },
    { targetRps: -1, perKeyLimit: 20, windowSeconds: 1 },
    { targetRps: Number.NaN, perKeyLimit: 20, windowSeconds: 1 },
    { targetRps: 10, perKeyLimit: 0, windowSeconds: 1 },
    { targetRps: 10, perKeyLimit: 20, windowSeconds: 0 },
    { targetRps: 10, perKeyLimit: 20, windowSeconds: 1, headroom: 0 },
    { targetRps: 10, perKeyLimit: 20, windowSeconds: 1, headroom: 1.5 },
  ])('rejects $targetRps rps, limit $perKeyLimit per $windowSeconds s, headroom $headroom', (plan) => {
    expect(() => sizeKeyPool(plan)).toThrow(RangeError);
    const v = checkKeyPool(8, plan);
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/^invalid plan/);
  });
});

describe('checkKeyPool', () => {
  const plan = { targetRps: 100, perKeyLimit: 20, windowSeconds: 1 };
  it.each([
    { pool: 10, pass: true, why: /^10 keys suffice for 100 rps at 20 per 1 s per key with 50 % headroom \(10 rps per key, budget 10\)$/ },
    { pool: 12, pass: true, why: /12 keys suffice/ },
    { pool: 9, pass: false, why: /^key pool too small: .* needs 10 keys, have 9 \(11\.11 rps per key over the 10 rps budget\)/ },
    { pool: 0, pass: false, why: /needs 10 keys, have 0/ },
  ])('$pool keys', ({ pool, pass, why }) => {
    const v = checkKeyPool(pool, plan);
    expect(v.ok).toBe(pass);
    expect(v.rule).toBe('load.key-pool-sufficient');
    expect(v.reason).toMatch(why);
  });
});

describe('round-robin key selection', () => {
  it('spreads test-wide iterations evenly, ±1', () => {
    for (const pool of [1, 3, 8, 13]) {
      const counts = new Array<number>(pool).fill(0);
      for (let i = 0; i < 1000; i++) counts[keyIndexForIteration(pool, i)]! += 1;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('spreads VUs at equal speed evenly, and each VU walks the pool', () => {
    const pool = 8;
    const counts = new Array<number>(pool).fill(0);
    for (let vu = 1; vu <= 5; vu++) for (let it = 0; it < 80; it++) counts[keyIndexForVu(pool, vu, it)]! += 1;
    expect(new Set(counts)).toEqual(new Set([50]));
    expect([0, 1, 2].map((it) => keyIndexForVu(pool, 3, it))).toEqual([2, 3, 4]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects pool length %s', (n) => {
    expect(() => keyIndexForIteration(n, 0)).toThrow(RangeError);
  });

  it('handles negative and fractional iteration numbers', () => {
    expect(keyIndexForIteration(4, -1)).toBe(3);
    expect(keyIndexForIteration(4, 5.9)).toBe(1);
  });
});
