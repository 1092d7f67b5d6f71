// One target reader for both engines: every environment below goes through the conformance
// suite's readConformanceConfig and the k6 scenarios' readK6Config, and both must see the same target (base
// URL, keys by role, pool, expected limit, consent flags) or refuse with the same message. Rows
// that differ on purpose say so (`conformance` / `k6`): no target (the suite starts the
// simulator), no key (k6 needs one), production read-only (only the suite can leave writes out).
import { describe, expect, it } from 'vitest';
import { redactKey } from '../../lib/redact';
import { conformance, K, k6, type Env, type Outcome, type View } from './support';

const LOCAL = 'http://127.0.0.1:4010/v1';
const FIXTURE_KEYS = { primary: K('a'), secondary: K('b'), other_org: K('c'), ratelimit: K('d'), revoked: K('e'), exhausted: K('f') };
const redacted = (keys: Record<string, string>) => Object.fromEntries(Object.entries(keys).map(([r, k]) => [r, redactKey(k)]));
const base: Omit<View, 'baseUrl' | 'keys' | 'pool' | 'limit'> = { limitOff: false, allowRemote: false, readOnly: false, production: false };
const fromFixtures = (over: Partial<View> = {}): Outcome => ({
  view: { baseUrl: LOCAL, keys: redacted(FIXTURE_KEYS), pool: [K('g'), K('h')].map(redactKey), limit: { limit: 20, windowMs: 1000 }, ...base, ...over },
});

type Expect = Outcome | { pattern: RegExp };
const error = (pattern: RegExp): Expect => ({ pattern });

interface Row {
  name: string;
  env: Env;
  /** What both engines see; or per engine where they differ on purpose. */
  both?: Outcome;
  conformance?: Expect;
  k6?: Expect;
}

