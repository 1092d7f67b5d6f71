// The report's pure renderers, from tables of inputs: strings from a target are escaped (never
// markup), keys are redacted in every spelling, charts draw one mark per value, the knee and
// the limit are where the data puts them, and missing or broken inputs render as "not run"
// with the reason instead of crashing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport, RuleReport } from '../../conformance/report/build';
import { capacitySection } from '../../html-report/capacity';
import { conformanceSection } from '../../html-report/conformance';
import { escapeHtml, html } from '../../html-report/html';
import { K6_SCENARIOS, parseScenarioSummary, readSeriesField, type Part, type ReportInputs, type ScenarioSummary } from '../../html-report/inputs';
import { isolationSection } from '../../html-report/isolation';
import { renderReport } from '../../html-report/page';
import { rateLimitSection, windowChart } from '../../html-report/rate-limit';
import { niceTicks } from '../../html-report/svg';
import { keysFromEnvironment, loadReportInputs, writeHtmlReport } from '../../html-report/write';
import { MAX_SERIES_POINTS, readSeries, seriesSpec, windowSeries } from '../../scenarios/lib/summary';
import type { K6SummaryData } from '../../lib/k6-summary';
import { mergeScenario } from '../../lib/merge-summaries';

const KEY = 'rdk_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const B64_KEY = Buffer.from(`${KEY}:`).toString('base64').replace(/=+$/, '');

/** Markup a hostile string must never become. */
const HOSTILE: Array<[name: string, value: string, mustNotAppear: string]> = [
  ['a script tag', '<script>alert(1)</script>', '<script>'],
  ['an attribute breakout', '"><img src=x onerror=alert(1)>', '<img'],
  ['a closing svg', '</svg></figure><script src="http://evil.example/x.js"></script>', '<script'],
  ['a single-quote breakout', "' onmouseover='alert(1)", "' onmouseover"],
  ['an html comment', '<!-- --><iframe src=//x>', '<iframe'],
];

describe('escaping', () => {
  it.each(HOSTILE)('html`` escapes %s', (_n, value, bad) => {
    const out = html`<td title="${value}">${value}</td>`.text;
    expect(out).not.toContain(bad);
    expect(out.startsWith('<td title="')).toBe(true);
  });
  it.each([
    ['&', '&amp;'],
    ['<b>', '&lt;b&gt;'],
    ['a"b\'c', 'a&quot;b&#39;c'],
    ['nul\u0000bell\u0007', 'nulbell'],
  ])('escapeHtml(%j) = %j', (input, want) => expect(escapeHtml(input)).toBe(want));
  it('redacts a key in any interpolated value', () => {
    expect(html`<p>${`Bearer ${KEY}`}</p>`.text).toBe('<p>Bearer rdk_live_…2345</p>');
  });
});

function rule(over: Partial<RuleReport>): RuleReport {
  return { id: 'errors.body-shape', family: 'errors', tag: 'documented', check: 'Every 4xx has an error body.', status: 'pass', checkedBy: ['p'], heldOn: 1, failures: [], ...over };
}

function conformance(rules: RuleReport[]): ConformanceReport {
  return {
    generatedAt: '2026-01-01T00:00:00.000Z',
    target: { baseUrl: 'http://127.0.0.1:1/v1', source: 'test', keys: { primary: 'rdk_live_…2345' }, rateLimit: '20 per 1 s', simulator: true },
    overrideNotes: [],
    durationMs: 1000,
    requests: 3,
    totals: { pass: rules.filter((r) => r.status === 'pass').length, fail: rules.filter((r) => r.status === 'fail').length, skip: 0, info: 0 },
    probes: [{ id: 'p', title: 'probe', status: 'pass', requests: 3, durationMs: 5 }],
    rules,
    matrix: { operations: ['listTemplates'], statuses: [200, 401], cells: { listTemplates: { '200': { verdict: 'pass', seen: 2 }, '401': { verdict: 'fail', seen: 1 } } } },
    drift: [],
    waitedOut429: { count: 0, totalWaitMs: 0, samples: [] },
  };
}

