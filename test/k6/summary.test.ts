import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectSummaryShape,
  normaliseSummary,
  outcome,
  thresholdResults,
  toJUnit,
  toTextSummary,
  xmlEscape,
  type K6SummaryData,
  type ThresholdOptions,
} from '../../lib/k6-summary';
import { findKnee } from '../../lib/capacity';
import { readK6Config } from '../../scenarios/lib/config';
import { checkRuleOf, summaryFiles, summaryFromRaw } from '../../scenarios/lib/summary';
import { CHECK_NAMES } from '../../scenarios/lib/check-names';
import { toMachineReadableSummary } from './support/aggregate';

const KEY = 'rdk_live_a3f9bc4d8e1f2a3b4c5d6e7f8a9b0c1d';

function data(over: Partial<K6SummaryData> = {}): K6SummaryData {
  return {
    metrics: {
      'checks{rule:ratelimit.enforced-per-key}': { type: 'rate', contains: 'default', values: { rate: 1, passes: 1, fails: 0 }, thresholds: { 'rate==1': { ok: true } } },
      'checks{rule:ratelimit.under-limit-no-429}': { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 1 }, thresholds: { 'rate==1': { ok: false } } },
      http_req_duration: { type: 'trend', contains: 'time', values: { avg: 1.5, med: 1, 'p(95)': 4.25, max: 9 }, thresholds: { 'p(95)<300': { ok: true }, 'avg<1': { ok: false } } },
      http_reqs: { type: 'counter', contains: 'default', values: { count: 120, rate: 12 } },
      ratelimit_estimate: { type: 'gauge', contains: 'default', values: { value: 9.8, min: 9.8, max: 9.8 } },
    },
    root_group: { name: '', path: '', id: 'x', groups: [], checks: [{ name: 'under the limit: no 429', passes: 0, fails: 1 }] },
    state: { testRunDurationMs: 12_345 },
    ...over,
  };
}

describe('thresholdResults', () => {
  it('lists every threshold with its rule and the value it was judged on', () => {
    const r = thresholdResults(data());
    expect(r.map((x) => `${x.key} ${x.expression} ${x.ok}`)).toEqual([
      'checks{rule:ratelimit.enforced-per-key} rate==1 true',
      'checks{rule:ratelimit.under-limit-no-429} rate==1 false',
      'http_req_duration avg<1 false',
      'http_req_duration p(95)<300 true',
    ]);
    expect(r[0]).toMatchObject({ metric: 'checks', rule: 'ratelimit.enforced-per-key', aggregation: 'rate', actual: 1 });
    expect(r[3]).toMatchObject({ aggregation: 'p(95)', actual: 4.25 });
    expect(r[3]?.rule).toBeUndefined();
  });

  it('a Rate with no samples (k6 passed its threshold without judging): reported as not judged, no value', () => {
    const d = data();
    d.metrics['checks{rule:ratelimit.retry-after-present}'] = { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 0 }, thresholds: { 'rate==1': { ok: true } } };
    d.metrics['rule_verdicts{rule:ratelimit.retry-after-present}'] = { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count>=1': { ok: false } } };
    const r = thresholdResults(d);
    expect(r.find((x) => x.key === 'checks{rule:ratelimit.retry-after-present}')).toMatchObject({ ok: true, noSamples: true, rule: 'ratelimit.retry-after-present' });
    expect(r.find((x) => x.key === 'checks{rule:ratelimit.retry-after-present}')?.actual).toBeUndefined();
    expect(r.find((x) => x.key === 'rule_verdicts{rule:ratelimit.retry-after-present}')).toMatchObject({ ok: false, actual: 0, rule: 'ratelimit.retry-after-present' });
    expect(r.find((x) => x.key === 'checks{rule:ratelimit.under-limit-no-429}')?.noSamples).toBeUndefined();
    const text = toTextSummary(d, { scenario: 'rate-limit' });
    expect(text).toContain('ok   checks{rule:ratelimit.retry-after-present} rate==1  [no samples: not judged]');
    expect(text).toContain('FAIL rule_verdicts{rule:ratelimit.retry-after-present} count>=1  [count=0]');
  });

  it('outcome: FAIL on any crossed threshold, and when there are none at all', () => {
    expect(outcome(data())).toEqual({ pass: false, total: 4, crossed: 2 });
    expect(outcome({ metrics: {} }).pass).toBe(false);
    const allOk = data();
    delete allOk.metrics['checks{rule:ratelimit.under-limit-no-429}'];
    delete allOk.metrics.http_req_duration!.thresholds!['avg<1'];
    expect(outcome(allOk)).toEqual({ pass: true, total: 2, crossed: 0 });
  });
});

