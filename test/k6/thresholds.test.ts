import { describe, expect, it } from 'vitest';
import { compare, parseThresholdExpression, parseThresholdKey } from '../../lib/k6-thresholds';
import { aggregationFits } from './support/aggregations';
import { BUILTIN_METRICS, evaluate, type MetricInfo } from './support/aggregate';
import type { Sample } from './support/protocol';

describe('parseThresholdKey', () => {
  it.each([
    { key: 'http_req_duration', metric: 'http_req_duration', tags: {} },
    { key: 'checks{rule:ratelimit.enforced-per-key}', metric: 'checks', tags: { rule: 'ratelimit.enforced-per-key' } },
    { key: 'checks{rule:status.no-unprovoked-5xx}', metric: 'checks', tags: { rule: 'status.no-unprovoked-5xx' } },
    { key: 'http_req_duration{name:GET /v1/templates, status:200}', metric: 'http_req_duration', tags: { name: 'GET /v1/templates', status: '200' } },
    { key: 'my_metric{ key : "quoted" }', metric: 'my_metric', tags: { key: 'quoted' } },
  ])('$key', ({ key, metric, tags }) => {
    expect(parseThresholdKey(key)).toEqual({ metric, tags });
  });

  it.each([
    { key: 'checks{rule}', why: /'rule' is not tag:value/ },
    { key: 'checks{rule:x', why: /missing closing '}'/ },
    { key: 'checks{:x}', why: /bad tag name/ },
    { key: 'checks{rule:}', why: /bad value for tag 'rule'/ },
    { key: 'checks{a:1,a:2}', why: /tag 'a' given twice/ },
    { key: 'bad name{a:1}', why: /not a valid metric name/ },
    { key: '', why: /not a valid metric name/ },
  ])('rejects $key', ({ key, why }) => {
    expect(() => parseThresholdKey(key)).toThrow(why);
  });
});

describe('parseThresholdExpression', () => {
  it.each([
    { src: 'rate==1', agg: 'rate', op: '==', value: 1 },
    { src: 'count==0', agg: 'count', op: '==', value: 0 },
    { src: 'p(95)<300', agg: 'p(95)', op: '<', value: 300 },
    { src: ' p( 99.9 ) <= 1e3 ', agg: 'p(99.9)', op: '<=', value: 1000 },
    { src: 'avg<250.5', agg: 'avg', op: '<', value: 250.5 },
    { src: 'max<=10', agg: 'max', op: '<=', value: 10 },
    { src: 'rate>=0.99', agg: 'rate', op: '>=', value: 0.99 },
    { src: 'value!=-1', agg: 'value', op: '!=', value: -1 },
    { src: 'count===3', agg: 'count', op: '===', value: 3 },
  ])('$src', ({ src, agg, op, value }) => {
    expect(parseThresholdExpression(src)).toMatchObject({ aggregation: agg, op, value });
  });

  it.each(['rate=1', 'p(95)<', 'p95<300', 'rate==one', 'median<3', 'p(101)<1', '', 'count==0;'])('rejects %j', (src) => {
    expect(() => parseThresholdExpression(src)).toThrow(/threshold/);
  });
});

describe('aggregationFits and compare', () => {
  it.each([
    ['count', 'counter', true],
    ['rate', 'counter', true],
    ['p(95)', 'counter', false],
    ['rate', 'rate', true],
    ['count', 'rate', false],
    ['value', 'gauge', true],
    ['p(95)', 'trend', true],
    ['med', 'trend', true],
    ['rate', 'trend', false],
  ] as const)('%s on a %s metric: %s', (agg, type, fits) => {
    expect(aggregationFits(agg, type)).toBe(fits);
  });

  it.each([
    [1, '==', 1, true],
    [0.99, '>=', 0.99, true],
    [0.98, '>=', 0.99, false],
    [299.9, '<', 300, true],
    [300, '<', 300, false],
    [2, '!=', 2, false],
  ] as const)('%d %s %d is %s', (a, op, b, r) => {
    expect(compare(a, op, b)).toBe(r);
  });
});

