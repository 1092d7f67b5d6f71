// Metrics of an emulated run: aggregation of raw samples into k6's summary values, threshold
// evaluation as k6 does it at the end of a run, and the `data` object handleSummary receives.
// Empty sinks, as k6 1.x treats them (metrics/engine/engine.go evaluates every threshold at the
// end, empty or not; metrics/thresholds.go fills the values it has): an empty Counter has
// count 0 and its thresholds are judged on it; an empty Rate has NO rate value, and
// Threshold.runNoTaint passes a threshold whose value is missing ("no samples... safe to
// ignore", k6 issue #4283), so `rate==1` on a Rate nobody added to PASSES. The summary still
// shows such a Rate as 0 % (0 of 0).
import { aggregateValue, compare, parseThresholdExpression, parseThresholdKey, thresholdSource, type ThresholdEntry } from '../../../lib/k6-thresholds';
import { aggregationFits } from './aggregations';
import type { K6Group, K6MetricSummary, K6SummaryData } from '../../../lib/k6-summary';
import { percentile } from '../../../lib/stats';
import type { MetricType, Sample } from './protocol';

export interface MetricInfo {
  type: MetricType;
  isTime: boolean;
}

/** k6's built-in metrics the emulator produces or knows. */
export const BUILTIN_METRICS: Readonly<Record<string, MetricInfo>> = {
  http_reqs: { type: 'counter', isTime: false },
  http_req_duration: { type: 'trend', isTime: true },
  http_req_waiting: { type: 'trend', isTime: true },
  http_req_blocked: { type: 'trend', isTime: true },
  http_req_connecting: { type: 'trend', isTime: true },
  http_req_sending: { type: 'trend', isTime: true },
  http_req_receiving: { type: 'trend', isTime: true },
  http_req_tls_handshaking: { type: 'trend', isTime: true },
  http_req_failed: { type: 'rate', isTime: false },
  checks: { type: 'rate', isTime: false },
  iterations: { type: 'counter', isTime: false },
  iteration_duration: { type: 'trend', isTime: true },
  dropped_iterations: { type: 'counter', isTime: false },
  vus: { type: 'gauge', isTime: false },
  vus_max: { type: 'gauge', isTime: false },
  data_sent: { type: 'counter', isTime: false },
  data_received: { type: 'counter', isTime: false },
};

export function metricValues(type: MetricType, values: readonly number[], durationMs: number, trendStats: readonly string[]): Record<string, number> {
  const n = values.length;
  switch (type) {
    case 'counter': {
      const count = values.reduce((s, v) => s + v, 0);
      return { count, rate: durationMs > 0 ? count / (durationMs / 1000) : 0 };
    }
    case 'gauge':
      return n === 0 ? { value: 0, min: 0, max: 0 } : { value: values[n - 1] as number, min: Math.min(...values), max: Math.max(...values) };
    case 'rate': {
      const passes = values.filter((v) => v !== 0).length;
      return { rate: n === 0 ? 0 : passes / n, passes, fails: n - passes };
    }
    case 'trend': {
      const out: Record<string, number> = {};
      for (const stat of trendStats) {
        if (stat === 'count') out.count = n;
        else if (n === 0) out[stat] = 0;
        else if (stat === 'avg') out.avg = values.reduce((s, v) => s + v, 0) / n;
        else if (stat === 'min') out.min = Math.min(...values);
        else if (stat === 'max') out.max = Math.max(...values);
        else if (stat === 'med') out.med = percentile(values, 50);
        else {
          const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
          if (!m) throw new Error(`summaryTrendStats: unknown stat '${stat}'`);
          out[stat] = percentile(values, Number(m[1]));
        }
      }
      return out;
    }
  }
}

export interface ThresholdOutcome {
  key: string;
  expression: string;
  ok: boolean;
  actual: number | undefined;
}

export interface Evaluation {
  data: K6SummaryData;
  thresholds: ThresholdOutcome[];
  /** A threshold on an unknown metric or with a malformed expression: k6 refuses to start. */
  configErrors: string[];
}

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

