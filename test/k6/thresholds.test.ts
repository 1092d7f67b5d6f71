import { describe, expect, it } from 'vitest';
import { aggregationFits, compare, parseThresholdExpression, parseThresholdKey } from '../../lib/k6-thresholds';

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