describe('toJUnit', () => {
  it('writes one testcase per threshold, a failure for each crossed one', () => {
    const xml = toJUnit(data(), { scenario: 'rate-limit', timestamp: '2025-01-01T00:00:00.000Z' });
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('<testsuite name="k6.rate-limit" tests="4" failures="2" errors="0" skipped="0" time="12.345" timestamp="2025-01-01T00:00:00.000Z">');
    expect(xml).toContain('name="checks{rule:ratelimit.under-limit-no-429} rate==1"');
    expect(xml).toContain('threshold crossed: checks{rule:ratelimit.under-limit-no-429} rate=0 does not satisfy rate==1');
    expect(xml).toContain('<property name="rule" value="ratelimit.under-limit-no-429"/>');
    expect(xml).toContain('name="http_req_duration avg&lt;1"');
    // Well-formed enough for CI parsers: balanced testcase tags, XML declaration first.
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml.match(/<testcase /g)?.length).toBe(xml.match(/<\/testcase>/g)?.length);
  });

  it('marks a run without thresholds as skipped, not as an empty green suite', () => {
    const xml = toJUnit({ metrics: {} }, { scenario: 'x' });
    expect(xml).toContain('<skipped message="the scenario defined no thresholds"/>');
  });

  it.each([
    ['a<b & "c" \'d\'>', 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;'],
    ['bell\u0007', 'bell'],
  ])('escapes %j', (raw, escaped) => {
    expect(xmlEscape(raw)).toBe(escaped);
  });
});

describe('toTextSummary', () => {
  it('names the outcome, every threshold with its value, checks, metrics and notes', () => {
    const text = toTextSummary(data(), { scenario: 'rate-limit', notes: ['limit estimate: 9.8'], metrics: ['http_reqs', 'http_req_duration', 'ratelimit_estimate', 'missing'] });
    expect(text).toMatch(/^rundun k6 rate-limit: FAIL in 12.3 s \(4 thresholds, 2 crossed\)/);
    expect(text).toContain('FAIL checks{rule:ratelimit.under-limit-no-429} rate==1  [rate=0]');
    expect(text).toContain('ok   http_req_duration p(95)<300  [p(95)=4.25]');
    expect(text).toContain('FAIL under the limit: no 429: 0 passed, 1 failed');
    expect(text).toContain('http_reqs: 120 (12/s)');
    expect(text).toContain('http_req_duration: avg=1.5 med=1 p(95)=4.25 max=9 ms');
    expect(text).toContain('ratelimit_estimate: 9.8');
    expect(text).not.toContain('missing');
    expect(text.trimEnd().endsWith('limit estimate: 9.8')).toBe(true);
  });
});

describe('summaryFiles (handleSummary)', () => {
  const cfg = readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: KEY, RUNDUN_REPORT_DIR: 'out/' }, () => '');

  it('writes <dir>/<scenario>.summary.json, .junit.xml and stdout', () => {
    const files = summaryFiles('rate-limit', cfg, data(), { notes: ['n'] }, new Date(0));
    expect(Object.keys(files).sort()).toEqual(['out/rate-limit.junit.xml', 'out/rate-limit.summary.json', 'stdout']);
    const json = JSON.parse(files['out/rate-limit.summary.json'] as string);
    expect(json).toMatchObject({ scenario: 'rate-limit', pass: false, notes: ['n'], generatedAt: '1970-01-01T00:00:00.000Z' });
    expect(json.thresholds).toHaveLength(4);
  });

  it('redacts every configured key from every file, wherever it came from', () => {
    const leaky = data({ root_group: { name: '', groups: [], checks: [{ name: `key ${KEY} leaked`, passes: 1, fails: 0 }] } });
    const files = summaryFiles('x', cfg, leaky, { notes: [`note with ${KEY}`], details: { key: KEY } });
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).not.toContain(KEY);
      expect(text, name).not.toContain(KEY.slice(9, 20));
    }
    expect(files.stdout).toContain('rdk_live_…0c1d');
  });
});

