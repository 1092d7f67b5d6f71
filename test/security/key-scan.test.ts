// The leak scanner on planted leaks: it must find each one (or the real-output scan proves
// nothing), and must stay quiet on the redacted form and on text without keys.
import { describe, expect, it } from 'vitest';
import { FRAGMENT, findKeyLeaks, findUnredacted } from './key-scan';

const KEY = 'rdk_live_Q7mZ2xK9pL4vB8nR1tY6wC3sD5fG0hJa';
const OTHER = 'rdk_live_aaaaBBBBccccDDDDeeeeFFFFgggg1234';
const secret = KEY.slice('rdk_live_'.length);

const LEAKS: Array<[name: string, text: string, found: RegExp]> = [
  ['a planted full key', `report: key ${KEY} used`, /^rdk_live_…0hJa in full$/],
  ['the random part alone', `token=${secret}`, /^rdk_live_…0hJa a 8-character piece \(from position 0\)$/],
  [`a ${FRAGMENT}-character fragment of the random part`, `…${secret.slice(11, 11 + FRAGMENT)}…`, /^rdk_live_…0hJa a 8-character piece \(from position 11\)$/],
  ['the key JSON-escaped (\\u escapes)', JSON.stringify({ k: KEY }).replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`), /^rdk_live_…0hJa in full, escaped$/],
  ['the key with its underscores escaped, inside escaped quotes', `{"echo":"\\"${KEY.replace(/_/g, '\\u005f')}\\""}`, /^rdk_live_…0hJa in full, escaped$/],
  ['base64 of key: (Basic auth)', `Authorization: Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, /as base64/],
  ['the second of two keys', `x ${OTHER} y`, /^rdk_live_…1234 in full$/],
];

describe('findKeyLeaks finds every planted leak', () => {
  it.each(LEAKS)('%s', (_n, text, found) => {
    const leaks = findKeyLeaks(text, [KEY, OTHER]);
    expect(leaks.map((l) => l.what)).toContainEqual(expect.stringMatching(found));
    // Its findings never carry the key or a fragment of it.
    expect(JSON.stringify(leaks)).not.toContain(secret.slice(0, FRAGMENT));
  });

  it.each([
    ['the redacted form', 'keys: primary rdk_live_…0hJa'],
    ['a fragment one character short', `…${secret.slice(3, 3 + FRAGMENT - 1)}…`],
    ['text without keys', 'GET /templates (key: primary) → 200'],
  ])('and nothing in %s', (_n, text) => {
    expect(findKeyLeaks(text, [KEY, OTHER])).toEqual([]);
  });
});

describe('findUnredacted flags any rdk_live_ that is not the redacted form, key known or not', () => {
  it.each([
    ['a key nobody told the scanner about', `x rdk_live_${'Z'.repeat(32)} y`, 1],
    ['five characters after the ellipsis', 'rdk_live_…ABCDE', 1],
    ['a short key-like token', 'rdk_live_abc123', 1],
    ['escaped', 'rdk\\u005flive\\u005fQ7mZ2xK9', 1],
    ['the redacted form', 'rdk_live_…0hJa and rdk_live_…', 0],
    ['the prefix alone, as prose', 'keys look like rdk_live_ then 32 characters; rdk_live_-----', 0],
  ] as const)('%s', (_n, text, count) => {
    expect(findUnredacted(text)).toHaveLength(count);
  });
});
