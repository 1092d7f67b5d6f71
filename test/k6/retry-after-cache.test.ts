// The per-VU memo of Retry-After judgements used by the 429 handler: the same (Retry-After, Date)
// pair is parsed and judged once, and gives the same outcomes as judging it afresh; distinct
// pairs (including absent vs empty) never share an entry; the memo stays bounded.
import { describe, expect, it } from 'vitest';
import { judgeRetryAfter, parseRetryAfter, type RetryAfterPolicy } from '../../lib/retry-after';
import { RETRY_AFTER_CACHE_SIZE, RetryAfterCache } from '../../scenarios/lib/retry-after-cache';
import { retryAfterOutcomes } from '../../scenarios/lib/retry-after-cache';

const POLICY: RetryAfterPolicy = { minSeconds: 1, maxSeconds: 2 };
const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';

describe('RetryAfterCache', () => {
  it.each<{ ra: string | undefined; date: string | undefined }>([
    { ra: '1', date: DATE },
    { ra: '0', date: DATE },
    { ra: '60', date: undefined },
    { ra: '1.5', date: DATE },
    { ra: undefined, date: DATE },
    { ra: '', date: DATE },
    { ra: 'Sun, 06 Nov 1994 08:49:39 GMT', date: DATE },
    { ra: 'Sun, 06 Nov 1994 08:49:39 GMT', date: undefined },
    { ra: 'Sunday, 06-Nov-94 08:49:39 GMT', date: DATE },
  ])('($ra, $date): same outcomes as judging afresh, computed once', ({ ra, date }) => {
    const cache = new RetryAfterCache(POLICY, true);
    const v = judgeRetryAfter(parseRetryAfter(ra, date), POLICY);
    const first = cache.judge(ra, date);
    expect(first.ra).toEqual(parseRetryAfter(ra, date));
    expect(first.outcomes).toEqual(retryAfterOutcomes(v, true));
    expect(first.failure).toBe(v.ok ? null : `${v.rule}: ${v.reason}`);
    for (let i = 0; i < 5; i++) expect(cache.judge(ra, date)).toBe(first);
    expect(cache.computed).toBe(1);
  });

  it('never mixes up distinct pairs: absent vs empty, and the separator inside a value', () => {
    const cache = new RetryAfterCache(POLICY, true);
    const pairs: Array<[string | undefined, string | undefined]> = [
      [undefined, undefined],
      ['', undefined],
      [undefined, ''],
      ['', ''],
      ['-', undefined],
      ['1', DATE],
      ['1', `${DATE} `],
      ['1:x', undefined],
      ['1', 'x'],
      ['1', 'x-'],
      ['3:1', '-'],
      ['3', ':1:-'],
    ];
    const results = pairs.map(([ra, date]) => cache.judge(ra, date));
    expect(cache.computed).toBe(pairs.length);
    expect(new Set(results).size).toBe(pairs.length);
    expect(results[0]?.outcomes).toEqual([{ rule: 'ratelimit.retry-after-present', ok: false }]);
    expect(results[1]?.outcomes).toEqual([{ rule: 'ratelimit.retry-after-present', ok: true }, { rule: 'ratelimit.retry-after-valid', ok: false }]);
  });

  it('the policy is the cache\'s own: bounded is judged only when told so', () => {
    expect(new RetryAfterCache(POLICY, true).judge('5', DATE).outcomes.at(-1)).toEqual({ rule: 'ratelimit.retry-after-bounded', ok: false });
    expect(new RetryAfterCache({ minSeconds: 1 }, false).judge('5', DATE).outcomes.map((o) => o.rule)).not.toContain('ratelimit.retry-after-bounded');
  });

  it(`stays bounded (${RETRY_AFTER_CACHE_SIZE} entries), dropping the oldest first`, () => {
    const cache = new RetryAfterCache(POLICY, true);
    const dates = Array.from({ length: 40 }, (_, i) => `Sun, 06 Nov 1994 08:${String(10 + i).padStart(2, '0')}:00 GMT`);
    for (const d of dates) cache.judge('1', d);
    expect(cache.size).toBe(RETRY_AFTER_CACHE_SIZE);
    expect(cache.computed).toBe(40);
    cache.judge('1', dates[39]);
    expect(cache.computed).toBe(40);
    cache.judge('1', dates[0]);
    expect(cache.computed).toBe(41);
  });
});
