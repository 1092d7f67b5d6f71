import { describe, expect, it } from 'vitest';
import { mergeScenario, mergeSummaries, parseInstanceSummary, type MergedThreshold } from '../../lib/merge-summaries';
import { fromRecorded, inputs, instance, type MetricSpec } from './support';

interface Case {
  name: string;
  a: Record<string, MetricSpec>;
  b: Record<string, MetricSpec>;
  key: string;
  expression: string;
  ok: boolean;
  actual: number;
  bound: string;
  durations?: [number, number];
}

const NOW = new Date('2025-01-02T03:04:05.000Z');

function thresholdOf(thresholds: unknown, key: string, expression?: string): MergedThreshold {
  const list = thresholds as MergedThreshold[];
  const t = list.find((x) => x.key === key && (expression === undefined || x.expression === expression));
  if (!t) throw new Error(`no merged threshold ${key} ${expression ?? ''} in ${list.map((x) => `${x.key} ${x.expression}`).join('; ')}`);
  return t;
}

const counter = (count: number, thresholds: Record<string, boolean>) => ({ type: 'counter' as const, values: { count, rate: count }, thresholds });
const rate = (passes: number, fails: number, thresholds: Record<string, boolean>) => ({
  type: 'rate' as const,
  values: { rate: passes + fails === 0 ? 0 : passes / (passes + fails), passes, fails },
  thresholds,
});
const trend = (values: Record<string, number>, thresholds: Record<string, boolean>) => ({ type: 'trend' as const, contains: 'time' as const, values, thresholds });
const gauge = (value: number, thresholds: Record<string, boolean>) => ({ type: 'gauge' as const, values: { value, min: value, max: value }, thresholds });

