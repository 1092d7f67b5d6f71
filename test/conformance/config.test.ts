import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paceFor, readConformanceConfig } from '../../conformance/engine/config';

const dir = mkdtempSync(join(tmpdir(), 'rundun-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const fixtures = file('f.json', JSON.stringify({ baseUrl: 'http://127.0.0.1:4010/v1', keys: { primary: 'rdk_live_x' }, rateLimit: { limit: 20, windowSeconds: 1 } }));

describe('readConformanceConfig', () => {
  it('with nothing set, starts the simulator with its defaults', () => {
    const c = readConformanceConfig({});
    expect(c.target).toBeNull();
    expect(c.simulator.rateLimit).toMatchObject({ limit: 100, windowMs: 1000, algorithm: 'fixed-window' });
  });

  it('reads a fixtures file; RUNDUN_RATE_LIMIT overrides its limit', () => {
    const c = readConformanceConfig({ RUNDUN_FIXTURES: fixtures, RUNDUN_RATE_LIMIT: '50/2s' });
    expect(c.target?.keys.primary).toBe('rdk_live_x');
    expect(c.target?.rateLimit).toMatchObject({ limit: 50, windowMs: 2000 });
    expect(c.source).toMatch(/fixtures file/);
  });

  it('reads keys by role from RUNDUN_API_KEY* and leaves missing roles out', () => {
    const c = readConformanceConfig({ RUNDUN_BASE_URL: 'http://127.0.0.1:9/v1/', RUNDUN_API_KEY: 'k1', RUNDUN_API_KEY_OTHER_ORG: 'k2', RUNDUN_EXPIRED_RUN_ID: 'r-0f0e0d0c-0b0a-4098-8765-43210fedcba9' });
    expect(c.target?.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(c.target?.keys).toEqual({ primary: 'k1', other_org: 'k2' });
    expect(c.target?.expiredRunId).toBe('r-0f0e0d0c-0b0a-4098-8765-43210fedcba9');
    expect(c.target?.rateLimit).toBeNull();
  });

  it('selects the in-process simulator by RUNDUN_SIM_*', () => {
    const c = readConformanceConfig({ RUNDUN_SIM_RATE_LIMIT: 'off', RUNDUN_SIM_RETRY_AFTER_FORMAT: 'http-date', RUNDUN_SIM_FAULTS: 'ratelimit.off, errors.unknown-code' });
    expect(c.simulator).toEqual({ rateLimit: null, retryAfterFormat: 'http-date', faults: ['ratelimit.off', 'errors.unknown-code'] });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a remote target without consent', { RUNDUN_BASE_URL: 'https://api.rundun.app/v1' }, /refusing to send traffic to 'api.rundun.app'/],
    ['a missing fixtures file', { RUNDUN_FIXTURES: join(dir, 'nope.json') }, /RUNDUN_FIXTURES: cannot read .* \(ENOENT\)/],
    ['a broken fixtures file', { RUNDUN_FIXTURES: file('bad.json', '{') }, /not valid JSON/],
    ['a broken overrides file', { RUNDUN_CONTRACT_OVERRIDES: file('o.json', 'x') }, /RUNDUN_CONTRACT_OVERRIDES: .* is not valid JSON/],
    ['a bad timeout', { RUNDUN_TIMEOUT_MS: 'soon' }, /RUNDUN_TIMEOUT_MS must be a non-negative integer/],
    ['a bad rate', { RUNDUN_BASE_URL: 'http://127.0.0.1/v1', RUNDUN_RATE_LIMIT: 'fast' }, /rate 'fast/],
    ['an unknown algorithm', { RUNDUN_SIM_ALGORITHM: 'leaky' }, /RUNDUN_SIM_ALGORITHM must be one of/],
    ['an expired run id with a typo', { RUNDUN_BASE_URL: 'http://127.0.0.1/v1', RUNDUN_EXPIRED_RUN_ID: 'r-1' }, /RUNDUN_EXPIRED_RUN_ID .* must be a run id/],
  ])('refuses %s with a clear message', (_what, env, message) => {
    expect(() => readConformanceConfig(env)).toThrow(message);
  });

  it('allows a remote target with RUNDUN_ALLOW_REMOTE=yes', () => {
    expect(readConformanceConfig({ RUNDUN_BASE_URL: 'https://staging.api.rundun.app/v1', RUNDUN_ALLOW_REMOTE: 'yes' }).target?.baseUrl).toBe('https://staging.api.rundun.app/v1');
  });

  it('allows production only read-only or with RUNDUN_ALLOW_PRODUCTION=yes (test/config/guards.test.ts has the table)', () => {
    const prod = { RUNDUN_BASE_URL: 'https://api.rundun.app/v1', RUNDUN_ALLOW_REMOTE: 'yes' };
    expect(() => readConformanceConfig(prod)).toThrow(/refusing to send traffic to production: 'api.rundun.app'.*RUNDUN_READ_ONLY=yes.*RUNDUN_ALLOW_PRODUCTION=yes/);
    expect(readConformanceConfig({ ...prod, RUNDUN_READ_ONLY: 'yes' })).toMatchObject({ readOnly: true, production: true, target: { readOnly: true } });
    expect(readConformanceConfig({ ...prod, RUNDUN_ALLOW_PRODUCTION: 'yes' })).toMatchObject({ readOnly: false, production: true });
  });
});

describe('paceFor', () => {
  it.each<[Record<string, string>, number]>([
    [{ RUNDUN_FIXTURES: fixtures }, 10], // half of 20/1s
    [{ RUNDUN_FIXTURES: fixtures, RUNDUN_RATE_LIMIT: '120/1m' }, 1], // half of 2/s
    [{ RUNDUN_FIXTURES: fixtures, RUNDUN_PACE_RPS: '3' }, 3],
    [{ RUNDUN_BASE_URL: 'http://127.0.0.1/v1' }, 10], // no limit known
  ])('%j → %i requests/s per key', (env, rps) => {
    const c = readConformanceConfig(env);
    expect(paceFor(c, c.target!)).toBe(rps);
  });
});
