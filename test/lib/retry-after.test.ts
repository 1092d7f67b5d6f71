import { describe, expect, it } from 'vitest';
import { judgeRetryAfter, parseRetryAfter, retryAfterUpperBound, type RetryAfter } from '../../lib/retry-after';
import { getHeader } from '../../lib/headers';

const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';

describe('parseRetryAfter: delay-seconds', () => {
  it.each([
    { value: '0', delay: 0 },
    { value: '1', delay: 1 },
    { value: '120', delay: 120 },
    { value: '007', delay: 7 },
    { value: '86400', delay: 86400 },
    { value: '  5  ', delay: 5 },
    { value: '\t7\t', delay: 7 },
  ])('"$value" = $delay s', ({ value, delay }) => {
    expect(parseRetryAfter(value)).toEqual({ ok: true, form: 'delay-seconds', delaySeconds: delay, value: value.trim() });
  });

  it.each([
    { value: '', why: /empty/ },
    { value: '   ', why: /empty/ },
    { value: '1.5', why: /fractional/ },
    { value: '1.', why: /fractional/ },
    { value: '.5', why: /fractional/ },
    { value: '-1', why: /negative/ },
    { value: '+3', why: /signed/ },
    { value: '1e3', why: /exponent/ },
    { value: '1.5e3', why: /exponent/ },
    { value: '0x10', why: /hexadecimal/ },
    { value: '5 s', why: /unit suffix/ },
    { value: '5s', why: /unit suffix/ },
    { value: '5 seconds', why: /unit suffix/ },
    { value: '5, 5', why: /multiple comma-separated values/ },
    { value: '5,7', why: /multiple comma-separated values/ },
    { value: '5 5', why: /not delay-seconds/ },
    { value: '1_000', why: /not delay-seconds/ },
    { value: '\u0661', why: /matches none/ }, // Arabic-Indic digit one
    { value: 'soon', why: /matches none/ },
    { value: '\n5', why: /matches none/ }, // only SP and HTAB are OWS
  ])('rejects "$value"', ({ value, why }) => {
    const r = parseRetryAfter(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('invalid');
      expect(r.reason).toMatch(why);
    }
  });

  it.each([undefined, null])('%s is missing', (value) => {
    expect(parseRetryAfter(value)).toEqual({ ok: false, code: 'missing', reason: 'no Retry-After header' });
  });
});

describe('parseRetryAfter: HTTP-date judged against the Date header', () => {
  it.each([
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT', date: DATE, delay: 20, httpDateForm: 'imf-fixdate' },
    { value: 'Sun, 06 Nov 1994 08:49:38 GMT', date: DATE, delay: 1, httpDateForm: 'imf-fixdate' },
    { value: ' Sun, 06 Nov 1994 08:50:37 GMT ', date: ` ${DATE}`, delay: 60, httpDateForm: 'imf-fixdate' },
    { value: 'Sunday, 06-Nov-94 08:50:37 GMT', date: DATE, delay: 60, httpDateForm: 'rfc850' },
    { value: 'Sun Nov  6 08:49:38 1994', date: DATE, delay: 1, httpDateForm: 'asctime' },
    { value: 'Mon, 07 Nov 1994 08:49:37 GMT', date: 'Sunday, 06-Nov-94 08:49:37 GMT', delay: 86400, httpDateForm: 'imf-fixdate' },
    // rfc850 two-digit year across a century, resolved relative to the Date header's year.
    { value: 'Saturday, 01-Jan-00 00:00:10 GMT', date: 'Fri, 31 Dec 1999 23:59:50 GMT', delay: 20, httpDateForm: 'rfc850' },
  ])('"$value" with Date "$date" = $delay s', ({ value, date, delay, httpDateForm }) => {
    expect(parseRetryAfter(value, date)).toEqual({ ok: true, form: 'http-date', delaySeconds: delay, httpDateForm, value: value.trim() });
  });

  it.each([
    { value: 'Sun, 06 Nov 1994 08:49:00 GMT', note: 'Retry-After date is 37 s before the Date header' },
    { value: DATE, note: 'Retry-After date equals the Date header' },
  ])('a date not after the Date header is valid, delay 0 with a note: $note', ({ value, note }) => {
    expect(parseRetryAfter(value, DATE)).toMatchObject({ ok: true, delaySeconds: 0, note });
  });

  it.each([
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT', date: undefined, code: 'date-header-missing', why: /no Date header/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT', date: null, code: 'date-header-missing', why: /no Date header/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT', date: '  ', code: 'date-header-missing', why: /no Date header/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT', date: 'yesterday', code: 'date-header-invalid', why: /Date header is invalid/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT', date: '784111777', code: 'date-header-invalid', why: /Date header is invalid/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 UTC', date: DATE, code: 'invalid', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 UTC', date: undefined, code: 'invalid', why: /matches none/ },
    { value: 'Mon, 06 Nov 1994 08:49:57 GMT', date: DATE, code: 'invalid', why: /day name Mon/ },
    { value: 'Sun, 06 Nov 1994 08:49:57 GMT, Sun, 06 Nov 1994 08:49:57 GMT', date: DATE, code: 'invalid', why: /matches none/ },
    { value: '2024-01-01T00:00:00Z', date: DATE, code: 'invalid', why: /not delay-seconds/ },
  ])('rejects "$value" with Date "$date" ($code)', ({ value, date, code, why }) => {
    const r = parseRetryAfter(value, date);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.reason).toMatch(why);
    }
  });
});

