// Every k6 bundle, checked without k6: size, imports (k6 built-ins only: no npm, no Node, no
// remote jslibs), and its exported options, loaded in a worker with the k6 modules stubbed and
// __ENV pointing at a fixtures file, validated as k6 options (executors, durations, exec,
// thresholds on metrics that exist). Plus the validator's own refusals, and the scenarios'
// refusals at init (loopback guard, undersized key pool, missing limit).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../lib/contract';
import { CHECK_NAMES, checkName } from '../../scenarios/lib/check-names';
import { RATE_LIMIT_BURST_CAP, RETRY_AFTER_MIN_SECONDS } from '../../scenarios/lib/plan-rate-limit';
import { parseThresholdKey } from '../../lib/k6-thresholds';
import { fakeFixtures, ROOT, SCENARIOS, scenarioBundles, type Bundles } from './support/bundles';
import { prepareBundle, probe, type EmulatorBundle, type ProbeResult } from './support/emulator';
import { checkOptions, parseK6Duration } from './support/options-check';

const MAX_BYTES = 150 * 1024;
const K6_MODULES = new Set(['k6', 'k6/http', 'k6/metrics', 'k6/execution', 'k6/data', 'k6/encoding', 'k6/crypto', 'k6/timers', 'k6/secrets']);
const RULE_IDS = new Set<string>(contract.rules.map((r) => r.id));
const EXPECTED = ['capacity', 'key-isolation', 'rate-limit', 'retry-after', 'smoke', 'soak', 'spike'];

/** Specifiers of every static/dynamic import and re-export in an ES module's text. */
export function importSpecifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm)) out.push(m[1] as string);
  for (const m of code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push(m[1] as string);
  for (const m of code.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) out.push(m[1] as string);
  return out;
}

/** The code with string literals and comments blanked, so a 'require(' inside a string is not a call. */
export function codeOnly(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => (m.startsWith('/') ? ' ' : '""'));
}

