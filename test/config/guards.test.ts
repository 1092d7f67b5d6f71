// The production guard, in both engines: api.rundun.app, or a host on RUNDUN_PRODUCTION_HOSTS,
// is refused even with RUNDUN_ALLOW_REMOTE=yes, unless RUNDUN_ALLOW_PRODUCTION=yes (k6: load)
// or RUNDUN_READ_ONLY=yes / RUNDUN_ALLOW_PRODUCTION=yes (the conformance suite). Hosts that only
// look like production are not production; spellings of the production host are. Checked at
// the readers (a table of hosts × consents), through a k6 bundle's init in the emulator (a
// ConfigError and a non-zero exit, no request), and through the conformance suite's own
// vitest run (globalSetup refuses: non-zero exit, nothing sent).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOf, isProductionHost, parseProductionHosts } from '../../lib/target';
import { prepareBundle, probe, run, type EmulatorBundle } from '../k6/support/emulator';
import { ROOT, scenarioBundles } from '../k6/support/bundles';
import { conformance, K, k6, type Env } from './support';

const PROD_LIST = 'staging.api.rundun.app, EU.Rundun.Example., other.example:8443';

// url, RUNDUN_PRODUCTION_HOSTS, is it production?
const HOSTS: Array<[url: string, list: string | undefined, production: boolean]> = [
  ['https://api.rundun.app/v1', undefined, true],
  ['https://API.Rundun.APP/v1', undefined, true],
  ['https://api.rundun.app./v1', undefined, true],
  ['https://api.rundun.app:443/v1', undefined, true],
  ['https://api.rundun.app:8443/v1/', undefined, true],
  ['https://user:pw@api.rundun.app/v1', undefined, true],
  ['https://api.rundun.app?x=1', undefined, true],
  ['https://api.rundun.app.evil.test/v1', undefined, false],
  ['https://staging.api.rundun.app/v1', undefined, false],
  ['https://xapi.rundun.app/v1', undefined, false],
  ['https://api-rundun.app/v1', undefined, false],
  ['https://api.rundun.app.evil.test/v1', PROD_LIST, false],
  ['https://staging.api.rundun.app/v1', PROD_LIST, true],
  ['https://STAGING.api.rundun.app./v1', PROD_LIST, true],
  ['https://eu.rundun.example/v1', PROD_LIST, true],
  ['https://other.example:9000/v1', PROD_LIST, true],
  ['https://eu.rundun.example.evil.test/v1', PROD_LIST, false],
  ['https://api.rundun.app/v1', PROD_LIST, true], // the list adds to api.rundun.app, never replaces it
  ['http://127.0.0.1:4010/v1', '127.0.0.1', true],
];

// Consent flags (RUNDUN_ALLOW_REMOTE=yes in every case) → allowed by the suite, allowed by k6.
const CONSENTS: Array<[name: string, env: Env, conformance: boolean, k6: boolean]> = [
  ['RUNDUN_ALLOW_REMOTE=yes alone', {}, false, false],
  ['RUNDUN_READ_ONLY=yes', { RUNDUN_READ_ONLY: 'yes' }, true, false],
  ['RUNDUN_ALLOW_PRODUCTION=yes', { RUNDUN_ALLOW_PRODUCTION: 'yes' }, true, true],
  ['RUNDUN_ALLOW_PRODUCTION=TRUE, read-only too', { RUNDUN_ALLOW_PRODUCTION: 'TRUE', RUNDUN_READ_ONLY: '1' }, true, true],
  ['RUNDUN_ALLOW_PRODUCTION with a typo', { RUNDUN_ALLOW_PRODUCTION: 'ye' }, false, false],
];

const envOf = (url: string, list: string | undefined, consent: Env): Env => ({
  RUNDUN_BASE_URL: url,
  RUNDUN_API_KEY: K('a'),
  RUNDUN_ALLOW_REMOTE: 'yes',
  ...(list !== undefined ? { RUNDUN_PRODUCTION_HOSTS: list } : {}),
  ...consent,
});

describe('production hosts', () => {
  it.each(HOSTS)('%s (list %s) is production: %s', (url, list, production) => {
    expect(isProductionHost(hostOf(url) as string, parseProductionHosts(list))).toBe(production);
  });

  it.each(['https://api%2Erundun.app/v1', 'https://api.rundun.app\\@evil.test/v1', 'https://a@b@api.rundun.app/v1', 'https://api..rundun.app/v1', 'https://api.rundun.app../v1'])(
    '%s is refused as a base URL rather than guessed at',
    (url) => {
      for (const out of [conformance(envOf(url, undefined, { RUNDUN_ALLOW_PRODUCTION: 'yes' })), k6(envOf(url, undefined, { RUNDUN_ALLOW_PRODUCTION: 'yes' }))])
        expect('error' in out && out.error).toMatch(/is not an http\(s\) URL with a plain host name/);
    },
  );

  it.each(['https://prod.example/v1', 'prod example', 'prod.example/v1', '*.rundun.app'])('RUNDUN_PRODUCTION_HOSTS=%j is refused with the form to use', (list) => {
    expect(() => parseProductionHosts(list)).toThrow(/RUNDUN_PRODUCTION_HOSTS: '.*' is not a host name/);
  });
});