describe('conformance section', () => {
  it.each(HOSTILE)('a failure message and evidence body carrying %s are shown as text', (_n, value, bad) => {
    const ev = { request: `GET /templates?q=${value} (key: primary)`, status: 400, headers: { 'content-type': value }, body: `{"error":"validation_failed","message":"${value}"}` };
    const out = conformanceSection(conformance([rule({ status: 'fail', failures: [{ probe: 'p', message: `server said ${value}`, evidence: [ev] }] })]), 'reports/conformance.json').text;
    expect(out).not.toContain(bad);
    expect(out).toContain(escapeHtml(`server said ${value}`));
  });

  it('a key in evidence (header, body, request, error) never appears in full', () => {
    const ev = { request: `GET /templates?api_key=${KEY} (key: primary)`, status: 401, error: `echoed ${KEY}`, headers: { 'www-authenticate': `Bearer ${KEY}` }, body: `{"message":"bad key ${KEY}"}` };
    const out = conformanceSection(conformance([rule({ status: 'fail', failures: [{ probe: 'p', message: `key ${KEY} rejected`, evidence: [ev] }] }), rule({ id: 'b', sample: ev })]), 'f').text;
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(KEY.slice(-12));
    expect(out).toContain('rdk_live_…2345');
  });

  it('the matrix has one cell per operation × status, marked by verdict', () => {
    const out = conformanceSection(conformance([rule({})]), 'f').text;
    expect(out.match(/<td class="cell /g)).toHaveLength(2);
    expect(out).toMatch(/class="cell v-pass" data-verdict="pass"[^>]*>✓<small>2<\/small>/);
    expect(out).toMatch(/class="cell v-fail" data-verdict="fail"[^>]*>✗<small>1<\/small>/);
    expect(out).toMatch(/data-section="conformance" data-verdict="pass"/);
  });
});

function summary(scenario: string, over: Record<string, unknown> = {}): Extract<Part<ScenarioSummary>, { ok: true }> {
  const p = parseScenarioSummary({ scenario, pass: true, thresholds: [], notes: [], details: {}, metrics: {}, ...over }, `reports/${scenario}.summary.json`);
  if (!p.ok) throw new Error(p.reason);
  return p;
}

const series = (points: Array<[number, number]>, bucketMs = 500, keys = 1) => ({ windowMs: 500, bucketMs, keys, points: points.map(([accepted, rejected], i) => ({ startMs: i * bucketMs, accepted, rejected })) });

describe('charts', () => {
  it.each([
    ['accepted and throttled in every window', 6, [[10, 20], [10, 20], [10, 20]]],
    ['nothing throttled', 2, [[5, 0], [5, 0]]],
    ['one window empty in the middle', 4, [[10, 5], [0, 0], [10, 5]]],
    ['no data at all', 0, [[0, 0]]],
  ] as Array<[string, number, Array<[number, number]>]>)('window chart, %s: %i marks', (_n, marks, points) => {
    const out = windowChart('w', 't', series(points), { limit: 10 }).text;
    expect(out.match(/class="mark"/g)?.length ?? 0).toBe(marks);
    expect(out).toContain('stated limit');
  });

  it('a limit the scenario discovered is not drawn as a stated one', () => {
    const out = windowChart('w', 't', series([[10, 20]]), { limit: 10, limitLabel: 'discovered limit' }).text;
    expect(out).toContain('discovered limit');
    expect(out).not.toContain('stated limit');
  });

  it('per key: the bars are the mean of the keys', () => {
    const out = windowChart('w', 't', series([[20, 40]], 500, 2), { limit: 10, perKey: true }).text;
    expect(out).toContain('<title>0 s: 10 accepted</title>');
    expect(out).toContain('<title>0 s: 20 throttled (429)</title>');
  });

  it.each([
    [1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [30, [0, 10, 20, 30]],
    [27.3, [0, 10, 20, 30]], // the top tick holds the maximum (a p95 of 27.3 ms was drawn off the chart)
    [21, [0, 5, 10, 15, 20, 25]],
    [300, [0, 100, 200, 300]],
    [0, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [Number.NaN, [0, 0.2, 0.4, 0.6, 0.8, 1]],
  ])('niceTicks(%d) = %j', (max, want) => expect(niceTicks(max)).toEqual(want));
});

describe('rate-limit section', () => {
  it('states the measured limit against the stated one, and draws the windows', () => {
    const s = summary('rate-limit', { details: { mode: 'known', limit: 10, windowMs: 500, estimate: 10.5, tolerance: 0.1, overload: 3, windows: series([[16, 14], [10, 20], [11, 19]]) } });
    const out = rateLimitSection(s, { ok: false, reason: 'k6 is not installed' }).text;
    expect(out).toContain('10 per 500 ms');
    expect(out).toContain('10.50 accepted per window in steady state = 1.05× the stated limit (allowed 9..11');
    expect(out.match(/class="mark"/g)).toHaveLength(6);
    expect(out).toContain('<h3>Retry-After</h3><p class="not-run">Not run: k6 is not installed</p>');
  });
  it.each(HOSTILE)('a note or threshold key carrying %s is escaped', (_n, value, bad) => {
    const s = summary('rate-limit', { pass: false, notes: [value], thresholds: [{ key: value, metric: 'm', tags: {}, expression: value, ok: false }] });
    expect(rateLimitSection(s, s).text).not.toContain(bad);
  });
  it('Retry-After: honoured share and tightness bars', () => {
    const s = summary('retry-after', { details: { honoured: { passes: 9, fails: 1, rate: 0.9 }, tightnessMs: { p50: 700, p95: 750, max: 800, count: 5 } }, metrics: { retry_after_seconds: { type: 'trend', values: { med: 1, max: 2 } } } });
    const out = rateLimitSection({ ok: false, reason: 'not run' }, s).text;
    expect(out).toContain('9 of 10 retries after waiting Retry-After succeeded (90 %)');
    expect(out.match(/class="mark"/g)).toHaveLength(3);
    expect(out).toContain('Retry-After p50 1 s');
  });
});

describe('capacity section', () => {
  const stage = (i: number, rps: number, p95: number, errorRate: number, held: boolean) => ({ index: i, targetRps: rps, seconds: 10, requests: rps * 10, p95Ms: p95, errorRate, held, reason: held ? 'ok' : 'p95 too high' });
  it('marks the knee at the last stage that held, broken stages hollow', () => {
    const s = summary('capacity', { pass: false, details: { knee: 2, kneeRps: 20, slo: { p95Ms: 300, errorRate: 0.01 }, stages: [stage(0, 10, 100, 0, true), stage(1, 20, 200, 0, true), stage(2, 40, 900, 0.05, false)] } });
    const out = capacitySection(s).text;
    expect(out).toContain('data-marker="knee 20 rps"');
    expect(out.match(/class="mark" data-series="p95"/g)).toHaveLength(3);
    expect(out.match(/class="mark" data-series="p95"[^>]*fill="#fff"/g)).toHaveLength(1);
    expect(out.match(/class="mark" data-series="errors"/g)).toHaveLength(3);
    expect(out).toContain('SLO p95 300 ms');
  });
  it('no stage held: no knee, said so', () => {
    const s = summary('capacity', { pass: false, details: { knee: null, kneeRps: null, slo: { p95Ms: 1, errorRate: 0.01 }, stages: [stage(0, 10, 100, 0, false)] } });
    const out = capacitySection(s).text;
    expect(out).toContain('no stage held the SLO: no knee');
    expect(out).not.toContain('data-marker');
  });
});

describe('isolation section', () => {
  it('key A throttled, bystanders untouched, on one time axis', () => {
    const s = summary('key-isolation', { details: { limit: 10, windowMs: 500, throttled: 'ratelimit', bystanders: ['secondary', 'other_org'], bystanderStartMs: 500, series: { throttled: series([[15, 15], [10, 20]]), bystanders: series([[10, 0]]) } } });
    const out = isolationSection(s).text;
    expect(out).toContain('25 accepted, 35 throttled');
    expect(out).toContain('10 accepted, 0 throttled');
    expect(out).toContain('data-chart="isolation-bystanders"');
    // The bystanders' bar starts one window in: x of 500 ms on a 1000 ms axis is the middle.
    expect(out).toMatch(/data-chart="isolation-bystanders"[\s\S]*?<rect class="mark" data-series="accepted" x="376"/);
  });
  it('a bystander throttled fails visibly', () => {
    const s = summary('key-isolation', { pass: false, details: { series: { bystanders: series([[5, 3]]) } } });
    expect(isolationSection(s).text).toMatch(/3 × 429/);
  });
});

describe('per-window series (scenarios/lib/summary.ts)', () => {
  it.each([
    // phase ms, window ms -> bucket ms, points
    [5000, 500, 500, 11],
    [10_000, 1000, 1000, 11],
    [60_000, 500, 1500, 41],
    [600_000, 1000, 11_000, 55],
    [0, 1000, 1000, 1],
  ])('seriesSpec(phase %d ms, window %d ms): %d ms per point, at most 60 points', (phase, windowMs, bucketMs, points) => {
    const s = seriesSpec('x', phase, windowMs);
    expect(s.bucketMs).toBe(bucketMs);
    expect(s.points).toBe(points);
    expect(s.points).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(s.points * s.bucketMs).toBeGreaterThanOrEqual(phase);
  });
  it('refuses a window that is not positive', () => {
    expect(() => seriesSpec('x', 1000, 0)).toThrow(/positive window/);
  });
  it('records per point, sums keys, and reads back from the summary (late sends land in the last point)', () => {
    const spec = seriesSpec('s', 1000, 500);
    const counts = new Map<string, number>();
    const rec = windowSeries(spec, (name) => ({ add: (v: number) => counts.set(name, (counts.get(name) ?? 0) + v) }));
    rec.record([{ t: 100, status: 200 }, { t: 350, status: 429 }, { t: 700, status: 200 }, { t: 720, status: 0 }, { t: 99_999, status: 429 }], 100);
    rec.record([{ t: 0, status: 201 }]);
    const data: K6SummaryData = { metrics: Object.fromEntries([...counts].map(([k, v]) => [k, { type: 'counter' as const, values: { count: v } }])) };
    expect(readSeries(data, spec)).toEqual({
      windowMs: 500,
      bucketMs: 500,
      keys: 2,
      points: [
        { startMs: 0, accepted: 2, rejected: 1 },
        { startMs: 500, accepted: 1, rejected: 0 },
        { startMs: 1000, accepted: 0, rejected: 1 },
      ],
    });
    expect(readSeries({ metrics: {} }, spec)).toBeNull();
  });
  it('the report reads a series defensively', () => {
    expect(readSeriesField(null)).toBeNull();
    expect(readSeriesField({ windowMs: 500 })).toBeNull();
    expect(readSeriesField({ windowMs: 500, bucketMs: 500, keys: 1, points: [{ startMs: 0, accepted: 'x', rejected: 2 }, { startMs: 500, accepted: 0, rejected: 0 }] })).toEqual({ windowMs: 500, bucketMs: 500, keys: 1, points: [{ startMs: 0, accepted: 0, rejected: 2 }] });
  });
});

describe('merged summaries (npm run merge)', () => {
  // Two instances of a split rate-limit run, one key each: the chart shows both keys, re-read
  // from the summed counters, not the first instance's own series.
  const instance = (accepted: number[], rejected: number[]) => {
    const metrics: Record<string, unknown> = { ratelimit_series_keys: { type: 'counter', values: { count: 1, rate: 1 } } };
    accepted.forEach((a, i) => {
      metrics[`ratelimit_series_${i}_accepted`] = { type: 'counter', values: { count: a, rate: a } };
      metrics[`ratelimit_series_${i}_rejected`] = { type: 'counter', values: { count: rejected[i], rate: rejected[i] } };
    });
    const windows = { windowMs: 500, bucketMs: 500, keys: 1, points: accepted.map((a, i) => ({ startMs: i * 500, accepted: a, rejected: rejected[i] })) };
    return { scenario: 'rate-limit', pass: true, thresholds: [], checks: [], notes: [], details: { mode: 'known', limit: 10, windowMs: 500, estimate: 10, tolerance: 0.1, windows }, testRunDurationMs: 1000, metrics };
  };
  it('re-reads the series from the summed counters and keeps the plan from the first instance', () => {
    const inputs = [instance([15, 10], [15, 20]), instance([16, 10], [14, 20])].map((summary, i) => ({ file: `i${i}.json`, summary: summary as never }));
    const merged = mergeScenario(inputs);
    const p = parseScenarioSummary(JSON.parse(merged.summaryJson), 'merged/rate-limit.summary.json');
    if (!p.ok) throw new Error(p.reason);
    expect(p.data.merged).toBe(2);
    const out = rateLimitSection(p, { ok: false, reason: 'not run' }).text;
    expect(out).toContain('10 per 500 ms');
    expect(out).toContain('2 key(s)');
    // Mean per key of the summed counts: (15 + 16) / 2 accepted in the first window.
    expect(out).toContain('<title>0 s: 15.50 accepted</title>');
    expect(out).toContain('<title>0.50 s: 20 throttled (429)</title>');
  });
});

describe('missing and broken inputs', () => {
  it('an empty reports directory: every part "not run" with the reason; k6 missing says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rundun-report-empty-'));
    try {
      const page = renderReport(loadReportInputs(dir, { k6Missing: 'k6 is not on PATH' }));
      expect(page).toMatch(/data-section="conformance" data-verdict="not-run"[\s\S]*?Not run: no \S+conformance.json: run the conformance suite/);
      for (const id of ['rate-limit', 'key-isolation', 'capacity']) expect(page, id).toMatch(new RegExp(`data-section="${id}" data-verdict="not-run"[\\s\\S]*?Not run: k6 is not installed \\(k6 is not on PATH\\)`));
      expect(page).not.toContain('data-chart');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not JSON', '{"scenario": ', /could not be read as JSON/],
    ['not an object', '[1,2]', /is not a JSON object/],
    ['not a summary', '{"hello":1}', /is not a k6 scenario summary/],
  ])('a summary file that is %s: not run, with the reason', (_n, content, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'rundun-report-bad-'));
    try {
      writeFileSync(join(dir, 'capacity.summary.json'), content);
      const inputs = loadReportInputs(dir);
      expect(inputs.k6.capacity.ok).toBe(false);
      expect(inputs.k6.capacity.ok ? '' : inputs.k6.capacity.reason).toMatch(reason);
      expect(renderReport(inputs)).toMatch(/data-section="capacity" data-verdict="not-run"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('summaries with details of the wrong types render what they can, without crashing', () => {
    const odd = summary('capacity', { details: { stages: 'many', slo: 3, kneeRps: 'x', windows: [1], series: 7 } });
    const k6 = Object.fromEntries(K6_SCENARIOS.map((n) => [n, { ...odd, data: { ...odd.data, scenario: n } }])) as ReportInputs['k6'];
    const page = renderReport({ conformance: { ok: false, reason: 'not run' }, k6, generatedAt: 'now' });
    expect(page).toContain('No stages in this summary.');
    expect(page).toContain('No per-window series in this summary');
  });

  it('keys the caller knows are redacted in any spelling, e.g. base64 of Basic auth', () => {
    const s = summary('smoke', { notes: [`Authorization: Basic ${B64_KEY}`, `secret part ${KEY.slice('rdk_live_'.length)}`] });
    const k6 = Object.fromEntries(K6_SCENARIOS.map((n) => [n, { ok: false, reason: 'not run' }])) as ReportInputs['k6'];
    const page = renderReport({ conformance: { ok: false, reason: 'x' }, k6: { ...k6, smoke: s }, generatedAt: 'now' }, { keys: [KEY] });
    expect(page).not.toContain(B64_KEY);
    expect(page).not.toContain(KEY.slice(-12));
  });
});

describe('the last redaction pass gets the keys the environment names', () => {
  const key = `rdk_live_${'Ab3dEf6h'.repeat(4)}`;
  const secret = key.slice('rdk_live_'.length);
  const fixtures = join(mkdtempSync(join(tmpdir(), 'rundun-keys-')), 'fixtures.json');
  writeFileSync(fixtures, JSON.stringify({ baseUrl: 'http://127.0.0.1:1/v1', keys: { revoked: key }, pool: [] }));
  it.each([
    { name: 'a role variable', env: { RUNDUN_API_KEY: key } },
    { name: 'the pool', env: { RUNDUN_API_KEYS: `rdk_live_${'x'.repeat(32)}, ${key}` } },
    { name: 'the fixtures file', env: { RUNDUN_FIXTURES: fixtures } },
  ])('$name', ({ env }) => {
    expect(keysFromEnvironment(env as NodeJS.ProcessEnv)).toContain(key);
  });

  it('a bare secret part and a base64 Basic credential in a summary are cut from the page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rundun-page-'));
    try {
      const basic = Buffer.from(`${key}:`).toString('base64');
      writeFileSync(join(dir, 'smoke.summary.json'), JSON.stringify({ scenario: 'smoke', pass: true, thresholds: [], notes: [`echoed ${secret}`, `Authorization: Basic ${basic}`], details: {} }));
      const page = readFileSync(writeHtmlReport(dir, { keys: keysFromEnvironment({ RUNDUN_API_KEY: key }) }), 'utf8');
      expect(page).not.toContain(secret);
      expect(page).not.toContain(basic);
      // Without the keys the pattern alone cannot know the bare secret: the pass is what cuts it.
      const without = readFileSync(writeHtmlReport(dir, {}), 'utf8');
      expect(without).toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