// The emulator's end-of-test threshold evaluation must behave like k6 1.x on empty sinks
// (metrics/thresholds.go, metrics/engine/engine.go): an empty Counter has count 0 and is judged;
// an empty Rate has no rate, and a threshold without its value passes (k6 issue #4283). Tests
// that pass in the emulator must not rely on behaviour real k6 does not have.
describe('emulator thresholds on empty sinks, as k6 evaluates them', () => {
  const registry = new Map<string, MetricInfo>([...Object.entries(BUILTIN_METRICS), ['rule_verdicts', { type: 'counter', isTime: false }]]);
  const at = (metric: string, value: number, tags: Record<string, string>): Sample => ({ metric, value, tags, t: 0 });
  const judge = (thresholds: Record<string, string[]>, samples: Sample[] = []) => evaluate(registry, samples, new Map(), { thresholds }, 1000);

  it.each([
    { name: 'empty Rate: rate==1 passes (never checked)', key: 'checks{rule:a}', expr: 'rate==1', samples: [], ok: true, actual: undefined },
    { name: 'empty Rate: rate>=0.99 passes too', key: 'checks{rule:a}', expr: 'rate>=0.99', samples: [], ok: true, actual: undefined },
    { name: 'empty Rate: even rate<0 passes', key: 'checks', expr: 'rate<0', samples: [], ok: true, actual: undefined },
    { name: 'Rate with samples of another tag only: still empty, passes', key: 'checks{rule:a}', expr: 'rate==1', samples: [at('checks', 0, { rule: 'b' })], ok: true, actual: undefined },
    { name: 'Rate with one failed check: fails', key: 'checks{rule:a}', expr: 'rate==1', samples: [at('checks', 0, { rule: 'a' })], ok: false, actual: 0 },
    { name: 'empty Counter: count>=1 fails (count 0 is judged)', key: 'rule_verdicts{rule:a}', expr: 'count>=1', samples: [], ok: false, actual: 0 },
    { name: 'Counter with samples of another tag only: count 0, fails', key: 'rule_verdicts{rule:a}', expr: 'count>=1', samples: [at('rule_verdicts', 1, { rule: 'b' })], ok: false, actual: 0 },
    { name: 'Counter with a verdict: count>=1 passes', key: 'rule_verdicts{rule:a}', expr: 'count>=1', samples: [at('rule_verdicts', 1, { rule: 'a' })], ok: true, actual: 1 },
    { name: 'empty Counter: count==0 passes', key: 'dropped_iterations', expr: 'count==0', samples: [], ok: true, actual: 0 },
  ])('$name', ({ key, expr, samples, ok, actual }) => {
    const ev = judge({ [key]: [expr] }, samples);
    expect(ev.configErrors).toEqual([]);
    expect(ev.thresholds).toEqual([{ key, expression: expr, ok, actual }]);
    expect(ev.data.metrics[key]?.thresholds).toEqual({ [expr]: { ok } });
  });

  it('an empty Rate shows as 0 of 0 in the summary data (as k6 shows it), though its threshold passed', () => {
    const ev = judge({ 'checks{rule:a}': ['rate==1'] });
    expect(ev.data.metrics['checks{rule:a}']?.values).toEqual({ rate: 0, passes: 0, fails: 0 });
  });

  it('a rule nobody judged: its checks pass, its rule_verdicts count fails the run', () => {
    const ev = judge({ 'checks{rule:a}': ['rate==1'], 'rule_verdicts{rule:a}': ['count>=1'] });
    expect(ev.thresholds.map((t) => [t.key, t.ok])).toEqual([
      ['checks{rule:a}', true],
      ['rule_verdicts{rule:a}', false],
    ]);
  });
});
