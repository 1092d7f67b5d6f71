import { describe, expect, it } from 'vitest';
import { outcome, thresholdResults, toJUnit, toTextSummary, xmlEscape, type K6SummaryData } from '../../lib/k6-summary';
import { findKnee } from '../../lib/capacity';
import { readConfig } from '../../scenarios/lib/config';
import { summaryFiles } from '../../scenarios/lib/summary';

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
  const cfg = readConfig({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: KEY, RUNDUN_REPORT_DIR: 'out/' }, () => '');

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