function problemsOf(code: string): string[] {
  const problems: string[] = [];
  for (const spec of importSpecifiers(code)) if (!K6_MODULES.has(spec)) problems.push(`imports '${spec}'`);
  if (/(^|[^\w$.])require\s*\(/.test(codeOnly(code))) problems.push('calls require()');
  if (code.includes('jslib.k6.io')) problems.push('refers to jslib.k6.io');
  if (/\bimport\s*\(?\s*[^;]*["']https?:\/\//.test(code)) problems.push('imports over http(s)');
  if (/\bimport\s*\(\s*[^"'`\s)]/.test(codeOnly(code))) problems.push('has a non-literal dynamic import');
  return problems;
}

describe('import and size checks (the checker itself)', () => {
  it.each([
    { code: 'import http from "k6/http";\nimport { check } from "k6";', problems: [] },
    { code: 'import x from "lodash";', problems: ["imports 'lodash'"] },
    { code: 'import fs from "node:fs";', problems: ["imports 'node:fs'"] },
    { code: 'import { a } from "https://jslib.k6.io/k6-utils/1.4.0/index.js";', problems: ["imports 'https://jslib.k6.io/k6-utils/1.4.0/index.js'", 'refers to jslib.k6.io', 'imports over http(s)'] },
    { code: 'export * from "./other.js";', problems: ["imports './other.js'"] },
    { code: 'const fs = require("fs");', problems: ['calls require()'] },
    { code: 'x.code = \'require("ajv/dist/runtime/ucs2length").default\';\nvar __commonJS = (cb) => function __require() {};', problems: [] },
    { code: 'await import("k6/timers");', problems: [] },
    { code: 'await import(name);', problems: ['has a non-literal dynamic import'] },
  ])('$code', ({ code, problems }) => {
    expect(problemsOf(code)).toEqual(problems);
  });
});

describe('bundles', () => {
  let bundles: Bundles;
  beforeAll(async () => {
    bundles = await scenarioBundles();
  });

  it('there is one bundle per scenario, and these are the scenarios', () => {
    expect(SCENARIOS).toEqual(EXPECTED);
    if (existsSync(join(ROOT, 'dist'))) {
      const dist = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, '')).sort();
      expect(dist, 'dist/ is stale: run node scripts/build.mjs').toEqual(EXPECTED);
    }
  });

  it.each(EXPECTED)('%s: at most 150 KB, only k6 built-in imports, nothing remote, no require', (name) => {
    const file = bundles.files[name] as string;
    const code = readFileSync(file, 'utf8');
    expect(statSync(file).size, `${name} is ${statSync(file).size} bytes`).toBeLessThanOrEqual(MAX_BYTES);
    expect(problemsOf(code)).toEqual([]);
    expect(existsSync(`${file}.map`), 'source map').toBe(true);
    // esbuild's own view: every external import is a k6 module, by import statement.
    const out = Object.entries(bundles.metafile.outputs).find(([p]) => p.endsWith(`/${name}.js`))?.[1];
    expect(out).toBeDefined();
    for (const imp of out?.imports ?? []) {
      expect(K6_MODULES.has(imp.path), `${name} imports ${imp.path}`).toBe(true);
      expect(imp.kind).toBe('import-statement');
    }
    // The built dist/ file (what users run) passes the same checks when present.
    const dist = join(ROOT, 'dist', `${name}.js`);
    if (existsSync(dist)) {
      expect(statSync(dist).size).toBeLessThanOrEqual(MAX_BYTES);
      expect(problemsOf(readFileSync(dist, 'utf8'))).toEqual([]);
    }
  });

  describe('options, loaded with the k6 modules stubbed', () => {
    const emu: Record<string, EmulatorBundle> = {};
    const fx = fakeFixtures();
    const off = fakeFixtures(null);
    beforeAll(async () => {
      for (const name of EXPECTED) emu[name] = await prepareBundle(bundles.files[name] as string);
    });

    const facts = (p: ProbeResult) => ({ exports: p.exports, metrics: new Map(p.metrics.map((m) => [m.name, m.type])) });

    it.each(
      EXPECTED.flatMap((name) => [
        { name, env: { RUNDUN_FIXTURES: fx.file }, label: 'simulator fixtures' },
        { name, env: { RUNDUN_FIXTURES: fx.file, K6_LOCAL_IPS: '127.0.0.2-127.0.0.5' }, label: 'simulator fixtures and K6_LOCAL_IPS' },
        { name, env: { RUNDUN_FIXTURES: off.file, RUNDUN_RATE_LIMIT: name === 'key-isolation' ? '10/500ms' : '' }, label: 'simulator with rate limiting off' },
        {
          name,
          env: {
            RUNDUN_BASE_URL: 'https://staging.example.com/v1',
            RUNDUN_ALLOW_REMOTE: 'yes',
            RUNDUN_API_KEY: fx.keys[0] as string,
            RUNDUN_API_KEY_SECONDARY: fx.keys[1] as string,
            RUNDUN_API_KEY_OTHER_ORG: fx.keys[2] as string,
            RUNDUN_API_KEY_RATELIMIT: fx.keys[5] as string,
            RUNDUN_API_KEYS: fx.keys.slice(6).join(','),
            RUNDUN_RATE_LIMIT: '6000/1m',
          },
          label: 'staging variables',
        },
      ]),
    )('$name with $label: valid k6 options', async ({ name, env }) => {
      const p = await probe(emu[name] as EmulatorBundle, env);
      expect(p.initError).toBeUndefined();
      expect(checkOptions(p.options, facts(p))).toEqual([]);
      // Every rule a threshold names is a real contract rule id.
      const thresholds = (p.options as { thresholds: Record<string, unknown[]> }).thresholds;
      for (const key of Object.keys(thresholds)) {
        const rule = parseThresholdKey(key).tags.rule;
        if (rule !== undefined) expect(RULE_IDS.has(rule), `${name}: ${key}`).toBe(true);
      }
      // k6 passes a Rate threshold with no samples, so a rule's checks alone would pass a rule
      // never judged: every scenario with rule checks also holds its VUs' accounts to
      // rundun_vus_finished rate>=0.5 (each owing VU records unjudged rules as failures and
      // settles; a VU cut off leaves an unsettled start), and counts verdicts in rule_verdicts.
      expect(facts(p).metrics.get('rule_verdicts')).toBe('counter');
      expect(facts(p).metrics.get('rundun_vus_finished')).toBe('rate'); // created by every bundle (scenarios/lib/k6.ts)
      const checked = Object.keys(thresholds).filter((k) => parseThresholdKey(k).metric === 'checks');
      expect(checked.length, name).toBeGreaterThan(0);
      // The load scenarios judge their one rule in setup: no VU owes anything there.
      if (['capacity', 'soak', 'spike'].includes(name)) expect(thresholds.rundun_vus_finished, name).toBeUndefined();
      else expect(thresholds.rundun_vus_finished, name).toEqual(['rate>=0.5']);
      // No count threshold on verdicts: it could not be sized for one instance of a split run.
      for (const key of Object.keys(thresholds)) expect(parseThresholdKey(key).metric, `${name}: ${key}`).not.toBe('rule_verdicts');
      // Nothing in the options carries a key.
      const text = JSON.stringify(p.options);
      for (const k of fx.keys) expect(text).not.toContain(k);
    });

    it.each<{ name: string; env: Record<string, string>; why: RegExp }>([
      { name: 'rate-limit', env: { RUNDUN_BASE_URL: 'https://api.rundun.app/v1', RUNDUN_API_KEY: 'rdk_live_'.padEnd(41, 'q') }, why: /^rundun: refusing to send traffic to 'api.rundun.app': only loopback .* unless RUNDUN_ALLOW_REMOTE=yes/ },
      { name: 'smoke', env: { RUNDUN_BASE_URL: 'http://10.0.0.1/v1', RUNDUN_API_KEY: 'rdk_live_'.padEnd(41, 'q'), RUNDUN_ALLOW_REMOTE: 'no' }, why: /refusing to send traffic to '10.0.0.1'/ },
      { name: 'capacity', env: { RUNDUN_FIXTURES: fx.file, RUNDUN_STAGES: '10,200' }, why: /load.key-pool-sufficient: key pool too small: 200 rps .* needs 20 keys, have 7/ },
      { name: 'key-isolation', env: { RUNDUN_FIXTURES: off.file }, why: /key-isolation needs the per-key limit/ },
      { name: 'key-isolation', env: { RUNDUN_FIXTURES: fx.file, RUNDUN_LOCAL_IPS: '127.0.0.2-127.0.0.5' }, why: /RUNDUN_LOCAL_IPS is not read any more.*K6_LOCAL_IPS/ },
      { name: 'retry-after', env: {}, why: /no target/ },
    ])('$name refuses to start: $why', async ({ name, env, why }) => {
      const p = await probe(emu[name] as EmulatorBundle, env);
      expect(p.ok).toBe(false);
      expect(p.initError).toMatch(why);
      for (const k of fx.keys) expect(p.initError).not.toContain(k);
    });
  });
});

describe('the options validator refuses broken options, clearly', () => {
  const facts = { exports: ['rateLimit', 'load'], metrics: new Map([['spread_sent', 'counter' as const]]) };
  const good = () => ({
    scenarios: {
      a: { executor: 'per-vu-iterations', exec: 'rateLimit', vus: 1, iterations: 1, maxDuration: '30s' },
      b: { executor: 'constant-arrival-rate', exec: 'load', rate: 10, timeUnit: '1s', duration: '1m', preAllocatedVUs: 5, maxVUs: 10 },
      c: { executor: 'ramping-arrival-rate', exec: 'load', startRate: 0, stages: [{ target: 10, duration: '5s' }], preAllocatedVUs: 2 },
    },
    thresholds: {
      'checks{rule:ratelimit.enforced-per-key}': ['rate==1'],
      spread_sent: ['count>=10', { threshold: 'count<=100', abortOnFail: true, delayAbortEval: '10s' }],
      http_req_duration: ['p(95)<300'],
    },
    summaryTrendStats: ['avg', 'p(95)', 'count'],
  });
  type Opts = ReturnType<typeof good> & Record<string, unknown>;

  it('accepts the good options', () => {
    expect(checkOptions(good(), facts)).toEqual([]);
  });

  it.each<{ name: string; mutate: (o: Opts) => void; why: RegExp }>([
    { name: 'unknown executor', mutate: (o) => ((o.scenarios.a as Record<string, unknown>).executor = 'constant-arrival-rates'), why: /scenarios.a.executor: unknown executor "constant-arrival-rates"/ },
    { name: 'fractional rate', mutate: (o) => ((o.scenarios.b as Record<string, unknown>).rate = 2.5), why: /scenarios.b.rate must be a positive integer \(k6 reads it as int64\), got 2.5/ },
    { name: 'missing preAllocatedVUs', mutate: (o) => delete (o.scenarios.b as Record<string, unknown>).preAllocatedVUs, why: /executor 'constant-arrival-rate' requires 'preAllocatedVUs'/ },
    { name: 'missing duration', mutate: (o) => delete (o.scenarios.b as Record<string, unknown>).duration, why: /requires 'duration'/ },
    { name: 'bad duration', mutate: (o) => ((o.scenarios.a as Record<string, unknown>).maxDuration = '30 seconds'), why: /scenarios.a.maxDuration: '30 seconds' is not a k6 duration/ },
    { name: 'zero duration', mutate: (o) => ((o.scenarios.b as Record<string, unknown>).duration = '0s'), why: /scenarios.b.duration must be a positive duration/ },
    { name: 'typo in a field', mutate: (o) => ((o.scenarios.b as Record<string, unknown>).maxVus = 3), why: /scenarios.b: unknown field 'maxVus'/ },
    { name: 'maxVUs below preAllocatedVUs', mutate: (o) => ((o.scenarios.b as Record<string, unknown>).maxVUs = 1), why: /maxVUs \(1\) is below preAllocatedVUs \(5\)/ },
    { name: 'exec not exported', mutate: (o) => ((o.scenarios.a as Record<string, unknown>).exec = 'nope'), why: /scenarios.a.exec: the script exports no function 'nope'/ },
    { name: 'bad stage', mutate: (o) => ((o.scenarios.c as Record<string, unknown>).stages = [{ target: -1, duration: '5s' }]), why: /stages\[0\].target must be a non-negative integer/ },
    { name: 'bad scenario name', mutate: (o) => ((o.scenarios as Record<string, unknown>)['rate limit'] = o.scenarios.a), why: /scenario names may only contain/ },
    { name: 'threshold on an unknown metric', mutate: (o) => ((o.thresholds as Record<string, unknown>).ratelimit_leak = ['count==0']), why: /metric 'ratelimit_leak' is neither defined by the script nor built into k6/ },
    { name: 'malformed expression', mutate: (o) => ((o.thresholds as Record<string, unknown>).http_req_failed = ['rate=0']), why: /thresholds\['http_req_failed'\]: threshold 'rate=0' is not/ },
    { name: 'aggregation of another type', mutate: (o) => ((o.thresholds as Record<string, unknown>).spread_sent = ['p(95)<3']), why: /'p\(95\)' does not apply to counter metric 'spread_sent'/ },
    { name: 'malformed tag filter', mutate: (o) => ((o.thresholds as Record<string, unknown>)['checks{rule}'] = ['rate==1']), why: /'rule' is not tag:value/ },
    { name: 'unclosed tag filter', mutate: (o) => ((o.thresholds as Record<string, unknown>)['checks{rule:x'] = ['rate==1']), why: /missing closing '}'/ },
    { name: 'threshold object with a typo', mutate: (o) => ((o.thresholds as Record<string, unknown>).http_reqs = [{ threshold: 'count>0', abortOnFial: true }]), why: /unknown field 'abortOnFial'/ },
    { name: 'empty threshold list', mutate: (o) => ((o.thresholds as Record<string, unknown>).http_reqs = []), why: /must be a non-empty array/ },
    { name: 'no thresholds at all', mutate: (o) => delete (o as Record<string, unknown>).thresholds, why: /none defined, so `k6 run` cannot fail/ },
    { name: 'no scenarios', mutate: (o) => ((o as Record<string, unknown>).scenarios = {}), why: /at least one scenario is required/ },
    { name: 'shortcut with scenarios', mutate: (o) => ((o as Record<string, unknown>).vus = 10), why: /options.vus: use scenarios/ },
    { name: 'unknown option', mutate: (o) => ((o as Record<string, unknown>).localIps = 'x'), why: /options.localIps: unknown option/ },
    { name: 'bad trend stat', mutate: (o) => (o.summaryTrendStats = ['p95']), why: /summaryTrendStats/ },
    // k6 reads local IPs only from --local-ips / K6_LOCAL_IPS (lib/options.go: json:"-"): in script options they do nothing.
    { name: 'localIPs in script options', mutate: (o) => ((o as Record<string, unknown>).localIPs = '127.0.0.2-127.0.0.5'), why: /options.localIPs: k6 ignores it in script options .*set K6_LOCAL_IPS in k6's environment or pass --local-ips/ },
  ])('$name', ({ mutate, why }) => {
    const o = good() as Opts;
    mutate(o);
    const problems = checkOptions(o, facts);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(why);
  });

  it.each([
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['2h', 7_200_000],
    ['0', 0],
  ])('k6 duration %s = %d ms', (s, ms) => {
    expect(parseK6Duration(s)).toBe(ms);
  });
});

describe('contract ties', () => {
  it('every check name belongs to a contract rule id', () => {
    for (const rule of Object.keys(CHECK_NAMES)) expect(RULE_IDS.has(rule), rule).toBe(true);
    for (const r of contract.rules) expect(checkName(r.id), r.id).toBe(r.label ?? r.id);
  });

  it('the contract parameters copied into the bundles match schemas/contract.json', () => {
    expect(RATE_LIMIT_BURST_CAP).toBe(contract.parameters.rateLimitBurstCap?.value);
    expect(RETRY_AFTER_MIN_SECONDS).toBe(contract.parameters.retryAfterMinSeconds?.value);
  });
});