export function evaluate(
  registry: ReadonlyMap<string, MetricInfo>,
  samples: readonly Sample[],
  checks: ReadonlyMap<string, { passes: number; fails: number }>,
  options: { thresholds?: Record<string, ThresholdEntry[]>; summaryTrendStats?: string[] },
  durationMs: number,
): Evaluation {
  const trendStats = options.summaryTrendStats ?? DEFAULT_TREND_STATS;
  const byMetric = new Map<string, Sample[]>();
  for (const s of samples) {
    let list = byMetric.get(s.metric);
    if (!list) byMetric.set(s.metric, (list = []));
    list.push(s);
  }
  const metrics: Record<string, K6MetricSummary> = {};
  const summarize = (name: string, info: MetricInfo, list: readonly Sample[]): K6MetricSummary => ({
    type: info.type,
    contains: info.isTime ? 'time' : 'default',
    values: metricValues(info.type, list.map((s) => s.value), durationMs, trendStats),
  });
  for (const [name, list] of byMetric) {
    const info = registry.get(name);
    if (!info) continue;
    metrics[name] = summarize(name, info, list);
  }
  const thresholds: ThresholdOutcome[] = [];
  const configErrors: string[] = [];
  for (const [key, entries] of Object.entries(options.thresholds ?? {})) {
    let parsed;
    try {
      parsed = parseThresholdKey(key);
    } catch (e) {
      configErrors.push((e as Error).message);
      continue;
    }
    const info = registry.get(parsed.metric);
    if (!info) {
      configErrors.push(`invalid metric '${key}' in threshold definitions: metric '${parsed.metric}' does not exist in the script`);
      continue;
    }
    const list = (byMetric.get(parsed.metric) ?? []).filter((s) => Object.entries(parsed.tags).every(([k, v]) => s.tags[k] === v));
    const summary = summarize(key, info, list);
    summary.thresholds = {};
    for (const entry of entries) {
      const source = thresholdSource(entry);
      let expr;
      try {
        expr = parseThresholdExpression(source);
      } catch (e) {
        configErrors.push(`${key}: ${(e as Error).message}`);
        continue;
      }
      if (!aggregationFits(expr.aggregation, info.type)) {
        configErrors.push(`${key}: '${expr.aggregation}' is not an aggregation of a ${info.type} metric`);
        continue;
      }
      const values = info.type === 'trend' && expr.aggregation.startsWith('p(') && summary.values[expr.aggregation] === undefined
        ? { ...summary.values, ...metricValues('trend', list.map((s) => s.value), durationMs, [expr.aggregation]) }
        : summary.values;
      // k6 has no `rate` for an empty Rate sink, and a threshold without its value passes.
      const actual = info.type === 'rate' && list.length === 0 ? undefined : aggregateValue(values, expr.aggregation);
      const ok = actual === undefined || compare(actual, expr.op, expr.value);
      summary.thresholds[source] = { ok };
      thresholds.push({ key, expression: source, ok, actual });
    }
    metrics[key] = summary;
  }
  const rootGroup: K6Group = {
    name: '',
    path: '',
    id: 'd41d8cd98f00b204e9800998ecf8427e',
    groups: [],
    checks: [...checks.entries()].map(([name, c]) => ({ name, path: `::${name}`, id: name, passes: c.passes, fails: c.fails })),
  };
  return {
    data: {
      metrics,
      root_group: rootGroup,
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
      options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: true },
    },
    thresholds,
    configErrors,
  };
}

// --- The new machine-readable summary shape (k6 1.5+, K6_NEW_MACHINE_READABLE_SUMMARY=true) ---
// Modelled on test/fixtures/k6-real/summary-data.k6-2.2.0.new-machine-readable.json (k6 2.2.0,
// default summary mode): no threshold outcomes anywhere; Rates as {matches, rate, total};
// counters as {count} only; trend stats `p90` for `p(90)`; no `checks` metric and no `checks{…}`
// sub-metric: checks_total / checks_failed / checks_succeeded and the checks by name (no
// path, no id) under results.checks; the http_req_* phase trends only in full mode; object
// keys sorted as Go's encoding/json writes maps.