describe('findKnee', () => {
  const slo = { p95Ms: 300, errorRate: 0.01 };
  const stage = (targetRps: number, p95Ms: number | undefined, errorRate = 0, requests = targetRps * 30) => ({ targetRps, seconds: 30, requests, p95Ms, errorRate });

  it.each([
    { name: 'all held', stages: [stage(10, 20), stage(20, 40), stage(40, 90)], knee: 2, text: /all 3 stages held the SLO; the knee is above 40 rps/ },
    { name: 'latency breaks at 40', stages: [stage(10, 20), stage(20, 40), stage(40, 900)], knee: 1, text: /knee at stage 2 \(20 rps\); stage 3 \(40 rps\) broke the SLO: p95 900 ms > 300 ms/ },
    { name: 'errors break at 20', stages: [stage(10, 20), stage(20, 40, 0.05), stage(40, 90)], knee: 0, text: /stage 2 \(20 rps\) broke the SLO: errors 5 % > 1 %/ },
    { name: 'load not delivered', stages: [stage(10, 20), stage(20, 40, 0, 300)], knee: 0, text: /delivered 300 of 600 requests/ },
    { name: 'a later stage holding does not move the knee past a broken one', stages: [stage(10, 20), stage(20, 900), stage(40, 20)], knee: 0, text: /knee at stage 1/ },
    { name: 'first stage broken', stages: [stage(10, 900)], knee: null, text: /no stage held the SLO/ },
    { name: 'no latency measured', stages: [stage(10, undefined, 0, 300)], knee: null, text: /no latency measured/ },
  ])('$name', ({ stages, knee, text }) => {
    const r = findKnee(stages, slo);
    expect(r.knee).toBe(knee);
    expect(r.summary).toMatch(text);
  });
});

// --- Both summary shapes, as recorded from real k6 (test/fixtures/k6-real/, from ../shared/k6-real) ---

