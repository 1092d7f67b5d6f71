// auth.no-credential-echo: a presented key must not come back in any response, in full or as a
// recognisable run of its random characters (8 of them); 7 are not recognisable and pass. The
// messages say where, never what: neither the key nor the fragment is in them.
import { describe, expect, it } from 'vitest';
import { checksFor, fragmentsOf, presentedKeys, redactFragments, runChecks, subjectOf, contractSettings, type ResponseCheck } from '../../../lib/checks';
import { redactKey } from '../../../lib/redact';
import { judge, KEY, OTHER_KEY, req, res, type ResSpec } from './support';

const RULE = 'auth.no-credential-echo';
const SECRET = KEY.slice('rdk_live_'.length);
const unauthorized = (message: string) => ({ error: 'unauthorized', message });
const jsonEscaped = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const MALFORMED = `rdk_live_${SECRET.slice(0, 20)}`; // too short: a 401, and still a secret

interface Case {
  name: string;
  response: ResSpec;
  keys?: string[];
  /** The failure message, or null when the rule holds. */
  message: string | null;
}

const CASES: Case[] = [
  { name: 'the key in full in a 200 body', response: { status: 200, body: { data: [], note: `served for ${KEY}` } }, message: `body carries the presented API key ${redactKey(KEY)} in full` },
  { name: 'an 8-character fragment of its random part', response: { status: 401, body: unauthorized(`key ending …${SECRET.slice(10, 18)} is unknown`) }, message: `body carries 8 consecutive characters of the presented API key ${redactKey(KEY)} (its random part is recognisable)` },
  { name: 'a 7-character fragment (not recognisable)', response: { status: 401, body: unauthorized(`key ending …${SECRET.slice(10, 17)} is unknown`) }, message: null },
  { name: 'the last 4 characters, as the harness itself shows them', response: { status: 401, body: unauthorized(`key ${redactKey(KEY)} is revoked`) }, message: null },
  { name: 'the key in a response header', response: { status: 200, headers: { 'X-Debug-Key': KEY }, body: { data: [] } }, message: `header 'x-debug-key' carries the presented API key ${redactKey(KEY)} in full` },
  { name: 'a fragment in a header', response: { status: 429, headers: { 'Retry-After': '1', 'X-Limited': `bucket:${SECRET.slice(0, 12)}` }, body: { error: 'rate_limited', message: 'Slow down.' } }, message: `header 'x-limited' carries 8 consecutive characters of the presented API key ${redactKey(KEY)} (its random part is recognisable)` },
  { name: 'a 401 quoting a malformed key', keys: [MALFORMED], response: { status: 401, body: unauthorized(`'${MALFORMED}' is not a valid API key`) }, message: `body carries the presented API key ${redactKey(MALFORMED)} in full` },
  { name: 'a 401 quoting a malformed key without its prefix', keys: [MALFORMED], response: { status: 401, body: unauthorized(`secret ${SECRET.slice(0, 20)} malformed`) }, message: `body carries 8 consecutive characters of the presented API key ${redactKey(MALFORMED)} (its random part is recognisable)` },
  { name: 'a JSON-escaped key', response: { status: 401, body: `{"error":"unauthorized","message":"bad key ${jsonEscaped(KEY)}"}` }, message: `body (a JSON string, decoded) carries the presented API key ${redactKey(KEY)} in full` },
  { name: 'another key than the one presented', response: { status: 200, body: { data: [], note: OTHER_KEY } }, message: null },
  { name: 'no key presented', keys: [], response: { status: 401, body: unauthorized(`${KEY}`) }, message: null },
  { name: 'a clean 401', response: { status: 401, body: unauthorized('The API key is not valid.') }, message: null },
];

describe(RULE, () => {
  it.each(CASES)('$name', ({ response, keys, message }) => {
    const o = judge(RULE, response, req({ presentedKeys: keys ?? [KEY] }));
    expect(o).toEqual(message === null ? { rule: RULE, ok: true, message: '' } : { rule: RULE, ok: false, message });
  });

  it.each(CASES.filter((c) => c.message !== null))('the message for "$name" carries neither the key nor any fragment of it', ({ response, keys }) => {
    const presented = keys ?? [KEY];
    const o = judge(RULE, response, req({ presentedKeys: presented }));
    for (const k of presented) {
      expect(o?.message).not.toContain(k);
      for (const f of fragmentsOf(k)) expect(o?.message).not.toContain(f);
    }
  });

  it('counts only runs of key characters: a key of dashes is matched in full only', () => {
    const dashes = `rdk_live_${'-'.repeat(32)}`;
    expect(fragmentsOf(dashes)).toEqual([]);
    expect(judge(RULE, { status: 401, body: unauthorized('--------------------') }, req({ presentedKeys: [dashes] }))?.ok).toBe(true);
    expect(judge(RULE, { status: 401, body: unauthorized(dashes) }, req({ presentedKeys: [dashes] }))?.ok).toBe(false);
  });

  it('a fragment never starts in the prefix', () => {
    expect(fragmentsOf(KEY)).toHaveLength(SECRET.length - 7);
    expect(fragmentsOf(KEY).every((f) => SECRET.includes(f))).toBe(true);
  });
});

describe('redaction', () => {
  it('runChecks redacts whatever a check writes, keys and key-like text alike', () => {
    const leaky: ResponseCheck = { rule: RULE, applies: () => true, check: () => `saw ${KEY} and ${SECRET} and rdk_live_abcdefgh` };
    const [o] = runChecks(subjectOf(res({ status: 200, body: {} }), req(), contractSettings()), [leaky]);
    expect(o?.message).not.toContain(SECRET);
    expect(o?.message).not.toContain('abcdefgh');
    expect(o?.message).toContain(redactKey(KEY));
  });

  it('redactFragments leaves no recognisable run of a key in quoted text', () => {
    const text = `a ${SECRET.slice(3, 30)} b`;
    const out = redactFragments(text, [KEY]);
    for (const f of fragmentsOf(KEY)) expect(out).not.toContain(f);
    expect(out.startsWith('a ')).toBe(true);
  });
});

describe('presentedKeys: what an Authorization header presents', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  it.each<[string, string | undefined, string[]]>([
    ['Bearer', `Bearer ${KEY}`, [KEY]],
    ['lower-case scheme', `bearer ${KEY}`, [KEY]],
    ['no scheme', KEY, [KEY]],
    ['glued to the scheme', `Bearer${KEY}`, [`Bearer${KEY}`, KEY]],
    ['Basic key:', basic(`${KEY}:`), [Buffer.from(`${KEY}:`).toString('base64'), KEY]],
    ['a bare scheme', 'Bearer ', []],
    ['nothing', undefined, []],
  ])('%s', (_, header, keys) => {
    expect(presentedKeys(header)).toEqual(keys);
  });

  it('a Basic credential echoed decoded is caught', () => {
    const [check] = checksFor([RULE]);
    const s = subjectOf(res({ status: 401, body: unauthorized(`user ${KEY} rejected`) }), req({ presentedKeys: presentedKeys(basic(`${KEY}:`)) }), contractSettings());
    expect(runChecks(s, [check!])[0]?.ok).toBe(false);
  });
});