describe('merged verdicts: every threshold re-evaluated on the combined values', () => {
  it.each<Case>([
    {
      name: 'counts that each pass count<=100 but sum to 150 fail',
      a: { 'spread_accepted{rule:ratelimit.isolation}': counter(60, { 'count<=100': true }) },
      b: { 'spread_accepted{rule:ratelimit.isolation}': counter(90, { 'count<=100': true }) },
      key: 'spread_accepted{rule:ratelimit.isolation}',
      expression: 'count<=100',
      ok: false,
      actual: 150,
      bound: 'exact',
    },
    {
      name: 'counts that each fail count>=10 but sum to 12 pass',
      a: { 'spread_sent{rule:ratelimit.isolation}': counter(6, { 'count>=10': false }) },
      b: { 'spread_sent{rule:ratelimit.isolation}': counter(6, { 'count>=10': false }) },
      key: 'spread_sent{rule:ratelimit.isolation}',
      expression: 'count>=10',
      ok: true,
      actual: 12,
      bound: 'exact',
    },
    {
      name: 'a rule check failing on one instance fails the merged rule',
      a: { 'checks{rule:ratelimit.429-status}': rate(40, 0, { 'rate==1': true }) },
      b: { 'checks{rule:ratelimit.429-status}': rate(39, 1, { 'rate==1': false }) },
      key: 'checks{rule:ratelimit.429-status}',
      expression: 'rate==1',
      ok: false,
      actual: 79 / 80,
      bound: 'exact',
    },
    {
      name: 'the honoured rate is recomputed on summed passes and fails (100 % and 80 % make 98.2 %)',
      a: { 'checks{rule:ratelimit.retry-after-honoured}': rate(100, 0, { 'rate>=0.99': true }) },
      b: { 'checks{rule:ratelimit.retry-after-honoured}': rate(8, 2, { 'rate>=0.99': false }) },
      key: 'checks{rule:ratelimit.retry-after-honoured}',
      expression: 'rate>=0.99',
      ok: false,
      actual: 108 / 110,
      bound: 'exact',
    },
    {
      name: 'an instance with an empty Rate adds nothing',
      a: { 'checks{rule:ratelimit.error-body}': rate(0, 0, { 'rate==1': true }) },
      b: { 'checks{rule:ratelimit.error-body}': rate(12, 0, { 'rate==1': true }) },
      key: 'checks{rule:ratelimit.error-body}',
      expression: 'rate==1',
      ok: true,
      actual: 1,
      bound: 'exact',
    },
    {
      name: 'an empty Counter everywhere is judged (count 0 fails count>=1)',
      a: { 'rule_verdicts{rule:ratelimit.error-body}': counter(0, { 'count>=1': false }) },
      b: { 'rule_verdicts{rule:ratelimit.error-body}': counter(0, { 'count>=1': false }) },
      key: 'rule_verdicts{rule:ratelimit.error-body}',
      expression: 'count>=1',
      ok: false,
      actual: 0,
      bound: 'exact',
    },
    {
      name: 'one instance that judged the rule is enough for count>=1 (the other owned no key)',
      a: { 'rule_verdicts{rule:ratelimit.error-body}': counter(0, { 'count>=1': false }) },
      b: { 'rule_verdicts{rule:ratelimit.error-body}': counter(3, { 'count>=1': true }) },
      key: 'rule_verdicts{rule:ratelimit.error-body}',
      expression: 'count>=1',
      ok: true,
      actual: 3,
      bound: 'exact',
    },
    {
      name: 'p(95): upper bound (the highest instance) for an upper-bound threshold',
      a: { http_req_duration: trend({ avg: 100, min: 10, med: 90, max: 500, 'p(95)': 250 }, { 'p(95)<300': true }) },
      b: { http_req_duration: trend({ avg: 150, min: 20, med: 120, max: 900, 'p(95)': 320 }, { 'p(95)<300': false }) },
      key: 'http_req_duration',
      expression: 'p(95)<300',
      ok: false,
      actual: 320,
      bound: 'upper',
    },
    {
      name: 'p(95) within the SLO on every instance passes, on the upper bound',
      a: { http_req_duration: trend({ avg: 100, min: 10, med: 90, max: 500, 'p(95)': 250 }, { 'p(95)<300': true }) },
      b: { http_req_duration: trend({ avg: 150, min: 20, med: 120, max: 900, 'p(95)': 280 }, { 'p(95)<300': true }) },
      key: 'http_req_duration',
      expression: 'p(95)<300',
      ok: true,
      actual: 280,
      bound: 'upper',
    },
    {
      name: 'p(90)>100: lower bound (the lowest instance)',
      a: { t: trend({ 'p(90)': 150 }, { 'p(90)>100': true }) },
      b: { t: trend({ 'p(90)': 90 }, { 'p(90)>100': false }) },
      key: 't',
      expression: 'p(90)>100',
      ok: false,
      actual: 90,
      bound: 'lower',
    },
    {
      name: 'med equal on every instance is exact',
      a: { t: trend({ med: 5 }, { 'med==5': true }) },
      b: { t: trend({ med: 5 }, { 'med==5': true }) },
      key: 't',
      expression: 'med==5',
      ok: true,
      actual: 5,
      bound: 'exact',
    },
    {
      name: 'med differing between instances cannot show ==',
      a: { t: trend({ med: 5 }, { 'med==5': true }) },
      b: { t: trend({ med: 6 }, { 'med==5': false }) },
      key: 't',
      expression: 'med==5',
      ok: false,
      actual: 6,
      bound: 'range',
    },
    {
      name: 'avg weighted by count when every instance has it (exact)',
      a: { t: trend({ avg: 100, count: 1 }, { 'avg<350': true }) },
      b: { t: trend({ avg: 400, count: 3 }, { 'avg<350': false }) },
      key: 't',
      expression: 'avg<350',
      ok: true,
      actual: 325,
      bound: 'exact',
    },
    {
      name: 'avg without counts: upper bound',
      a: { t: trend({ avg: 100 }, { 'avg<350': true }) },
      b: { t: trend({ avg: 400 }, { 'avg<350': false }) },
      key: 't',
      expression: 'avg<350',
      ok: false,
      actual: 400,
      bound: 'upper',
    },
    {
      name: 'trend min and max are exact',
      a: { t: trend({ min: 3, max: 50 }, { 'max<100': true, 'min>1': true }) },
      b: { t: trend({ min: 2, max: 120 }, { 'max<100': false, 'min>1': true }) },
      key: 't',
      expression: 'max<100',
      ok: false,
      actual: 120,
      bound: 'exact',
    },
    {
      name: 'gauge with > : the lowest instance',
      a: { ratelimit_estimate: gauge(19.5, { 'value>0': true }) },
      b: { ratelimit_estimate: gauge(20, { 'value>0': true }) },
      key: 'ratelimit_estimate',
      expression: 'value>0',
      ok: true,
      actual: 19.5,
      bound: 'lower',
    },
    {
      name: 'gauge with < : the highest instance',
      a: { g: gauge(19.5, { 'value<20': true }) },
      b: { g: gauge(25, { 'value<20': false }) },
      key: 'g',
      expression: 'value<20',
      ok: false,
      actual: 25,
      bound: 'upper',
    },
    {
      name: 'Counter rate: summed count / longest duration',
      a: { c: { type: 'counter' as const, values: { count: 10, rate: 10 }, thresholds: { 'rate<20': true } } },
      b: { c: { type: 'counter' as const, values: { count: 20, rate: 20 }, thresholds: { 'rate<20': false } } },
      key: 'c',
      expression: 'rate<20',
      ok: true,
      actual: 15,
      bound: 'exact',
      durations: [1000, 2000],
    },
  ])('$name', ({ a, b, key, expression, ok, actual, bound, durations }) => {
    const [da, db] = durations ?? [1000, 1000];
    const m = mergeScenario(inputs(instance('rate-limit', a, { testRunDurationMs: da }), instance('rate-limit', b, { testRunDurationMs: db })), NOW);
    const t = thresholdOf(m.report.thresholds, key, expression);
    expect(t.ok).toBe(ok);
    expect(t.actual).toBeCloseTo(actual, 10);
    expect(t.merge.bound).toBe(bound);
    expect(t.merge.perInstance.map((p) => p.file)).toEqual(['reports/i1/rate-limit.summary.json', 'reports/i2/rate-limit.summary.json']);
    expect(m.pass).toBe(ok);
    expect(m.report.pass).toBe(ok);
    const bounds = (m.report.merged as { bounds: Array<{ key: string; expression: string; bound: string }> }).bounds;
    if (bound === 'exact') expect(bounds.find((x) => x.key === key && x.expression === expression)).toBeUndefined();
    else expect(bounds).toContainEqual(expect.objectContaining({ key, expression, bound }));
  });

  it('an empty Rate on every instance passes without being judged (k6 semantics), and says so', () => {
    const m = mergeScenario(inputs(instance('x', { r: rate(0, 0, { 'rate==1': true }) }), instance('x', { r: rate(0, 0, { 'rate==1': true }) })), NOW);
    const t = thresholdOf(m.report.thresholds, 'r');
    expect(t).toMatchObject({ ok: true, noSamples: true });
    expect(t.actual).toBeUndefined();
    expect(m.text).toContain('PASS');
  });

  it('verdict accounts empty on EVERY instance: the merged run judged nothing, and fails saying so', () => {
    const idle = () => instance('rate-limit', { rundun_vus_finished: rate(0, 0, { 'rate>=0.5': true }), 'checks{rule:a}': rate(0, 0, { 'rate==1': true }) });
    const m = mergeScenario(inputs(idle(), idle()), NOW);
    expect(m.pass).toBe(false);
    expect(m.text).toMatch(/FAIL no instance ran a VU owing a verdict/);
    // One instance that judged is enough: the keyless one beside it passes.
    const busy = instance('rate-limit', { rundun_vus_finished: rate(1, 1, { 'rate>=0.5': true }), 'checks{rule:a}': rate(3, 0, { 'rate==1': true }) });
    expect(mergeScenario(inputs(idle(), busy), NOW).pass).toBe(true);
  });

  it('the conservative bound is named in the text line, the JSON notes and the JUnit properties', () => {
    const m = mergeScenario(
      inputs(
        instance('capacity', { http_req_duration: trend({ 'p(95)': 250 }, { 'p(95)<300': true }) }),
        instance('capacity', { http_req_duration: trend({ 'p(95)': 320 }, { 'p(95)<300': false }) }),
      ),
      NOW,
    );
    expect(m.text).toMatch(/^rundun merge capacity: FAIL over 2 instances \(1 thresholds, 1 crossed; 1 on conservative bounds\)/);
    expect(m.text).toContain('FAIL http_req_duration p(95)<300  [p(95)=320, upper bound; p(95) (percentiles cannot be merged exactly): upper bound, the highest of 2 instances');
    expect((m.report.notes as string[]).join('\n')).toContain('http_req_duration p(95)<300: judged on the upper bound');
    expect(m.junitXml).toContain('<property name="merge.bound" value="upper"/>');
    expect(m.junitXml).toContain('threshold crossed after merging 2 instances: http_req_duration p(95)=320, upper bound does not satisfy p(95)&lt;300');
  });

  it('a percentile missing from the summaries is bounded by every instance\'s own verdict', () => {
    const held = mergeScenario(inputs(instance('x', { t: trend({ 'p(95)': 1 }, { 'p(99)<5000': true }) }), instance('x', { t: trend({ 'p(95)': 2 }, { 'p(99)<5000': true }) })), NOW);
    expect(thresholdOf(held.report.thresholds, 't')).toMatchObject({ ok: true, merge: { bound: 'upper' } });
    const crossed = mergeScenario(inputs(instance('x', { t: trend({ 'p(95)': 1 }, { 'p(99)<5000': true }) }), instance('x', { t: trend({ 'p(95)': 2 }, { 'p(99)<5000': false }) })), NOW);
    expect(thresholdOf(crossed.report.thresholds, 't')).toMatchObject({ ok: false, merge: { bound: 'upper' } });
    expect(thresholdOf(crossed.report.thresholds, 't').merge.method).toContain('1 of 2 held');
  });
});