describe('judgeRetryAfter', () => {
  const p = (value: string | undefined, date: string | null = DATE): RetryAfter => parseRetryAfter(value, date);
  it.each([
    { name: 'missing', parsed: p(undefined), policy: {}, ok: false, rule: 'ratelimit.retry-after-present', why: /no Retry-After/ },
    { name: 'bad grammar', parsed: p('1.5'), policy: {}, ok: false, rule: 'ratelimit.retry-after-valid', why: /fractional/ },
    { name: 'date without Date header', parsed: p('Sun, 06 Nov 1994 08:49:57 GMT', null), policy: {}, ok: false, rule: 'ratelimit.retry-after-valid', why: /no Date header/ },
    { name: 'zero (default min 1)', parsed: p('0'), policy: {}, ok: false, rule: 'ratelimit.retry-after-positive', why: /means 0 s, below the minimum of 1 s/ },
    { name: 'zero allowed with minSeconds 0', parsed: p('0'), policy: { minSeconds: 0 }, ok: true, rule: 'ratelimit.retry-after-valid', why: /= 0 s/ },
    { name: 'past date', parsed: p('Sun, 06 Nov 1994 08:49:00 GMT'), policy: {}, ok: false, rule: 'ratelimit.retry-after-positive', why: /0 s \(Retry-After date is 37 s before the Date header\)/ },
    { name: 'one second', parsed: p('1'), policy: { maxSeconds: 2 }, ok: true, rule: 'ratelimit.retry-after-valid', why: /"1" = 1 s \(delay-seconds\)/ },
    { name: 'over max', parsed: p('5'), policy: { maxSeconds: 2 }, ok: false, rule: 'ratelimit.retry-after-bounded', why: /above the maximum of 2 s/ },
    { name: 'below a raised min', parsed: p('2'), policy: { minSeconds: 3 }, ok: false, rule: 'ratelimit.retry-after-positive', why: /below the minimum of 3 s/ },
    { name: 'IMF-fixdate', parsed: p('Sun, 06 Nov 1994 08:49:57 GMT'), policy: { maxSeconds: 61 }, ok: true, rule: 'ratelimit.retry-after-valid', why: /= 20 s \(http-date\)/ },
    { name: 'rfc850 from a sender', parsed: p('Sunday, 06-Nov-94 08:50:37 GMT'), policy: {}, ok: false, rule: 'ratelimit.retry-after-valid', why: /obsolete rfc850 form/ },
    { name: 'asctime from a sender', parsed: p('Sun Nov  6 08:49:38 1994'), policy: {}, ok: false, rule: 'ratelimit.retry-after-valid', why: /obsolete asctime form/ },
    { name: 'obsolete form allowed', parsed: p('Sun Nov  6 08:49:38 1994'), policy: { allowObsoleteDateForms: true }, ok: true, rule: 'ratelimit.retry-after-valid', why: /= 1 s/ },
    { name: 'expected http-date, got seconds', parsed: p('3'), policy: { expectedForm: 'http-date' as const }, ok: false, rule: 'ratelimit.retry-after-valid', why: /is delay-seconds, expected http-date/ },
    { name: 'expected seconds, got http-date', parsed: p('Sun, 06 Nov 1994 08:49:57 GMT'), policy: { expectedForm: 'delay-seconds' as const }, ok: false, rule: 'ratelimit.retry-after-valid', why: /is http-date, expected delay-seconds/ },
  ])('$name', ({ parsed, policy, ok, rule, why }) => {
    const v = judgeRetryAfter(parsed, policy);
    expect(v.ok).toBe(ok);
    expect(v.rule).toBe(rule);
    expect(v.reason).toMatch(why);
  });

  it('reports what it judged', () => {
    expect(judgeRetryAfter(p('Sun, 06 Nov 1994 08:49:57 GMT'), { maxSeconds: 61 }).details).toEqual({
      form: 'http-date',
      httpDateForm: 'imf-fixdate',
      delaySeconds: 20,
      value: 'Sun, 06 Nov 1994 08:49:57 GMT',
      minSeconds: 1,
      maxSeconds: 61,
    });
  });

  it.each([
    { windowSeconds: 1, max: 2 },
    { windowSeconds: 0.5, max: 2 },
    { windowSeconds: 60, max: 61 },
    { windowSeconds: 1.2, max: 3 },
  ])('retryAfterUpperBound($windowSeconds) = $max', ({ windowSeconds, max }) => {
    expect(retryAfterUpperBound(windowSeconds)).toBe(max);
  });
});