const ROWS: Row[] = [
  { name: 'a fixtures file', env: { RUNDUN_FIXTURES: '/f.json' }, both: fromFixtures() },
  { name: 'RUNDUN_RATE_LIMIT over the fixtures', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: '50/2s' }, both: fromFixtures({ limit: { limit: 50, windowMs: 2000 } }) },
  { name: 'a bare limit with a window, in the one duration grammar', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: '20', RUNDUN_RATE_WINDOW: '1.5m' }, both: fromFixtures({ limit: { limit: 20, windowMs: 90_000 } }) },
  // Was: works in k6, throws in the conformance suite.
  { name: 'RUNDUN_RATE_LIMIT=off over a fixtures limit', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: 'off' }, both: fromFixtures({ limit: null, limitOff: true }) },
  { name: 'RUNDUN_RATE_LIMIT=OFF with variables', env: { RUNDUN_BASE_URL: LOCAL, RUNDUN_API_KEY: K('a'), RUNDUN_RATE_LIMIT: 'OFF' }, both: { view: { baseUrl: LOCAL, keys: { primary: redactKey(K('a')) }, pool: [], limit: null, ...base, limitOff: true } } },
  { name: 'fixtures of a simulator with rate limiting off', env: { RUNDUN_FIXTURES: '/off.json' }, both: fromFixtures({ limit: null, limitOff: true }) },
  // Was: ignored by the conformance suite.
  { name: 'RUNDUN_API_KEYS replaces the fixtures pool', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_API_KEYS: ` ${K('x')}, ${K('y')} ,` }, both: fromFixtures({ pool: [K('x'), K('y')].map(redactKey) }) },
  {
    name: 'RUNDUN_API_KEYS alone: its first key is primary',
    env: { RUNDUN_BASE_URL: 'https://staging.api.rundun.app/v1/', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEYS: `${K('p')},${K('q')}`, RUNDUN_API_KEY_OTHER_ORG: K('o'), RUNDUN_RATE_LIMIT: '100/1m', RUNDUN_EXPIRED_RUN_ID: 'r-0f0e0d0c-0b0a-4098-8765-43210fedcba9' },
    both: { view: { baseUrl: 'https://staging.api.rundun.app/v1', keys: redacted({ primary: K('p'), other_org: K('o') }), pool: [K('p'), K('q')].map(redactKey), limit: { limit: 100, windowMs: 60_000 }, ...base, allowRemote: true, expiredRunId: 'r-0f0e0d0c-0b0a-4098-8765-43210fedcba9' } },
  },
  {
    name: 'every role by variable',
    env: { RUNDUN_BASE_URL: LOCAL, RUNDUN_API_KEY: K('a'), RUNDUN_API_KEY_SECONDARY: K('b'), RUNDUN_API_KEY_OTHER_ORG: K('c'), RUNDUN_API_KEY_RATELIMIT: K('d'), RUNDUN_API_KEY_REVOKED: K('e'), RUNDUN_API_KEY_EXHAUSTED: K('f') },
    both: { view: { baseUrl: LOCAL, keys: redacted(FIXTURE_KEYS), pool: [], limit: null, ...base } },
  },
  // A copied .env.example: empty values are unset values, in both engines.
  {
    name: 'empty values next to a fixtures file',
    env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_BASE_URL: '', RUNDUN_API_KEY: '', RUNDUN_API_KEYS: '', RUNDUN_RATE_LIMIT: '', RUNDUN_RATE_WINDOW: '', RUNDUN_PRODUCTION_HOSTS: '', RUNDUN_REPORT_DIR: '', RUNDUN_STATE_FILE: '' },
    both: fromFixtures(),
  },
  { name: 'a read-only run on loopback', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_READ_ONLY: 'yes' }, both: fromFixtures({ readOnly: true }) },
  { name: 'nothing', env: {}, conformance: { target: null }, k6: error(/^rundun: no target: set RUNDUN_FIXTURES/) },
  { name: 'a base URL without keys', env: { RUNDUN_BASE_URL: LOCAL }, conformance: { view: { baseUrl: LOCAL, keys: {}, pool: [], limit: null, ...base } }, k6: error(/^rundun: no API key/) },
  {
    name: 'production, read-only',
    env: { RUNDUN_BASE_URL: 'https://api.rundun.app/v1', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_READ_ONLY: 'yes', RUNDUN_API_KEY: K('a') },
    conformance: { view: { baseUrl: 'https://api.rundun.app/v1', keys: { primary: redactKey(K('a')) }, pool: [], limit: null, ...base, allowRemote: true, readOnly: true, production: true } },
    k6: error(/^rundun: refusing to send traffic to production: 'api.rundun.app'.*RUNDUN_ALLOW_PRODUCTION=yes/),
  },
];

