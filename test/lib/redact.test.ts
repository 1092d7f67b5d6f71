import { describe, expect, it } from 'vitest';
import { redactKey, redactSecrets } from '../../lib/redact';

const KEY = 'rdk_live_a3f9bc4d8e1f2a3b4c5d6e7f8a9b0c1d';
const KEY2 = 'rdk_live_ZZZZyyyyXXXXwwwwVVVVuuuuTTTTssss';

describe('redactKey', () => {
  it.each([
    { name: 'valid key', key: KEY, out: 'rdk_live_…0c1d' },
    { name: 'valid mixed-case key', key: KEY2, out: 'rdk_live_…ssss' },
    { name: 'key one char short', key: KEY.slice(0, -1), out: 'rdk_live_…b0c1' },
    { name: 'key with a bad char', key: `${KEY.slice(0, -1)}!`, out: 'rdk_live_…0c1!' },
    { name: 'prefix + 8 chars', key: 'rdk_live_abcdefgh', out: 'rdk_live_…gh' },
    { name: 'prefix + 3 chars', key: 'rdk_live_abc', out: 'rdk_live_…' },
    { name: 'prefix only', key: 'rdk_live_', out: 'rdk_live_…' },
    { name: 'other long secret', key: 'sim-admin-token-0123456789abcdef', out: '…cdef' },
    { name: 'short secret', key: 'abc', out: '…' },
    { name: 'eight chars', key: 'abcdefgh', out: '…gh' },
    { name: 'empty', key: '', out: '<empty>' },
  ])('$name', ({ key, out }) => {
    expect(redactKey(key)).toBe(out);
  });

  it('never shows more than 4 characters of the secret part', () => {
    for (let n = 0; n <= 64; n++) {
      const secret = 'x'.repeat(n);
      const shown = redactKey(`rdk_live_${secret}`).replace('rdk_live_…', '');
      expect(shown.length).toBeLessThanOrEqual(Math.min(4, Math.floor(n / 4)));
    }
  });
});

describe('redactSecrets', () => {
  it.each([
    { name: 'Bearer header', text: `Authorization: Bearer ${KEY}`, keys: [], out: 'Authorization: Bearer rdk_live_…0c1d' },
    { name: 'lowercase scheme', text: `bearer ${KEY}`, keys: [], out: 'bearer rdk_live_…0c1d' },
    { name: 'inside JSON', text: JSON.stringify({ key: KEY, n: 1 }), keys: [], out: '{"key":"rdk_live_…0c1d","n":1}' },
    { name: 'two keys in an error', text: `${KEY} vs ${KEY2}`, keys: [], out: 'rdk_live_…0c1d vs rdk_live_…ssss' },
    { name: 'same key twice', text: `${KEY}/${KEY}`, keys: [KEY], out: 'rdk_live_…0c1d/rdk_live_…0c1d' },
    { name: 'key glued to more key chars', text: `${KEY}EXTRA`, keys: [], out: 'rdk_live_…XTRA' },
    { name: 'truncated key', text: 'key=rdk_live_a3f9bc4d', keys: [], out: 'key=rdk_live_…4d' },
    { name: 'too short to be a key', text: 'rdk_live_abc is not a key', keys: [], out: 'rdk_live_abc is not a key' },
    { name: 'given non-rdk secret', text: 'token=sim-admin-token-0123456789abcdef;', keys: ['sim-admin-token-0123456789abcdef'], out: 'token=…cdef;' },
    { name: 'given key in URL-ish text', text: `GET /x?k=${KEY}&y=1`, keys: [KEY], out: 'GET /x?k=rdk_live_…0c1d&y=1' },
    { name: 'empty given key ignored', text: 'hello', keys: [''], out: 'hello' },
    { name: 'empty text', text: '', keys: [KEY], out: '' },
    { name: 'no secrets', text: 'status 429 rate_limited', keys: [], out: 'status 429 rate_limited' },
  ])('$name', ({ text, keys, out }) => {
    expect(redactSecrets(text, keys)).toBe(out);
  });

  it('replaces the longer of two overlapping given keys whole', () => {
    const long = 'secret-token-123456789';
    const short = 'secret-token';
    expect(redactSecrets(`a ${long} b ${short}`, [short, long])).toBe('a …6789 b …ken');
  });

  it('leaves no full key in any output', () => {
    const text = `Bearer ${KEY}\n{"authorization":"Bearer ${KEY2}"}\nunknown key ${KEY} (revoked)`;
    const out = redactSecrets(text);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(KEY2);
    expect(out).not.toMatch(/rdk_live_[A-Za-z0-9]{5,}/);
  });
});

describe('redactSecrets: other spellings of a known key', () => {
  const key = 'rdk_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  const secret = key.slice(9);
  it.each([
    ['the secret part alone', `token=${secret}`],
    ['under a test prefix', `rdk_test_${secret}`],
    ['base64 of key:', `Basic ${Buffer.from(`${key}:`).toString('base64')}`],
    ['base64 of the key', Buffer.from(key).toString('base64')],
    ['base64 without padding', Buffer.from(`${key}:`).toString('base64').replace(/=+$/, '')],
  ])('%s is redacted', (_what, text) => {
    const out = redactSecrets(text, [key]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(Buffer.from(`${key}:`).toString('base64').replace(/=+$/, ''));
    expect(out).not.toContain(Buffer.from(key).toString('base64').replace(/=+$/, ''));
  });
});
