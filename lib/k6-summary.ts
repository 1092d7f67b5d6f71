// Converters from the data k6 passes to handleSummary() to the harness's reports: a JUnit XML
// with one test case per threshold, a compact text summary, and a list of threshold results.
// Pure and engine-agnostic: the k6 scenarios call them in handleSummary, vitest tests them with
// recorded or synthetic summary data. Nothing here can see an API key unless a caller puts one
// in; callers still pass the result through redactSecrets as a last line of defence.
import { aggregateValue, compare, parseThresholdExpression, parseThresholdKey, thresholdSource, type ThresholdEntry } from './k6-thresholds';

export interface K6MetricSummary {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: 'default' | 'time' | 'data';
  values: Record<string, number>;
  /** Per expression: k6's outcome (legacy shape), or the harness's re-evaluation (new shape). */
  thresholds?: Record<string, ThresholdOutcome>;
  /** How the harness built this entry when k6's summary did not carry it as such. */
  derived?: string;
}

export interface ThresholdOutcome {
  ok: boolean;
  /** Set when the harness, not k6, evaluated the threshold (the new machine-readable shape). */
  evaluatedBy?: 'harness';
  /** Set when k6's summary lacks the value the threshold needs: the harness could not judge it. */
  notReported?: string;
}

export interface K6Check {
  name: string;
  path?: string;
  id?: string;
  passes: number;
  fails: number;
}

export interface K6Group {
  name: string;
  path?: string;
  id?: string;
  groups: K6Group[];
  checks: K6Check[];
}

/** The subset of handleSummary's `data` the converters read (k6 1.x "legacy" summary data). */
export interface K6SummaryData {
  metrics: Record<string, K6MetricSummary>;
  root_group?: K6Group;
  state?: { testRunDurationMs?: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
  options?: Record<string, unknown>;
  /** Which shape k6 handed handleSummary and from which k6 (set by normaliseSummary). */
  source?: SummarySource;
  /**
   * Thresholds of options.thresholds on a metric k6's summary does not carry at all (new shape):
   * key -> expression -> outcome (always notReported). thresholdResults lists them too.
   */
  thresholdsNotInSummary?: Record<string, Record<string, ThresholdOutcome>>;
}

export type SummaryShape = 'legacy' | 'machine-readable' | 'unknown';

export interface SummarySource {
  shape: 'legacy' | 'machine-readable';
  /** metadata.k6_version of the new shape; the legacy shape does not say. */
  k6Version?: string;
  /** The new shape's own `version` field (e.g. '1.0.0'). */
  formatVersion?: string;
  /** Who decided the threshold outcomes in this data. */
  thresholdsEvaluatedBy: 'k6' | 'harness';
}

export interface ThresholdResult {
  /** Threshold key as written in options, e.g. 'checks{rule:ratelimit.enforced-per-key}'. */
  key: string;
  metric: string;
  tags: Record<string, string>;
  /** Contract rule id when the key filters on a `rule` tag. */
  rule?: string;
  expression: string;
  ok: boolean;
  /** The aggregate the expression reads (e.g. rate for 'rate==1'), when known. */
  aggregation?: string;
  actual?: number;
  /**
   * A Rate with no samples: k6 has no rate to judge and passes the threshold without judging
   * anything (the summary shows 0 %). The scenarios' verdict accounts cover it (rundun_vus_finished).
   */
  noSamples?: true;
  /** The harness re-evaluated it from options.thresholds (k6's new summary shape has no outcomes). */
  evaluatedBy?: 'harness';
  /** k6's summary lacks the value this threshold needs (e.g. p(99) not in summaryTrendStats). */
  notReported?: string;
}

/** Every threshold in the summary, in a stable order (key, then expression). */
export function thresholdResults(data: K6SummaryData): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  const missing = data.thresholdsNotInSummary ?? {};
  const keys = [...new Set([...Object.keys(data.metrics), ...Object.keys(missing)])].sort();
  for (const key of keys) {
    const m: Pick<K6MetricSummary, 'type' | 'values' | 'thresholds'> = data.metrics[key] ?? { type: 'counter', values: {}, thresholds: missing[key] ?? {} };
    if (!m.thresholds) continue;
    let metric = key;
    let tags: Record<string, string> = {};
    try {
      ({ metric, tags } = parseThresholdKey(key));
    } catch {
      // Keep the raw key: the report must still list the threshold.
    }
    const emptyRate = m.type === 'rate' && m.values.passes === 0 && m.values.fails === 0;
    for (const expression of Object.keys(m.thresholds).sort()) {
      const t = m.thresholds[expression];
      const r: ThresholdResult = { key, metric, tags, expression, ok: t?.ok === true };
      if (tags.rule !== undefined) r.rule = tags.rule;
      if (emptyRate) r.noSamples = true;
      if (t?.evaluatedBy) r.evaluatedBy = t.evaluatedBy;
      if (t?.notReported !== undefined) r.notReported = t.notReported;
      try {
        const e = parseThresholdExpression(expression);
        r.aggregation = e.aggregation;
        const actual = emptyRate ? undefined : aggregateValue(m.values, e.aggregation);
        if (actual !== undefined) r.actual = actual;
      } catch {
        // An expression we cannot parse is still reported, just without its value.
      }
      out.push(r);
    }
  }
  return out;
}