/** The version string the emulator puts in metadata.k6_version. */
export const EMULATED_K6_VERSION = '2.2.0-rundun-emulator';

/** Metrics k6's default (compact) summary mode leaves out of the new shape. */
const FULL_MODE_ONLY = new Set(['http_req_blocked', 'http_req_connecting', 'http_req_receiving', 'http_req_sending', 'http_req_tls_handshaking', 'http_req_waiting']);

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k] as T]));
}

function newShapeValues(m: K6MetricSummary): Record<string, number> {
  const v = m.values;
  switch (m.type) {
    case 'counter':
      return { count: v.count ?? 0 };
    case 'gauge':
      return sortedKeys({ max: v.max ?? 0, min: v.min ?? 0, value: v.value ?? 0 });
    case 'rate': {
      const matches = v.passes ?? 0;
      const total = matches + (v.fails ?? 0);
      return { matches, rate: total > 0 ? matches / total : 0, total };
    }
    case 'trend': {
      const out: Record<string, number> = {};
      for (const [k, x] of Object.entries(v)) {
        const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(k);
        out[p ? `p${p[1]}` : k] = x;
      }
      return sortedKeys(out);
    }
  }
}

function newShapeMetric(name: string, m: K6MetricSummary): Record<string, unknown> {
  return { contains: m.contains ?? 'default', name, type: m.type, values: newShapeValues(m) };
}

/** The emulator's legacy summary data in the shape k6 hands handleSummary with K6_NEW_MACHINE_READABLE_SUMMARY=true. */
export function toMachineReadableSummary(data: K6SummaryData, opts: { k6Version?: string; script?: string; generatedAt?: Date } = {}): Record<string, unknown> {
  const checks = data.root_group ? [...data.root_group.checks, ...data.root_group.groups.flatMap((g) => g.checks)] : [];
  const passes = checks.reduce((n, c) => n + c.passes, 0);
  const fails = checks.reduce((n, c) => n + c.fails, 0);
  const total = passes + fails;
  const metrics = Object.keys(data.metrics)
    .filter((name) => name !== 'checks' && !name.startsWith('checks{') && !FULL_MODE_ONLY.has(name))
    .map((name) => newShapeMetric(name, data.metrics[name] as K6MetricSummary));
  return {
    config: { duration: (data.state?.testRunDurationMs ?? 0) / 1000, execution: 'local', script: opts.script ?? '' },
    metadata: { generated_at: (opts.generatedAt ?? new Date()).toISOString(), k6_version: opts.k6Version ?? EMULATED_K6_VERSION },
    results: {
      checks: {
        metrics: [
          { contains: 'default', name: 'checks_total', type: 'counter', values: { count: total } },
          { contains: 'default', name: 'checks_failed', type: 'rate', values: { matches: fails, rate: total > 0 ? fails / total : 0, total } },
          { contains: 'default', name: 'checks_succeeded', type: 'rate', values: { matches: passes, rate: total > 0 ? passes / total : 0, total } },
        ],
        results: checks.map((c) => ({ fails: c.fails, name: c.name, passes: c.passes })),
      },
      metrics,
    },
    version: '1.0.0',
  };
}

/** k6 reads K6_NEW_MACHINE_READABLE_SUMMARY as a Go bool (strconv.ParseBool). */
export function wantsMachineReadableSummary(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(env.K6_NEW_MACHINE_READABLE_SUMMARY ?? '');
}

/** What handleSummary gets in an emulated run: the legacy data, or the new shape when the run's env asks for it, as k6 does. */
export function summaryDataFor(data: K6SummaryData, env: Readonly<Record<string, string | undefined>>): unknown {
  return wantsMachineReadableSummary(env) ? toMachineReadableSummary(data) : data;
}
