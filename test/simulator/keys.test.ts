// Key generation and the hash-only key store.
import { describe, expect, it } from 'vitest';
import { generateKey, hashToken, KEY_PATTERN, KeyStore } from '../../simulator/keys';

describe('generateKey', () => {
  it('produces rdk_live_ + 32 [A-Za-z0-9], all distinct, using the whole alphabet', () => {
    const keys = Array.from({ length: 2000 }, generateKey);
    for (const k of keys) expect(k).toMatch(/^rdk_live_[A-Za-z0-9]{32}$/);
    expect(new Set(keys).size).toBe(keys.length);
    const chars = new Set(keys.join('').replaceAll('rdk_live_', ''));
    expect(chars.size).toBe(62);
  });

  it.each(['rdk_live_abc', `rdk_test_${'a'.repeat(32)}`, `rdk_live_${'a'.repeat(31)}-`, `rdk_live_${'a'.repeat(33)}`, ` rdk_live_${'a'.repeat(32)}`])(
    'the key pattern refuses %s',
    (k) => expect(KEY_PATTERN.test(k)).toBe(false),
  );
});

describe('KeyStore', () => {
  it('finds keys by hash only, keeps no plaintext, and marks revocation', () => {
    const store = new KeyStore();
    const a = generateKey();
    const b = generateKey();
    store.add(a, 'org-a');
    store.add(b, 'org-b');
    expect(store.lookup(hashToken(a))).toMatchObject({ orgId: 'org-a', revoked: false });
    expect(store.lookup(hashToken(b))).toMatchObject({ orgId: 'org-b' });
    expect(store.lookup(hashToken(generateKey()))).toBeUndefined();
    expect(store.lookup(hashToken(a.toUpperCase()))).toBeUndefined();
    // Nothing reachable from the store contains the plaintext.
    expect(JSON.stringify([...(store as unknown as { byHash: Map<string, unknown> }).byHash.values()])).not.toContain(a.slice(9));
    expect(store.revoke(a)).toBe(true);
    expect(store.lookup(hashToken(a))?.revoked).toBe(true);
    expect(store.revoke(generateKey())).toBe(false);
  });
});