/** All checks of the root group and its subgroups, flattened. */
export function allChecks(group: K6Group | undefined): K6Check[] {
  if (!group) return [];
  return [...group.checks, ...group.groups.flatMap((g) => allChecks(g))];
}

export function fmtNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(Math.abs(n) >= 100 ? 1 : 3)));
}

function describeActual(r: ThresholdResult): string {
  if (r.notReported !== undefined) return `not reported by k6's summary: ${r.notReported}`;
  if (r.noSamples) return 'no samples: not judged';
  return r.aggregation !== undefined && r.actual !== undefined ? `${r.aggregation}=${fmtNumber(r.actual)}` : 'value unknown';
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML 1.0 text/attribute escaping; control characters XML cannot carry are dropped. */
export function xmlEscape(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);
}

export interface JUnitOptions {
  /** Scenario name, e.g. 'rate-limit': the suite name and the test cases' classname. */
  scenario: string;
  /** ISO timestamp for the suite (optional; callers pass new Date().toISOString()). */
  timestamp?: string;
}

/** JUnit XML: one testsuite per scenario, one testcase per threshold, <failure> when crossed. */
export function toJUnit(data: K6SummaryData, opts: JUnitOptions): string {
  const results = thresholdResults(data);
  const failures = results.filter((r) => !r.ok && r.notReported === undefined).length;
  const errors = results.filter((r) => r.notReported !== undefined).length;
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(3);
  const suite = xmlEscape(`k6.${opts.scenario}`);
  const ts = opts.timestamp ? ` timestamp="${xmlEscape(opts.timestamp)}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rundun k6" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds}"${ts}>`,
  ];
  for (const r of results) {
    const name = xmlEscape(`${r.key} ${r.expression}`);
    const propList = [
      ...(r.rule ? [`<property name="rule" value="${xmlEscape(r.rule)}"/>`] : []),
      ...(r.evaluatedBy ? [`<property name="evaluatedBy" value="${xmlEscape(r.evaluatedBy)}"/>`] : []),
    ];
    const props = propList.length > 0 ? `\n      <properties>${propList.join('')}</properties>` : '';
    if (r.notReported !== undefined) {
      const msg = xmlEscape(`not reported by k6's summary: ${r.key} ${r.expression}: ${r.notReported}; k6's exit code has k6's own verdict`);
      lines.push(`    <testcase classname="${suite}" name="${name}" time="0">${props}`);
      lines.push(`      <error message="${msg}" type="not-reported">${msg}</error>`);
      lines.push('    </testcase>');
    } else if (r.ok) {
      lines.push(`    <testcase classname="${suite}" name="${name}" time="0">${props}${props ? '\n    ' : ''}</testcase>`);
    } else {
      const msg = xmlEscape(`threshold crossed: ${r.key} ${describeActual(r)} does not satisfy ${r.expression}`);
      lines.push(`    <testcase classname="${suite}" name="${name}" time="0">${props}`);
      lines.push(`      <failure message="${msg}" type="threshold">${msg}${r.rule ? xmlEscape(` (contract rule ${r.rule})`) : ''}</failure>`);
      lines.push('    </testcase>');
    }
  }
  if (results.length === 0) {
    // A run without thresholds proves nothing: say so in the report instead of an empty, green suite.
    lines.push(`    <testcase classname="${suite}" name="no thresholds defined" time="0"><skipped message="the scenario defined no thresholds"/></testcase>`);
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

export interface TextSummaryOptions {
  scenario: string;
  /** Extra lines (verdict notes, the knee, the limit estimate), printed after the thresholds. */
  notes?: string[];
  /** Metrics to show besides the thresholds' own (default: a few HTTP ones). */
  metrics?: string[];
}

const DEFAULT_METRICS = ['http_reqs', 'http_req_duration', 'http_req_failed', 'iterations', 'dropped_iterations'];

function metricLine(name: string, m: K6MetricSummary): string {
  const v = m.values;
  const unit = m.contains === 'time' ? ' ms' : '';
  switch (m.type) {
    case 'counter':
      return `${name}: ${fmtNumber(v.count)} (${fmtNumber(v.rate)}/s)`;
    case 'gauge':
      return `${name}: ${fmtNumber(v.value)}${unit}`;
    case 'rate':
      return `${name}: ${fmtNumber((v.rate ?? 0) * 100)} % (${fmtNumber(v.passes)} of ${fmtNumber((v.passes ?? 0) + (v.fails ?? 0))})`;
    case 'trend': {
      const parts = ['avg', 'med', 'p(95)', 'max'].filter((k) => v[k] !== undefined).map((k) => `${k}=${fmtNumber(v[k])}`);
      return `${name}: ${parts.join(' ')}${unit}`;
    }
  }
}

/** Overall outcome: PASS when every threshold held, FAIL otherwise (and when there are none). */
export function outcome(data: K6SummaryData): { pass: boolean; total: number; crossed: number; notReported?: number } {
  const results = thresholdResults(data);
  const notReported = results.filter((r) => r.notReported !== undefined).length;
  const crossed = results.filter((r) => !r.ok && r.notReported === undefined).length;
  // A threshold the harness could not judge is not a pass: PASS needs every one judged and held.
  const o = { pass: results.length > 0 && crossed === 0 && notReported === 0, total: results.length, crossed };
  return notReported > 0 ? { ...o, notReported } : o;
}

/** A compact, plain-text end-of-test summary (what handleSummary prints to stdout). */
export function toTextSummary(data: K6SummaryData, opts: TextSummaryOptions): string {
  const results = thresholdResults(data);
  const o = outcome(data);
  const secs = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(1);
  const lines = [
    `rundun k6 ${opts.scenario}: ${o.pass ? 'PASS' : 'FAIL'} in ${secs} s (${o.total} thresholds, ${o.crossed} crossed${o.notReported ? `, ${o.notReported} not reported by k6's summary` : ''})`,
  ];
  const src = data.source;
  if (src?.thresholdsEvaluatedBy === 'harness') {
    lines.push(
      `  (k6${src.k6Version ? ` ${src.k6Version}` : ''} handed the new machine-readable summary, which carries no threshold outcomes: these were re-evaluated by the harness from options.thresholds; k6's exit code is k6's own verdict)`,
    );
  }
  if (results.length === 0) lines.push('  (no thresholds defined: nothing was judged)');
  for (const r of results) {
    lines.push(`  ${r.notReported !== undefined ? 'n/a ' : r.ok ? 'ok  ' : 'FAIL'} ${r.key} ${r.expression}  [${describeActual(r)}]`);
  }
  const checks = allChecks(data.root_group);
  if (checks.length > 0) {
    lines.push('checks:');
    for (const c of checks) lines.push(`  ${c.fails === 0 ? 'ok  ' : 'FAIL'} ${c.name}: ${c.passes} passed, ${c.fails} failed`);
  }
  const names = opts.metrics ?? DEFAULT_METRICS;
  const shown = names.filter((n) => data.metrics[n] !== undefined);
  if (shown.length > 0) {
    lines.push('metrics:');
    for (const n of shown) lines.push(`  ${metricLine(n, data.metrics[n] as K6MetricSummary)}`);
  }
  for (const note of opts.notes ?? []) lines.push(note);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The shapes k6 1.3 .. 2.x hand to handleSummary, normalised to K6SummaryData.
//
// - legacy (the default up to at least 2.2.0): `{metrics: {name: {type, contains, values,
//   thresholds?}}, root_group, state, options}`; k6's own threshold outcomes are in
//   `metrics[key].thresholds[expr].ok`.
// - machine-readable (K6_NEW_MACHINE_READABLE_SUMMARY=true / --new-machine-readable-summary,
//   opt-in since 1.5): `{config: {duration (s), script, ...}, metadata: {k6_version,
//   generated_at}, results: {checks: {metrics: [checks_total, checks_failed, checks_succeeded],
//   results: [{name, passes, fails}]}, metrics: [{name, type, contains, values}]}, version}`.
//   It carries NO threshold outcomes, Rates are {matches, rate, total}, trend stats are `p90`
//   (not `p(90)`), counters have no `rate`, and there is no `checks` metric and no `checks{…}`
//   sub-metric (checks are listed by name only). The outcomes are therefore re-evaluated here
//   from the script's options.thresholds, with k6's semantics (metrics/thresholds.go): a Rate
//   with no samples has no `rate` and its thresholds pass; an empty Counter has count 0 and is
//   judged. `checks{rule:X}` is rebuilt from the check results by name when the caller says
//   which rule a check name belongs to (checkRule). A threshold whose value the summary lacks is
//   marked notReported, never passed or failed silently.
// ---------------------------------------------------------------------------------------------

export type ThresholdOptions = Readonly<Record<string, readonly ThresholdEntry[]>>;

export interface NormaliseOptions {
  /** The script's options.thresholds: the new shape's outcomes are re-evaluated from them. */
  thresholds?: ThresholdOptions;
  /** The contract rule a check name records (new shape: rebuilds `checks{rule:X}` from the check results). */
  checkRule?: (checkName: string) => string | undefined;
}

export type NormalisedSummary =
  | { ok: true; shape: 'legacy' | 'machine-readable'; data: K6SummaryData }
  | { ok: false; shape: 'unknown'; error: string; k6Version?: string };

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const METRIC_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'rate', 'trend']);
const CONTAINS: ReadonlySet<string> = new Set(['default', 'time', 'data']);

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isRecord(v)) {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`;
  }
  return `a ${typeof v}`;
}

function numbers(v: unknown): Record<string, number> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
  return out;
}

/** Why `m` is not a legacy metric entry, or undefined when it is one. */
function legacyMetricProblem(name: string, m: unknown): string | undefined {
  if (!isRecord(m)) return `metrics['${name}'] is ${describeValue(m)}`;
  if (typeof m.type !== 'string' || !METRIC_TYPES.has(m.type)) return `metrics['${name}'].type is ${JSON.stringify(m.type)}`;
  if (!isRecord(m.values)) return `metrics['${name}'].values is ${describeValue(m.values)}`;
  if (m.thresholds !== undefined && !isRecord(m.thresholds)) return `metrics['${name}'].thresholds is ${describeValue(m.thresholds)}`;
  return undefined;
}

function newMetricProblem(where: string, m: unknown): string | undefined {
  if (!isRecord(m)) return `${where} is ${describeValue(m)}`;
  if (typeof m.name !== 'string' || m.name === '') return `${where}.name is ${JSON.stringify(m.name)}`;
  if (typeof m.type !== 'string' || !METRIC_TYPES.has(m.type)) return `${where} ('${m.name}').type is ${JSON.stringify(m.type)}`;
  if (!isRecord(m.values)) return `${where} ('${m.name}').values is ${describeValue(m.values)}`;
  return undefined;
}

/** Which summary shape `raw` is; for 'unknown', why. Never throws. */
export function detectSummaryShape(raw: unknown): { shape: SummaryShape; reason?: string } {
  if (!isRecord(raw)) return { shape: 'unknown', reason: `the data is ${describeValue(raw)}, not an object` };
  if (raw.results !== undefined || raw.metadata !== undefined) {
    const results = raw.results;
    if (!isRecord(results)) return { shape: 'unknown', reason: `results is ${describeValue(results)}, not an object with a metrics list` };
    if (!Array.isArray(results.metrics)) return { shape: 'unknown', reason: `results.metrics is ${describeValue(results.metrics)}, not a list` };
    for (const [i, m] of results.metrics.entries()) {
      const p = newMetricProblem(`results.metrics[${i}]`, m);
      if (p) return { shape: 'unknown', reason: p };
    }
    if (results.checks !== undefined) {
      if (!isRecord(results.checks)) return { shape: 'unknown', reason: `results.checks is ${describeValue(results.checks)}` };
      const cm = results.checks.metrics;
      if (cm !== undefined && !Array.isArray(cm)) return { shape: 'unknown', reason: `results.checks.metrics is ${describeValue(cm)}, not a list` };
      for (const [i, m] of (cm ?? []).entries()) {
        const p = newMetricProblem(`results.checks.metrics[${i}]`, m);
        if (p) return { shape: 'unknown', reason: p };
      }
      const cr = results.checks.results;
      if (cr !== undefined && !Array.isArray(cr)) return { shape: 'unknown', reason: `results.checks.results is ${describeValue(cr)}, not a list` };
    }
    return { shape: 'machine-readable' };
  }
  if (raw.metrics !== undefined) {
    if (!isRecord(raw.metrics)) return { shape: 'unknown', reason: `metrics is ${describeValue(raw.metrics)}, not an object of metrics` };
    for (const [name, m] of Object.entries(raw.metrics)) {
      const p = legacyMetricProblem(name, m);
      if (p) return { shape: 'unknown', reason: p };
    }
    return { shape: 'legacy' };
  }
  return { shape: 'unknown', reason: `neither 'metrics' (legacy shape) nor 'results' (machine-readable shape) is there: the data is ${describeValue(raw)}` };
}

/** The k6 version a summary says it came from (only the new shape says), or undefined. */
export function summaryK6Version(raw: unknown): string | undefined {
  if (!isRecord(raw) || !isRecord(raw.metadata)) return undefined;
  const v = raw.metadata.k6_version;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function toCheck(c: unknown): K6Check | undefined {
  if (!isRecord(c) || typeof c.name !== 'string') return undefined;
  const out: K6Check = { name: c.name, passes: typeof c.passes === 'number' ? c.passes : 0, fails: typeof c.fails === 'number' ? c.fails : 0 };
  if (typeof c.path === 'string') out.path = c.path;
  if (typeof c.id === 'string') out.id = c.id;
  return out;
}

function legacyGroup(g: unknown, depth = 0): K6Group | undefined {
  if (!isRecord(g) || depth > 32) return undefined;
  const out: K6Group = {
    name: typeof g.name === 'string' ? g.name : '',
    groups: Array.isArray(g.groups) ? g.groups.map((x) => legacyGroup(x, depth + 1)).filter((x): x is K6Group => x !== undefined) : [],
    checks: Array.isArray(g.checks) ? g.checks.map(toCheck).filter((x): x is K6Check => x !== undefined) : [],
  };
  if (typeof g.path === 'string') out.path = g.path;
  if (typeof g.id === 'string') out.id = g.id;
  return out;
}

/** A new-shape group ({checks: {results}, groups}), as far as it is there. */
function newGroup(name: string, g: unknown, depth = 0): K6Group {
  const r = isRecord(g) ? g : {};
  const checks = isRecord(r.checks) && Array.isArray(r.checks.results) ? r.checks.results.map(toCheck).filter((x): x is K6Check => x !== undefined) : [];
  const groups: K6Group[] = [];
  if (depth < 32) {
    if (isRecord(r.groups)) for (const [n, sub] of Object.entries(r.groups)) groups.push(newGroup(n, sub, depth + 1));
    else if (Array.isArray(r.groups)) for (const sub of r.groups) groups.push(newGroup(isRecord(sub) && typeof sub.name === 'string' ? sub.name : '', sub, depth + 1));
  }
  return { name, groups, checks };
}

const NEW_PERCENTILE = /^p(\d+(?:\.\d+)?)$/;

/** One new-shape metric's values in legacy names. */
function legacyValues(type: string, v: Record<string, number>, durationS: number | undefined): { values: Record<string, number>; derived?: string } {
  switch (type) {
    case 'rate': {
      if (v.matches === undefined && v.passes !== undefined) return { values: v };
      const total = v.total ?? 0;
      const passes = v.matches ?? 0;
      return { values: { rate: v.rate ?? (total > 0 ? passes / total : 0), passes, fails: Math.max(0, total - passes) } };
    }
    case 'trend': {
      const out: Record<string, number> = {};
      for (const [k, x] of Object.entries(v)) {
        const m = NEW_PERCENTILE.exec(k);
        out[m ? `p(${Number(m[1])})` : k] = x;
      }
      return { values: out };
    }
    case 'counter': {
      if (v.rate !== undefined || v.count === undefined || !(durationS !== undefined && durationS > 0)) return { values: v };
      return { values: { ...v, rate: v.count / durationS }, derived: 'rate = count / test duration (the new summary shape gives counters no rate)' };
    }
    default:
      return { values: v };
  }
}

function canonicalKey(metric: string, tags: Record<string, string>): string {
  const t = Object.keys(tags).sort().map((k) => `${k}:${tags[k]}`);
  return t.length === 0 ? metric : `${metric}{${t.join(',')}}`;
}

function tryParseKey(key: string): { metric: string; tags: Record<string, string> } | undefined {
  try {
    return parseThresholdKey(key);
  } catch {
    return undefined;
  }
}

/** k6's outcome for one threshold on one metric summary, as metrics/thresholds.go decides it. */
function evaluateThreshold(m: K6MetricSummary, source: string): ThresholdOutcome {
  let expr;
  try {
    expr = parseThresholdExpression(source);
  } catch (e) {
    return { ok: false, evaluatedBy: 'harness', notReported: `the expression cannot be read (${(e as Error).message})` };
  }
  // An empty Rate has no `rate` in k6: its thresholds are skipped, i.e. pass (k6 issue #4283).
  if (m.type === 'rate' && (m.values.passes ?? 0) + (m.values.fails ?? 0) === 0) return { ok: true, evaluatedBy: 'harness' };
  const actual = aggregateValue(m.values, expr.aggregation);
  if (actual === undefined) {
    const hint = m.type === 'trend' ? ` (add '${expr.aggregation}' to summaryTrendStats)` : '';
    return { ok: false, evaluatedBy: 'harness', notReported: `'${expr.aggregation}' of this ${m.type} is not in the summary${hint}` };
  }
  return { ok: compare(actual, expr.op, expr.value), evaluatedBy: 'harness' };
}

function normaliseMachineReadable(raw: Rec, opts: NormaliseOptions): K6SummaryData {
  const config = isRecord(raw.config) ? raw.config : {};
  const durationS = typeof config.duration === 'number' ? config.duration : undefined;
  const results = raw.results as Rec;
  const checksSection = isRecord(results.checks) ? results.checks : {};
  const metrics: Record<string, K6MetricSummary> = {};
  const add = (entry: Rec): void => {
    const type = entry.type as K6MetricSummary['type'];
    const { values, derived } = legacyValues(type, numbers(entry.values) ?? {}, durationS);
    const m: K6MetricSummary = { type, values };
    if (typeof entry.contains === 'string' && CONTAINS.has(entry.contains)) m.contains = entry.contains as NonNullable<K6MetricSummary['contains']>;
    if (derived) m.derived = derived;
    metrics[entry.name as string] = m;
  };
  for (const e of results.metrics as Rec[]) add(e);
  for (const e of (Array.isArray(checksSection.metrics) ? checksSection.metrics : []) as Rec[]) add(e);
  const rootChecks = Array.isArray(checksSection.results) ? checksSection.results.map(toCheck).filter((x): x is K6Check => x !== undefined) : [];
  const root: K6Group = { name: '', groups: newGroup('', { groups: results.groups }).groups, checks: rootChecks };
  const every = allChecks(root);
  // The legacy `checks` Rate, from checks_succeeded (or the check results).
  if (metrics.checks === undefined) {
    const ok = metrics.checks_succeeded;
    if (ok && ok.type === 'rate') {
      metrics.checks = { type: 'rate', contains: 'default', values: { ...ok.values }, derived: 'checks = checks_succeeded of the new summary shape' };
    } else if (every.length > 0) {
      const passes = every.reduce((n, c) => n + c.passes, 0);
      const fails = every.reduce((n, c) => n + c.fails, 0);
      metrics.checks = { type: 'rate', contains: 'default', values: { rate: passes + fails > 0 ? passes / (passes + fails) : 0, passes, fails }, derived: 'checks = sum of the check results' };
    }
  }
  const byCanonical = new Map<string, string>();
  for (const name of Object.keys(metrics)) {
    const p = tryParseKey(name);
    if (p) byCanonical.set(canonicalKey(p.metric, p.tags), name);
  }
  const unattributed = opts.checkRule ? every.filter((c) => opts.checkRule?.(c.name) === undefined) : every;
  const unattributedNote =
    unattributed.length === 0 ? '' : `; ${unattributed.length} check(s) cannot be attributed to a rule by name (e.g. '${unattributed[0]?.name}')`;
  const notInSummary: Record<string, Record<string, ThresholdOutcome>> = {};
  for (const [key, entries] of Object.entries(opts.thresholds ?? {})) {
    const parsed = tryParseKey(key);
    let m = metrics[key];
    if (m === undefined && parsed) {
      const other = byCanonical.get(canonicalKey(parsed.metric, parsed.tags));
      if (other !== undefined && metrics[other]) {
        m = metrics[other];
        delete metrics[other];
        metrics[key] = m;
      }
    }
    // A check no rule can be claimed for might belong to any rule: then no checks{rule:X} can be rebuilt.
    if (m === undefined && parsed && parsed.metric === 'checks' && opts.checkRule && unattributed.length === 0) {
      const tagNames = Object.keys(parsed.tags);
      const rule = parsed.tags.rule;
      if (tagNames.length === 1 && rule !== undefined) {
        const mine = every.filter((c) => opts.checkRule?.(c.name) === rule);
        const passes = mine.reduce((n, c) => n + c.passes, 0);
        const fails = mine.reduce((n, c) => n + c.fails, 0);
        m = {
          type: 'rate',
          contains: 'default',
          values: { rate: passes + fails > 0 ? passes / (passes + fails) : 0, passes, fails },
          derived: `rebuilt from the check results named for rule ${rule} (the new summary shape has no checks{…} sub-metrics)`,
        };
        metrics[key] = m;
      }
    }
    for (const entry of entries) {
      const source = thresholdSource(entry);
      if (m === undefined) {
        (notInSummary[key] ??= {})[source] = {
          ok: false,
          evaluatedBy: 'harness',
          notReported: parsed?.metric === 'checks' ? `k6's new summary shape has no '${key}' sub-metric${unattributedNote}` : `metric '${key}' is not in the summary`,
        };
        continue;
      }
      (m.thresholds ??= {})[source] = evaluateThreshold(m, source);
    }
  }
  const data: K6SummaryData = { metrics, root_group: root, source: { shape: 'machine-readable', thresholdsEvaluatedBy: 'harness' } };
  if (durationS !== undefined) data.state = { testRunDurationMs: durationS * 1000 };
  const version = summaryK6Version(raw);
  if (version !== undefined && data.source) data.source.k6Version = version;
  if (typeof raw.version === 'string' && data.source) data.source.formatVersion = raw.version;
  if (Object.keys(notInSummary).length > 0) data.thresholdsNotInSummary = notInSummary;
  return data;
}