// Refusals: the same message from both engines, naming what to fix, never a key.
// `hintDiffers`: the same refusal, but what to set differs (only the suite can run read-only).
const REFUSALS: Array<{ name: string; env: Env; why: RegExp; hintDiffers?: true }> = [
  { name: 'an expired run id that is not a run id', env: { RUNDUN_BASE_URL: 'http://127.0.0.1:4010/v1', RUNDUN_API_KEY: K('a'), RUNDUN_EXPIRED_RUN_ID: 'run_1' }, why: /RUNDUN_EXPIRED_RUN_ID \(or the fixtures' expiredRunId\) must be a run id, r- and a lowercase UUID; got 'run_1'/ },
  { name: 'a remote target without consent', env: { RUNDUN_BASE_URL: 'https://staging.example.com/v1', RUNDUN_API_KEY: K('a') }, why: /^rundun: refusing to send traffic to 'staging.example.com': only loopback .* unless RUNDUN_ALLOW_REMOTE=yes/ },
  { name: 'consent with a typo', env: { RUNDUN_BASE_URL: 'https://staging.example.com/v1', RUNDUN_API_KEY: K('a'), RUNDUN_ALLOW_REMOTE: 'sure' }, why: /refusing to send traffic to 'staging.example.com'/ },
  { name: 'a remote fixtures file without consent', env: { RUNDUN_FIXTURES: '/remote.json' }, why: /refusing to send traffic to 'api.rundun.app': only loopback/ },
  { name: 'production with RUNDUN_ALLOW_REMOTE only', env: { RUNDUN_FIXTURES: '/remote.json', RUNDUN_ALLOW_REMOTE: 'yes' }, why: /refusing to send traffic to production: 'api.rundun.app' is the production API \(RUNDUN_ALLOW_REMOTE=yes is not enough\); /, hintDiffers: true },
  { name: 'an unreadable fixtures file', env: { RUNDUN_FIXTURES: '/nope.json' }, why: /^rundun: RUNDUN_FIXTURES: cannot read '\/nope.json' \(ENOENT\)$/ },
  { name: 'a fixtures file that is not JSON', env: { RUNDUN_FIXTURES: '/bad.json' }, why: /^rundun: RUNDUN_FIXTURES: not valid JSON/ },
  { name: 'a limit that is not a rate', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: 'fast' }, why: /^rundun: RUNDUN_RATE_LIMIT \/ RUNDUN_RATE_WINDOW: rate 'fast' is not of the form <limit>\/<window>/ },
  { name: 'a window that is not a duration', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: '20', RUNDUN_RATE_WINDOW: 'soon' }, why: /^rundun: RUNDUN_RATE_LIMIT \/ RUNDUN_RATE_WINDOW: 'soon' is not a duration/ },
  { name: 'a window alone that is not a duration', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_WINDOW: '1m30s' }, why: /'1m30s' is not a duration/ },
  { name: 'a window that contradicts the limit', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: '20/1s', RUNDUN_RATE_WINDOW: '2s' }, why: /RUNDUN_RATE_LIMIT=20\/1s has a 1000 ms window but RUNDUN_RATE_WINDOW=2s says 2000 ms/ },
  { name: 'a production host list with a URL in it', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_PRODUCTION_HOSTS: 'https://prod.example/v1' }, why: /^rundun: RUNDUN_PRODUCTION_HOSTS: 'https:\/\/prod.example\/v1' is not a host name/ },
  { name: 'a base URL that is not http(s)', env: { RUNDUN_BASE_URL: `ftp://127.0.0.1/${K('z')}`, RUNDUN_API_KEY: K('z') }, why: /is not an http\(s\) URL/ },
  { name: 'a key-shaped secret in a bad base URL', env: { RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1?key=s3cr3t-not-a-key-shape', RUNDUN_API_KEY: 's3cr3t-not-a-key-shape', RUNDUN_RATE_LIMIT: 's3cr3t-not-a-key-shape' }, why: /rate '…hape' is not of the form/ },
];

function matches(actual: Outcome, expected: Expect) {
  if ('pattern' in expected) {
    expect('error' in actual ? actual.error : actual).toMatch(expected.pattern);
  } else expect(actual).toEqual(expected);
}

describe('both engines read a target the same way', () => {
  it.each(ROWS)('$name', (row) => {
    const c = conformance(row.env);
    const k = k6(row.env);
    matches(c, (row.conformance ?? row.both) as Expect);
    matches(k, (row.k6 ?? row.both) as Expect);
    if (row.both) expect(c).toEqual(k);
  });

  it.each(REFUSALS)('both refuse $name with the same message', ({ env, why, hintDiffers }) => {
    const c = conformance(env);
    const k = k6(env);
    const upToHint = (o: Outcome) => ('error' in o ? { error: o.error.split('; ')[0] } : o);
    if (hintDiffers) expect(upToHint(c)).toEqual(upToHint(k));
    else expect(c).toEqual(k);
    expect('error' in k && k.error).toMatch(why);
    expect('error' in c && c.error).toMatch(why);
    // No key in full, whatever variable it was quoted from.
    const message = (c as { error: string }).error;
    for (const [name, v] of Object.entries(env)) if (name.startsWith('RUNDUN_API_KEY')) expect(message).not.toContain(v);
  });
});
