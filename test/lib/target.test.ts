import { describe, expect, it } from 'vitest';
import { checkTargetAllowed, hostOf, isLoopbackHost, parseExpectedLimit, parseFixtures } from '../../lib/target';
import { parseRateSpec, parseWindow } from '../../lib/target/duration';
import { formatRateSpec } from '../support/rate-spec-format';

describe('parseRateSpec', () => {
  it.each([
    ['20/1s', 20, 1000],
    ['20/s', 20, 1000],
    ['100/500ms', 100, 500],
    ['600/1m', 600, 60_000],
    ['20/1h', 20, 3_600_000], // the one duration grammar (lib/target/duration.ts) has hours
    ['20/30', 20, 30_000], // … and bare seconds
    ['20/1.5s', 20, 1500],
    [' 5 / 2s ', 5, 2000],
  ])('%s → %i per %i ms', (text, limit, windowMs) => {
    expect(parseRateSpec(text)).toEqual({ limit, windowMs });
    expect(parseRateSpec(formatRateSpec({ limit, windowMs }))).toEqual({ limit, windowMs });
  });

  it.each([['20'], ['20/1m30s'], ['20/0.5ms'], ['20/1 h'], ['20/1d'], ['0/1s'], ['-1/1s'], ['20/0s'], ['abc'], ['1.5/1s'], ['']])('refuses %j with the expected form in the message', (text) => {
    expect(() => parseRateSpec(text)).toThrow(/rate '.*'/);
  });

  it('reads bare windows as seconds', () => {
    expect(parseWindow('60')).toBe(60_000);
    expect(parseWindow('500ms')).toBe(500);
  });
});

describe('parseExpectedLimit', () => {
  it.each<[string | undefined, string | undefined, { limit: number; windowMs: number } | null]>([
    [undefined, undefined, null],
    ['20/1s', undefined, { limit: 20, windowMs: 1000 }],
    ['20', undefined, { limit: 20, windowMs: 1000 }],
    ['20', '1m', { limit: 20, windowMs: 60_000 }],
    ['20', '30', { limit: 20, windowMs: 30_000 }],
  ])('%s with window %s', (limit, window, expected) => {
    expect(parseExpectedLimit(limit, window)).toEqual(expected);
  });
});

describe('parseFixtures', () => {
  const good = {
    baseUrl: 'http://127.0.0.1:4010/v1/',
    keys: { primary: 'rdk_live_a', secondary: 'rdk_live_b', revoked: '' },
    pool: ['p1', 7, 'p2'],
    rateLimit: { limit: 20, windowSeconds: 1, algorithm: 'token-bucket' },
    admin: { baseUrl: 'http://127.0.0.1:4010/_sim', token: 't' },
  };

  it('reads the simulator format, trims the base URL, drops empty keys and junk pool entries', () => {
    const t = parseFixtures(JSON.stringify(good));
    expect(t.baseUrl).toBe('http://127.0.0.1:4010/v1');
    expect(t.keys).toEqual({ primary: 'rdk_live_a', secondary: 'rdk_live_b' });
    expect(t.pool).toEqual(['p1', 'p2']);
    expect(t.rateLimit).toMatchObject({ limit: 20, windowMs: 1000, algorithm: 'token-bucket' });
    expect(t.admin?.token).toBe('t');
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['an array', '[]', /"baseUrl" \(string\) is required/],
    ['no baseUrl', '{"keys":{}}', /"baseUrl" \(string\) is required/],
    ['a key that is not a string', '{"baseUrl":"http://127.0.0.1/v1","keys":{"primary":5}}', /keys.primary must be a string/],
    ['a zero limit', '{"baseUrl":"http://127.0.0.1/v1","rateLimit":{"limit":0,"windowSeconds":1}}', /positive limit/],
  ])('refuses %s with a readable message', (_what, text, message) => {
    expect(() => parseFixtures(text, 'f.json')).toThrow(message);
  });
});

describe('loopback guard', () => {
  it.each([
    ['http://127.0.0.1:4010/v1', true],
    ['http://127.1.2.3/v1', true],
    ['http://localhost:80/v1', true],
    ['http://[::1]:4010/v1', true],
    ['https://api.rundun.app/v1', false],
    ['http://10.0.0.1/v1', false],
    ['http://127.0.0.1.evil.com/v1', false],
    ['http://128.0.0.1/v1', false],
  ])('%s loopback: %s', (url, loopback) => {
    expect(isLoopbackHost(hostOf(url)!)).toBe(loopback);
    if (loopback) expect(() => checkTargetAllowed(url, false)).not.toThrow();
    else expect(() => checkTargetAllowed(url, false)).toThrow(/refusing to send traffic .* RUNDUN_ALLOW_REMOTE=yes/);
    expect(() => checkTargetAllowed(url, true)).not.toThrow();
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => checkTargetAllowed('ftp://127.0.0.1/v1', true)).toThrow(/not an http\(s\) URL/);
  });
});