describe('getHeader', () => {
  it.each([
    { name: 'k6 canonical name', headers: { 'Retry-After': '5' }, out: '5' },
    { name: 'node lowercase name', headers: { 'retry-after': '5' }, out: '5' },
    { name: 'array value', headers: { 'retry-after': ['5', '6'] }, out: '5, 6' },
    { name: 'two spellings', headers: { 'Retry-After': '5', 'retry-after': '6' }, out: '5, 6' },
    { name: 'absent', headers: { Date: DATE }, out: undefined },
    { name: 'undefined value', headers: { 'retry-after': undefined }, out: undefined },
    { name: 'no headers', headers: undefined, out: undefined },
  ])('$name', ({ headers, out }) => {
    expect(getHeader(headers, 'Retry-After')).toBe(out);
  });

  it('a duplicated header fails the grammar, as it should', () => {
    expect(parseRetryAfter(getHeader({ 'retry-after': ['5', '5'] }, 'retry-after')).ok).toBe(false);
  });
});

describe('judgeRetryAfter: an outcome for every rule it decides', () => {
  const p = (value: string | undefined, date: string | null = DATE): RetryAfter => parseRetryAfter(value, date);
  const short = (rule: string) => rule.replace('ratelimit.retry-after-', '');
  it.each([
    { v: '2', policy: { maxSeconds: 3 }, out: 'present+ valid+ positive+ bounded+' },
    { v: '2', policy: {}, out: 'present+ valid+ positive+' },
    { v: undefined, policy: { maxSeconds: 3 }, out: 'present-' },
    { v: '1.5', policy: { maxSeconds: 3 }, out: 'present+ valid-' },
    { v: 'Sunday, 06-Nov-94 08:49:39 GMT', policy: {}, out: 'present+ valid-' },
    { v: '0', policy: { maxSeconds: 3 }, out: 'present+ valid+ positive-' },
    { v: '0', policy: { minSeconds: 0, maxSeconds: 3 }, out: 'present+ valid+ positive+ bounded+' },
    { v: '60', policy: { maxSeconds: 3 }, out: 'present+ valid+ positive+ bounded-' },
    { v: 'Sun, 06 Nov 1994 08:49:39 GMT', policy: { maxSeconds: 3 }, out: 'present+ valid+ positive+ bounded+' },
  ])('Retry-After $v with $policy -> $out', ({ v, policy, out }) => {
    const verdict = judgeRetryAfter(p(v), policy);
    expect(verdict.outcomes.map((o) => `${short(o.rule)}${o.ok ? '+' : '-'}`).join(' ')).toBe(out);
    // The summary is the first failing outcome, or all held.
    const failed = verdict.outcomes.find((o) => !o.ok);
    expect(verdict.ok).toBe(failed === undefined);
    if (failed) expect([verdict.rule, verdict.reason]).toEqual([failed.rule, failed.reason]);
  });

  it('says why each rule held', () => {
    expect(judgeRetryAfter(p('2'), { maxSeconds: 3 }).outcomes.map((o) => o.reason)).toEqual([
      'Retry-After present',
      'Retry-After "2" = 2 s (delay-seconds)',
      'Retry-After "2" = 2 s (delay-seconds), at least 1 s',
      'Retry-After "2" = 2 s (delay-seconds), at most 3 s',
    ]);
  });
});