const FIXTURES = new URL('../fixtures/k6-real/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const LEGACY_130 = 'summary-data.k6-1.3.0.legacy.json';
const LEGACY_220 = 'summary-data.k6-2.2.0.legacy.json';
const NEW_220 = 'summary-data.k6-2.2.0.new-machine-readable.json';

/** options.thresholds of summary-probe.js, the script all three fixtures were recorded with. */
function probeThresholds(): ThresholdOptions {
  const src = readFileSync(new URL('summary-probe.js', FIXTURES), 'utf8');
  const m = /export const options = (\{[\s\S]*?\n\});\n/.exec(src);
  if (!m) throw new Error('summary-probe.js: no options');
  return (new Function(`return ${m[1]}`)() as { thresholds: ThresholdOptions }).thresholds;
}
const PROBE_THRESHOLDS = probeThresholds();
/** The probe's check names and the rule tag each was recorded with. */
const PROBE_CHECK_RULES: Record<string, string> = { 'a passes': 'a.pass', 'b fails': 'b.fail' };
const probeCheckRule = (name: string) => PROBE_CHECK_RULES[name];

/** What k6 itself decided, as recorded in a legacy fixture: 'key expression' -> ok. */
function recordedOutcomes(name: string): Record<string, boolean> {
  const raw = fixture(name) as { metrics: Record<string, { thresholds?: Record<string, { ok: boolean }> }> };
  const out: Record<string, boolean> = {};
  for (const [key, m] of Object.entries(raw.metrics)) for (const [e, t] of Object.entries(m.thresholds ?? {})) out[`${key} ${e}`] = t.ok;
  return out;
}
const RECORDED = recordedOutcomes(LEGACY_130);

function normalised(name: string, checkRule: ((n: string) => string | undefined) | null = probeCheckRule): K6SummaryData {
  const n = normaliseSummary(fixture(name), { thresholds: PROBE_THRESHOLDS, ...(checkRule ? { checkRule } : {}) });
  if (!n.ok) throw new Error(n.error);
  return n.data;
}

describe('summary shapes of k6 1.3 .. 2.x', () => {
  it('the probe script declares exactly the thresholds k6 recorded outcomes for', () => {
    const declared = Object.entries(PROBE_THRESHOLDS).flatMap(([k, es]) => es.map((e) => `${k} ${typeof e === 'string' ? e : e.threshold}`));
    expect(declared.sort()).toEqual(Object.keys(RECORDED).sort());
    expect(recordedOutcomes(LEGACY_220)).toEqual(RECORDED);
    // The two k6 behaviours the re-evaluation must reproduce.
    expect(RECORDED['checks{rule:c.never} rate==1']).toBe(true);
    expect(RECORDED['rule_verdicts{rule:c.never} count>=1']).toBe(false);
  });

  it.each([
    { file: LEGACY_130, shape: 'legacy' },
    { file: LEGACY_220, shape: 'legacy' },
    { file: NEW_220, shape: 'machine-readable' },
  ])('detects $file as $shape', ({ file, shape }) => {
    expect(detectSummaryShape(fixture(file))).toEqual({ shape });
  });

  it.each([
    { file: LEGACY_130, by: 'k6', version: undefined, unreported: [] as string[] },
    { file: LEGACY_220, by: 'k6', version: undefined, unreported: [] as string[] },
    // p(99) is not in the default summaryTrendStats: k6 judged it, but its summary does not carry the value.
    { file: NEW_220, by: 'harness', version: '2.2.0', unreported: ['retry_after_slack_ms p(99)<5000'] },
  ])('$file: the same thresholds with the outcomes k6 recorded (evaluated by $by)', ({ file, by, version, unreported }) => {
    const data = normalised(file);
    expect(data.source).toMatchObject({ thresholdsEvaluatedBy: by });
    expect(data.source?.k6Version).toBe(version);
    const results = thresholdResults(data);
    expect(results.map((r) => `${r.key} ${r.expression}`)).toEqual(Object.keys(RECORDED).sort());
    for (const r of results) {
      const id = `${r.key} ${r.expression}`;
      if (unreported.includes(id)) {
        expect(r.notReported, id).toMatch(/'p\(99\)' of this trend is not in the summary \(add 'p\(99\)' to summaryTrendStats\)/);
        continue;
      }
      expect(r.notReported, id).toBeUndefined();
      expect(r.ok, id).toBe(RECORDED[id]);
      expect(r.evaluatedBy, id).toBe(by === 'harness' ? 'harness' : undefined);
    }
    expect(results.filter((r) => r.notReported !== undefined).map((r) => `${r.key} ${r.expression}`)).toEqual(unreported);
    const never = results.find((r) => r.key === 'checks{rule:c.never}');
    expect(never).toMatchObject({ ok: true, noSamples: true, rule: 'c.never' });
    expect(results.find((r) => r.key === 'rule_verdicts{rule:c.never}')).toMatchObject({ ok: false, actual: 0 });
  });

  it('new shape: values in legacy names (Rate matches/total as passes/fails, p90 as p(90), the checks Rate)', () => {
    const m = normalised(NEW_220).metrics;
    expect(m.rule_ok?.values).toEqual({ rate: 4 / 6, passes: 4, fails: 2 });
    expect(m.http_req_failed?.values).toEqual({ rate: 1, passes: 2, fails: 0 });
    expect(Object.keys(m.http_req_duration?.values ?? {}).sort()).toEqual(['avg', 'max', 'med', 'min', 'p(90)', 'p(95)']);
    expect(m.retry_after_slack_ms?.values).toMatchObject({ 'p(90)': 340, 'p(95)': 340, avg: 230 });
    expect(m.checks?.values).toEqual({ rate: 0.5, passes: 2, fails: 2 });
    expect(m['checks{rule:b.fail}']?.values).toEqual({ rate: 0, passes: 0, fails: 2 });
    expect(m['checks{rule:a.pass}']?.values).toEqual({ rate: 1, passes: 2, fails: 0 });
    expect(m.http_reqs?.values.count).toBe(2);
    expect(m.http_reqs?.values.rate).toBeCloseTo(2 / 0.005920488, 6);
  });

  it('new shape without a check-name map: checks{rule:X} is reported as not in the summary, never passed', () => {
    const results = thresholdResults(normalised(NEW_220, null));
    const checks = results.filter((r) => r.metric === 'checks');
    expect(checks).toHaveLength(3);
    for (const r of checks) expect(r).toMatchObject({ ok: false, notReported: expect.stringMatching(/new summary shape has no 'checks\{rule:[abc]\.[a-z]+\}' sub-metric/) });
    expect(outcome(normalised(NEW_220, null))).toMatchObject({ pass: false, notReported: 4 });
  });

  it('legacy and new shape give the same report files (JUnit: crossed as failures; not reported as an error)', () => {
    const cfg = readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: KEY, RUNDUN_REPORT_DIR: 'out' }, () => '');
    const byShape = [LEGACY_130, LEGACY_220, NEW_220].map((f) => summaryFromRaw('probe', cfg, fixture(f), PROBE_THRESHOLDS, (d) => ({ notes: [`checks: ${d.metrics.checks?.values.passes} passed`] }), new Date(0)));
    for (const files of byShape) {
      expect(Object.keys(files).sort()).toEqual(['out/probe.junit.xml', 'out/probe.summary.json', 'stdout']);
      expect(files['out/probe.junit.xml']?.match(/<testcase /g)).toHaveLength(10);
      expect(files.stdout).toMatch(/^rundun k6 probe: FAIL/);
      expect(files.stdout).toContain('checks: 2 passed');
      expect(files.stdout).toContain('FAIL rule_verdicts{rule:c.never} count>=1  [count=0]');
    }
    const [legacy, , modern] = byShape as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(legacy.stdout).toContain('FAIL checks{rule:b.fail} rate==1  [rate=0]');
    expect(legacy.stdout).toContain('ok   checks{rule:c.never} rate==1  [no samples: not judged]');
    expect(legacy['out/probe.junit.xml']).toContain('failures="2" errors="0"');
    // The probe's check names are not the scenarios' (checkRuleOf): its checks{rule:X} cannot be
    // rebuilt, and are said to be not reported, never passed as empty Rates.
    expect(modern.stdout).toContain("n/a  checks{rule:b.fail} rate==1  [not reported by k6's summary: k6's new summary shape has no 'checks{rule:b.fail}' sub-metric; 2 check(s) cannot be attributed to a rule by name (e.g. 'a passes')]");
    expect(modern.stdout).toContain("n/a  checks{rule:c.never} rate==1");
    expect(modern.stdout).toMatch(/^rundun k6 probe: FAIL in 0.0 s \(10 thresholds, 1 crossed, 4 not reported by k6's summary\)/);
    expect(modern['out/probe.junit.xml']).toContain('failures="1" errors="4"');
    expect(modern['out/probe.junit.xml']).toMatch(/<error message="not reported by k6&apos;s summary: retry_after_slack_ms p\(99\)&lt;5000: &apos;p\(99\)&apos; of this trend is not in the summary/);
    expect(modern.stdout).toContain("n/a  retry_after_slack_ms p(99)<5000  [not reported by k6's summary:");
    expect(modern.stdout).toContain('k6 2.2.0 handed the new machine-readable summary, which carries no threshold outcomes: these were re-evaluated by the harness');
    const j = JSON.parse(modern['out/probe.summary.json'] as string);
    expect(j.summary).toEqual({ shape: 'machine-readable', k6Version: '2.2.0', formatVersion: '1.0.0', thresholdsEvaluatedBy: 'harness' });
    expect(JSON.parse(legacy['out/probe.summary.json'] as string).summary).toMatchObject({ shape: 'legacy', k6Version: null, thresholdsEvaluatedBy: 'k6' });
  });
});

describe('re-evaluating thresholds on the new shape, with k6 semantics', () => {
  const metric = (name: string, type: string, values: Record<string, number>) => ({ contains: 'default', name, type, values });
  const raw = (metrics: unknown[]) => ({ config: { duration: 2 }, metadata: { k6_version: '2.2.0' }, results: { checks: { metrics: [], results: [] }, metrics }, version: '1.0.0' });
  it.each([
    { name: 'an empty Rate passes (k6 has no rate to judge)', m: metric('r{rule:x}', 'rate', { matches: 0, rate: 0, total: 0 }), key: 'r{rule:x}', expr: 'rate==1', ok: true },
    { name: 'a Rate with samples is judged', m: metric('r', 'rate', { matches: 1, rate: 0.5, total: 2 }), key: 'r', expr: 'rate==1', ok: false },
    { name: 'an empty Counter has count 0 and is judged', m: metric('c{rule:x}', 'counter', { count: 0 }), key: 'c{rule:x}', expr: 'count>=1', ok: false },
    { name: 'a Counter count', m: metric('c', 'counter', { count: 3 }), key: 'c', expr: 'count>=1', ok: true },
    { name: "a Counter's rate (count / duration)", m: metric('c', 'counter', { count: 3 }), key: 'c', expr: 'rate<1', ok: false },
    { name: 'a Gauge value', m: metric('g', 'gauge', { max: 5, min: 1, value: 0 }), key: 'g', expr: 'value>0', ok: false },
    { name: 'a trend percentile named p95', m: metric('t', 'trend', { avg: 1, p95: 350 }), key: 't', expr: 'p(95)<300', ok: false },
    { name: 'a fractional percentile p99.9', m: metric('t', 'trend', { 'p99.9': 10 }), key: 't', expr: 'p(99.9)<300', ok: true },
    { name: 'a key written with spaces matches the sub-metric', m: metric('c{rule:x}', 'counter', { count: 2 }), key: 'c{ rule: x }', expr: 'count>=1', ok: true },
  ])('$name', ({ m, key, expr, ok }) => {
    const n = normaliseSummary(raw([m]), { thresholds: { [key]: [expr] } });
    expect(n.ok).toBe(true);
    const r = thresholdResults((n as { data: K6SummaryData }).data);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ key, expression: expr, ok, evaluatedBy: 'harness' });
    expect(r[0]?.notReported).toBeUndefined();
  });

  it.each([
    { name: 'a stat missing from the summary', m: metric('t', 'trend', { avg: 1 }), key: 't', expr: 'p(99)<300', why: /'p\(99\)' of this trend is not in the summary/ },
    { name: 'a metric missing from the summary', m: metric('t', 'trend', { avg: 1 }), key: 'other', expr: 'count>=1', why: /metric 'other' is not in the summary/ },
  ])('not reported: $name (neither passed nor failed silently)', ({ m, key, expr, why }) => {
    const n = normaliseSummary(raw([m]), { thresholds: { [key]: [expr] } });
    const data = (n as { data: K6SummaryData }).data;
    expect(thresholdResults(data)[0]).toMatchObject({ key, ok: false, notReported: expect.stringMatching(why) });
    expect(outcome(data)).toEqual({ pass: false, total: 1, crossed: 0, notReported: 1 });
    expect(toJUnit(data, { scenario: 's' })).toContain('errors="1"');
  });
});