describe('thresholds sized per instance, and sets that differ', () => {
  it('count>=N with different N per instance becomes count>=sum(N)', () => {
    const key = 'rule_verdicts{rule:ratelimit.enforced-per-key}';
    const short = mergeScenario(inputs(instance('rate-limit', { [key]: counter(2, { 'count>=2': true }) }), instance('rate-limit', { [key]: counter(0, { 'count>=1': false }) })), NOW);
    const t = thresholdOf(short.report.thresholds, key);
    expect(t).toMatchObject({ expression: 'count>=3', ok: false, actual: 2 });
    expect(t.merge.sizedPerInstance).toEqual([
      { file: 'reports/i1/rate-limit.summary.json', expression: 'count>=2' },
      { file: 'reports/i2/rate-limit.summary.json', expression: 'count>=1' },
    ]);
    expect(t.merge.method).toContain('per-instance requirements summed (count>=2 + count>=1)');
    expect((short.report.thresholds as MergedThreshold[]).filter((x) => x.key === key)).toHaveLength(1);

    const full = mergeScenario(inputs(instance('rate-limit', { [key]: counter(2, { 'count>=2': true }) }), instance('rate-limit', { [key]: counter(1, { 'count>=1': true }) })), NOW);
    expect(thresholdOf(full.report.thresholds, key)).toMatchObject({ expression: 'count>=3', ok: true, actual: 3 });
  });

  it('an instance that owns no key (count>=0) requires nothing', () => {
    const key = 'rule_verdicts{rule:ratelimit.429-status}';
    const m = mergeScenario(inputs(instance('rate-limit', { [key]: counter(1, { 'count>=1': true }) }), instance('rate-limit', { [key]: counter(0, { 'count>=0': true }) })), NOW);
    expect(thresholdOf(m.report.thresholds, key)).toMatchObject({ expression: 'count>=1', ok: true, actual: 1 });
  });

  it('the union of threshold sets is judged, and a threshold missing from an instance is reported', () => {
    const a = instance('key-isolation', {
      'checks{rule:ratelimit.isolation}': rate(3, 0, { 'rate==1': true }),
      'spread_accepted{rule:ratelimit.isolation}': counter(40, { 'count<=44': true }),
    });
    const b = instance('key-isolation', { 'checks{rule:ratelimit.isolation}': rate(3, 0, { 'rate==1': true }) });
    const m = mergeScenario(inputs(a, b), NOW);
    const spread = thresholdOf(m.report.thresholds, 'spread_accepted{rule:ratelimit.isolation}');
    expect(spread).toMatchObject({ ok: true, actual: 40 });
    expect(spread.merge.missingFrom).toEqual(['reports/i2/key-isolation.summary.json']);
    expect(spread.merge.metricMissingFrom).toEqual(['reports/i2/key-isolation.summary.json']);
    expect((m.report.notes as string[]).join('\n')).toContain('spread_accepted{rule:ratelimit.isolation} count<=44: not defined in reports/i2/key-isolation.summary.json');
    expect(m.text).toContain('1 missing from some instance');
    expect(m.pass).toBe(true);
  });
});