function normaliseLegacy(raw: Rec): K6SummaryData {
  const metrics: Record<string, K6MetricSummary> = {};
  for (const [name, x] of Object.entries(raw.metrics as Rec)) {
    const e = x as Rec;
    const m: K6MetricSummary = { type: e.type as K6MetricSummary['type'], values: numbers(e.values) ?? {} };
    if (typeof e.contains === 'string' && CONTAINS.has(e.contains)) m.contains = e.contains as NonNullable<K6MetricSummary['contains']>;
    if (isRecord(e.thresholds)) {
      m.thresholds = {};
      for (const [expr, t] of Object.entries(e.thresholds)) m.thresholds[expr] = { ok: isRecord(t) && t.ok === true };
    }
    metrics[name] = m;
  }
  const data: K6SummaryData = { metrics, source: { shape: 'legacy', thresholdsEvaluatedBy: 'k6' } };
  const root = legacyGroup(raw.root_group);
  if (root) data.root_group = root;
  if (isRecord(raw.state)) {
    const st: NonNullable<K6SummaryData['state']> = {};
    if (typeof raw.state.testRunDurationMs === 'number') st.testRunDurationMs = raw.state.testRunDurationMs;
    if (typeof raw.state.isStdOutTTY === 'boolean') st.isStdOutTTY = raw.state.isStdOutTTY;
    if (typeof raw.state.isStdErrTTY === 'boolean') st.isStdErrTTY = raw.state.isStdErrTTY;
    data.state = st;
  }
  if (isRecord(raw.options)) data.options = raw.options;
  return data;
}

/**
 * Either shape k6 1.3 .. 2.x hands handleSummary, as the legacy-like K6SummaryData the
 * converters read (with `source` saying which shape and k6 it came from). Unknown data gives
 * { ok: false, error } with a readable reason. Never throws.
 */
export function normaliseSummary(raw: unknown, opts: NormaliseOptions = {}): NormalisedSummary {
  const version = summaryK6Version(raw);
  try {
    const d = detectSummaryShape(raw);
    if (d.shape === 'legacy') return { ok: true, shape: 'legacy', data: normaliseLegacy(raw as Rec) };
    if (d.shape === 'machine-readable') return { ok: true, shape: 'machine-readable', data: normaliseMachineReadable(raw as Rec, opts) };
    return { ok: false, shape: 'unknown', error: d.reason ?? 'unrecognised data', ...(version !== undefined ? { k6Version: version } : {}) };
  } catch (e) {
    // Defence in depth: detection should have caught anything the normalisers cannot read.
    return { ok: false, shape: 'unknown', error: `could not read the data: ${e instanceof Error ? e.message : String(e)}`, ...(version !== undefined ? { k6Version: version } : {}) };
  }
}