describe('the guard in both readers', () => {
  const cases = HOSTS.flatMap(([url, list, production]) => CONSENTS.map(([consent, env, c, k]) => ({ url, list, production, consent, env, c: !production || c, k: !production || k })));
  it.each(cases)('$url (list $list), $consent → suite $c, k6 $k', ({ url, list, env, c, k, production }) => {
    const e = envOf(url, list, env);
    const suite = conformance(e);
    const load = k6(e);
    if (c) expect(suite).toMatchObject({ view: { production } });
    else expect('error' in suite && suite.error).toMatch(/^rundun: refusing to send traffic to production: '[^']+' is (the production API|on RUNDUN_PRODUCTION_HOSTS) \(RUNDUN_ALLOW_REMOTE=yes is not enough\); set RUNDUN_READ_ONLY=yes \(no writes\) or RUNDUN_ALLOW_PRODUCTION=yes$/);
    if (k) expect(load).toMatchObject({ view: { production } });
    else expect('error' in load && load.error).toMatch(/^rundun: refusing to send traffic to production: .*; load never goes to production unless RUNDUN_ALLOW_PRODUCTION=yes is set$/);
    for (const out of [suite, load]) if ('error' in out) expect(out.error).not.toContain(K('a'));
  });

  it('the loopback guard still speaks first: production without RUNDUN_ALLOW_REMOTE names that', () => {
    const e = { RUNDUN_BASE_URL: 'https://api.rundun.app/v1', RUNDUN_API_KEY: K('a'), RUNDUN_ALLOW_PRODUCTION: 'yes' };
    for (const out of [conformance(e), k6(e)]) expect('error' in out && out.error).toMatch(/only loopback .* unless RUNDUN_ALLOW_REMOTE=yes/);
  });
});

describe('k6: a scenario refuses production at init, exits non-zero, sends nothing', () => {
  let smoke: EmulatorBundle;
  let capacity: EmulatorBundle;
  beforeAll(async () => {
    const b = await scenarioBundles();
    smoke = await prepareBundle(b.files.smoke as string);
    capacity = await prepareBundle(b.files.capacity as string);
  });

  it.each([
    ['https://API.rundun.app./v1', undefined, { RUNDUN_READ_ONLY: 'yes' }],
    ['https://api.rundun.app:443/v1', undefined, {}],
    ['https://staging.api.rundun.app/v1', 'staging.api.rundun.app', {}],
  ] as Array<[string, string | undefined, Env]>)('%s (list %s) %j', async (url, list, consent) => {
    const p = await probe(capacity, { ...envOf(url, list, consent), RUNDUN_RATE_LIMIT: 'off' });
    expect(p.ok).toBe(false);
    expect(p.initError).toMatch(/^rundun: refusing to send traffic to production: .*RUNDUN_ALLOW_PRODUCTION=yes/);
    expect(p.initError).not.toContain(K('a'));
  });

  it('a whole run: exit code 107 (init error), no request, the reason in the output', async () => {
    const r = await run(smoke, envOf('https://api.rundun.app/v1', undefined, {}), { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(107);
    expect(r.initError).toMatch(/refusing to send traffic to production: 'api.rundun.app'/);
    expect(r.samples.filter((s) => s.metric === 'http_reqs')).toEqual([]);
  });
});

describe('conformance: the suite refuses to start against production', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rundun-guard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A host under .invalid (never resolves): were the guard broken, nothing could be sent anyway.
  it.each([
    ['listed, RUNDUN_ALLOW_REMOTE=yes', { RUNDUN_BASE_URL: 'https://prod.rundun.invalid/v1', RUNDUN_PRODUCTION_HOSTS: 'prod.rundun.invalid' }],
    ['listed upper-case with a port and a trailing dot', { RUNDUN_BASE_URL: 'https://PROD.rundun.invalid.:8443/v1', RUNDUN_PRODUCTION_HOSTS: 'prod.rundun.invalid' }],
  ])('%s: non-zero exit, the reason in the output', (_what, env) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'conformance/vitest.config.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEY: K('a'), RUNDUN_REPORT_DIR: dir, NO_COLOR: '1', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).not.toBe(0);
    expect(out).toMatch(/refusing to send traffic to production: 'prod.rundun.invalid' is on RUNDUN_PRODUCTION_HOSTS .*set RUNDUN_READ_ONLY=yes \(no writes\) or RUNDUN_ALLOW_PRODUCTION=yes/);
    expect(out).not.toContain(K('a'));
    expect(out).not.toMatch(/Test Files .* passed/);
  }, 60_000);
});