describe('reports', () => {
  it('groups by scenario, sums checks and metrics, keeps the instances\' notes and details', () => {
    const results = mergeSummaries(
      inputs(
        instance('smoke', { 'checks{rule:status.200-success}': rate(5, 0, { 'rate==1': true }), http_reqs: { type: 'counter', values: { count: 5, rate: 5 } } }, {
          checks: [{ name: 'status.200-success', path: '::status.200-success', passes: 5, fails: 0 }],
          notes: ['one'],
          details: { keys: ['primary'] },
        }),
        instance('rate-limit', { 'checks{rule:ratelimit.429-status}': rate(1, 1, { 'rate==1': false }) }),
        instance('smoke', { 'checks{rule:status.200-success}': rate(4, 0, { 'rate==1': true }), http_reqs: { type: 'counter', values: { count: 4, rate: 2 } } }, {
          checks: [{ name: 'status.200-success', path: '::status.200-success', passes: 4, fails: 1 }],
          notes: ['two'],
          testRunDurationMs: 2000,
        }),
      ),
      NOW,
    );
    expect(results.map((r) => [r.scenario, r.pass])).toEqual([
      ['smoke', true],
      ['rate-limit', false],
    ]);
    const smoke = results[0]!.report;
    expect(smoke).toMatchObject({
      scenario: 'smoke',
      generatedAt: NOW.toISOString(),
      target: { baseUrl: 'http://127.0.0.1:4010/v1', source: 'fixtures' },
      testRunDurationMs: 2000,
      checks: [{ name: 'status.200-success', path: '::status.200-success', passes: 9, fails: 1 }],
      merged: { instances: 2, files: ['reports/i1/smoke.summary.json', 'reports/i3/smoke.summary.json'], bounds: [] },
    });
    expect((smoke.metrics as Record<string, { values: Record<string, number> }>).http_reqs!.values).toEqual({ count: 9, rate: 4.5 });
    expect((smoke.metrics as Record<string, { values: Record<string, number>; thresholds: unknown }>)['checks{rule:status.200-success}']).toMatchObject({
      values: { passes: 9, fails: 0, rate: 1 },
      thresholds: { 'rate==1': { ok: true } },
    });
    expect(smoke.notes).toEqual(expect.arrayContaining(['[instance 1] one', '[instance 2] two']));
    expect(smoke.details).toEqual({
      instances: [
        { file: 'reports/i1/smoke.summary.json', pass: true, details: { keys: ['primary'] } },
        { file: 'reports/i3/smoke.summary.json', pass: true, details: {} },
      ],
    });
    expect(results[0]!.junitXml).toContain('<testsuite name="k6.smoke" tests="1" failures="0"');
    expect(results[1]!.junitXml).toContain('<failure message="threshold crossed after merging 1 instances: checks{rule:ratelimit.429-status} rate=0.5 does not satisfy rate==1"');
  });

  it('the merged summary reads back as an instance summary (same format)', () => {
    const m = mergeScenario(inputs(instance('smoke', { c: counter(1, { 'count>=1': true }) }), instance('smoke', { c: counter(1, { 'count>=1': true }) })), NOW);
    const again = parseInstanceSummary(m.summaryJson, 'merged.json');
    expect(again.scenario).toBe('smoke');
    expect(again.thresholds?.[0]).toMatchObject({ key: 'c', expression: 'count>=1', ok: true, actual: 2 });
  });

  it('no API key reaches the merged reports', () => {
    const key = 'rdk_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
    const m = mergeScenario(
      inputs(
        instance('smoke', { c: counter(1, { 'count>=1': true }) }, { notes: [`leaked ${key}`], details: { header: `Bearer ${key}` }, target: { baseUrl: `http://x/${key}` } }),
        instance('smoke', { c: counter(1, { 'count>=1': true }) }, { notes: [`leaked ${key}`], target: { baseUrl: `http://x/${key}` } }),
      ),
      NOW,
    );
    for (const text of [m.summaryJson, m.junitXml, m.text]) expect(text).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345');
    expect(m.summaryJson).toContain('rdk_live_…2345');
  });

  it('an instance whose scenario differs is refused by mergeScenario', () => {
    expect(() => mergeScenario(inputs(instance('a', {}), instance('b', {})))).toThrow(/scenario 'b', expected 'a'/);
  });

  it('no thresholds at all is a FAIL that says nothing was judged', () => {
    const m = mergeScenario(inputs(instance('smoke', { http_reqs: { type: 'counter', values: { count: 1, rate: 1 } } })), NOW);
    expect(m.pass).toBe(false);
    expect(m.text).toContain('no thresholds defined');
  });
});