describe('unknown summary shapes', () => {
  const cfg = readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: KEY, RUNDUN_REPORT_DIR: 'out' }, () => '');
  it.each([
    { name: '{}', raw: {}, why: /neither 'metrics' \(legacy shape\) nor 'results'/ },
    { name: '{results: 5}', raw: { results: 5 }, why: /results is a number/ },
    { name: 'null', raw: null, why: /the data is null, not an object/ },
    { name: 'undefined', raw: undefined, why: /the data is a undefined, not an object/ },
    { name: 'a string', raw: 'x', why: /a string, not an object/ },
    { name: 'an array', raw: [1], why: /an array of 1, not an object/ },
    { name: '{metrics: 5}', raw: { metrics: 5 }, why: /metrics is a number/ },
    { name: 'a legacy metric without values', raw: { metrics: { http_reqs: { type: 'counter' } } }, why: /metrics\['http_reqs'\].values is a undefined/ },
    { name: 'a legacy metric of an unknown type', raw: { metrics: { x: { type: 'histogram', values: {} } } }, why: /metrics\['x'\].type is "histogram"/ },
    { name: 'results.metrics not a list', raw: { metadata: { k6_version: '3.0.0' }, results: { metrics: {} } }, why: /results.metrics is an empty object, not a list/, version: '3.0.0' },
    { name: 'a new-shape metric without a name', raw: { results: { metrics: [{ type: 'rate', values: {} }] } }, why: /results.metrics\[0\].name is undefined/ },
    { name: 'checks.results not a list', raw: { results: { metrics: [], checks: { results: 7 } } }, why: /results.checks.results is a number/ },
  ])('$name: a clear message and the raw data written, never a TypeError', ({ raw, why, version }) => {
    const n = normaliseSummary(raw, { thresholds: PROBE_THRESHOLDS });
    expect(n).toMatchObject({ ok: false, shape: 'unknown', error: expect.stringMatching(why) });
    const leaky = raw === null || typeof raw !== 'object' || Array.isArray(raw) ? raw : { ...raw, note: KEY };
    const files = summaryFromRaw('rate-limit', cfg, leaky, PROBE_THRESHOLDS, () => {
      throw new Error('extras must not run on unknown data');
    });
    expect(Object.keys(files).sort()).toEqual(['out/rate-limit.junit.xml', 'out/rate-limit.summary-raw.json', 'out/rate-limit.summary.json', 'stdout']);
    expect(files.stdout).toMatch(
      new RegExp(`^rundun k6 rate-limit: ERROR: k6 handed handleSummary a summary shape this harness does not know \\(k6 version ${version ?? 'not stated in the data'}\\); raw data written to out/rate-limit.summary-raw.json: `),
    );
    expect(files.stdout).toMatch(why);
    expect(JSON.parse(files['out/rate-limit.summary-raw.json'] as string)).toEqual(JSON.parse(JSON.stringify(leaky ?? null).replace(KEY, 'rdk_live_…0c1d')));
    const junit = files['out/rate-limit.junit.xml'] as string;
    expect(junit.match(/<testcase /g)).toHaveLength(1);
    expect(junit).toContain('errors="1"');
    expect(junit).toMatch(/<error message="k6 handed handleSummary a summary shape this harness does not know/);
    expect(JSON.parse(files['out/rate-limit.summary.json'] as string)).toMatchObject({ pass: false, summary: { shape: 'unknown', rawFile: 'out/rate-limit.summary-raw.json' } });
    for (const [f, text] of Object.entries(files)) expect(text, f).not.toContain(KEY);
  });

  it('a scenario whose notes throw on the data still gets its reports, with the reason', () => {
    const files = summaryFromRaw('probe', cfg, fixture(NEW_220), PROBE_THRESHOLDS, () => {
      throw new TypeError('boom');
    });
    expect(files.stdout).toMatch(/^rundun k6 probe: FAIL/);
    expect(files.stdout).toContain("(the scenario's own summary notes could not be computed from this data: boom)");
  });
});