describe("recorded real-k6 summaries: the merge reproduces k6's own verdicts", () => {
  it.each(['summary-data.k6-1.3.0.legacy.json', 'summary-data.k6-2.2.0.legacy.json'])('%s, one instance and two copies', (file) => {
    const one = fromRecorded(file);
    const expected = (one.thresholds ?? []).map((t) => [t.key, t.expression, t.ok]);
    expect(expected.length).toBeGreaterThan(5);
    for (const n of [1, 2, 3]) {
      const m = mergeScenario(inputs(...Array.from({ length: n }, () => fromRecorded(file))), NOW);
      const got = (m.report.thresholds as MergedThreshold[]).map((t) => [t.key, t.expression, t.ok]);
      expect(got, `${n} instances`).toEqual(expected);
      expect(m.pass).toBe(false); // the probe crosses thresholds on purpose
    }
  });
});

describe('capacity: the knee recomputed on the summed stages', () => {
  const slo = { p95Ms: 300, errorRate: 0.01 };
  const withStages = (stages: Array<{ targetRps: number; requests: number; p95Ms: number; errorRate: number }>) => {
    return instance('capacity', { http_reqs: counter(1, { 'count>=0': true }) }, { details: { slo, stages: stages.map((x) => ({ ...x, seconds: 10 })) } });
  };
  it('a stage each instance held on its own share, but the whole run did not deliver, breaks', () => {
    // Stage 2: instance a delivered its 50 rps × 10 s; instance b only 300 of its 500 requests.
    const a = withStages([{ targetRps: 10, requests: 100, p95Ms: 50, errorRate: 0 }, { targetRps: 50, requests: 500, p95Ms: 80, errorRate: 0 }]);
    const b = withStages([{ targetRps: 10, requests: 100, p95Ms: 60, errorRate: 0 }, { targetRps: 50, requests: 300, p95Ms: 90, errorRate: 0 }]);
    const m = mergeScenario(inputs(a, b), NOW);
    const d = m.report.details as { kneeRps: number | null; stages: Array<{ targetRps: number; held: boolean }> };
    expect(d.stages.map((x) => [x.targetRps, x.held])).toEqual([[20, true], [100, false]]);
    expect(d.kneeRps).toBe(20);
  });
  it('judges the p95 on the highest instance p95 (upper bound)', () => {
    const a = withStages([{ targetRps: 10, requests: 100, p95Ms: 100, errorRate: 0 }]);
    const b = withStages([{ targetRps: 10, requests: 100, p95Ms: 350, errorRate: 0 }]);
    const d = mergeScenario(inputs(a, b), NOW).report.details as { stages: Array<{ held: boolean; p95Ms: number }>; p95Bound: string };
    expect(d.stages[0]).toMatchObject({ held: false, p95Ms: 350 });
    expect(d.p95Bound).toBe('upper');
  });
});