describe('check names map back to their rules (the new shape has no checks{rule:X})', () => {
  it('every scenario check name is unique and maps back to its rule', () => {
    const names = Object.values(CHECK_NAMES);
    expect(new Set(names).size).toBe(names.length);
    for (const [rule, name] of Object.entries(CHECK_NAMES)) expect(checkRuleOf(name)).toBe(rule);
    expect(checkRuleOf('ratelimit.some-rule-without-a-name')).toBe('ratelimit.some-rule-without-a-name');
    expect(checkRuleOf('a passes')).toBeUndefined();
  });
});

describe('emulator: legacy data as the new machine-readable shape', () => {
  it('turns the k6 2.2.0 legacy fixture into what the same k6 handed with K6_NEW_MACHINE_READABLE_SUMMARY=true', () => {
    const legacy = fixture(LEGACY_220) as K6SummaryData;
    const recorded = fixture(NEW_220) as { results: { metrics: Array<{ name: string; contains: string; values: Record<string, number> }> } } & Record<string, unknown>;
    const made = JSON.parse(JSON.stringify(toMachineReadableSummary(legacy, { k6Version: '2.2.0' }))) as typeof recorded;
    const shape = (o: unknown): unknown =>
      Array.isArray(o) ? o.map(shape) : o !== null && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shape(v)])) : typeof o;
    const byName = (x: typeof recorded) => Object.fromEntries(x.results.metrics.map((m) => [m.name, m]));
    // Same structure, key for key and in the same order (Go sorts map keys), metric for metric.
    const { metrics: mm, ...madeRest } = made.results;
    const { metrics: rm, ...recRest } = recorded.results;
    expect(shape({ ...made, results: madeRest })).toEqual(shape({ ...recorded, results: recRest }));
    expect(JSON.stringify(Object.keys(made))).toBe(JSON.stringify(Object.keys(recorded)));
    expect(Object.keys(byName(made)).sort()).toEqual(Object.keys(byName(recorded)).sort());
    for (const [name, m] of Object.entries(byName(recorded))) {
      const mine = byName(made)[name];
      expect(JSON.stringify(Object.keys(mine ?? {})), name).toBe(JSON.stringify(Object.keys(m)));
      expect(JSON.stringify(Object.keys(mine?.values ?? {})), name).toBe(JSON.stringify(Object.keys(m.values)));
      // Counts, rates and gauges are the same run to run; timings are not.
      if (m.contains !== 'time') expect(mine?.values, name).toEqual(m.values);
    }
    expect(mm).toHaveLength(rm.length);
    // And it reads back to the recorded outcomes.
    const n = normaliseSummary(made, { thresholds: PROBE_THRESHOLDS, checkRule: probeCheckRule });
    expect(n.ok).toBe(true);
    const back = thresholdResults((n as { data: K6SummaryData }).data).filter((r) => r.notReported === undefined);
    for (const r of back) expect(r.ok, `${r.key} ${r.expression}`).toBe(RECORDED[`${r.key} ${r.expression}`]);
  });
});
