// Converters from the data k6 passes to handleSummary() to the harness's reports: a JUnit XML
// with one test case per threshold, a compact text summary, and a list of threshold results.
// Pure and engine-agnostic: the k6 scenarios call them in handleSummary, vitest tests them with
// recorded or synthetic summary data. Nothing here can see an API key unless a caller puts one
// in; callers still pass the result through redactSecrets as a last line of defence.
import { aggregateValue, parseThresholdExpression, parseThresholdKey } from './k6-thresholds';

export interface K6MetricSummary {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
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
   * anything (the summary shows 0 %). Rule thresholds pair it with a rule_verdicts count.
   */
  noSamples?: true;
}

/** Every threshold in the summary, in a stable order (key, then expression). */
export function thresholdResults(data: K6SummaryData): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const key of Object.keys(data.metrics).sort()) {
    const m = data.metrics[key] as K6MetricSummary;
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
      const r: ThresholdResult = { key, metric, tags, expression, ok: m.thresholds[expression]?.ok === true };
      if (tags.rule !== undefined) r.rule = tags.rule;
      if (emptyRate) r.noSamples = true;
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
  const failures = results.filter((r) => !r.ok).length;
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(3);
  const suite = xmlEscape(`k6.${opts.scenario}`);
  const ts = opts.timestamp ? ` timestamp="${xmlEscape(opts.timestamp)}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rundun k6" tests="${results.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}"${ts}>`,
  ];
  for (const r of results) {
    const name = xmlEscape(`${r.key} ${r.expression}`);
    const props = r.rule ? `\n      <properties><property name="rule" value="${xmlEscape(r.rule)}"/></properties>` : '';
    if (r.ok) {
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
export function outcome(data: K6SummaryData): { pass: boolean; total: number; crossed: number } {
  const results = thresholdResults(data);
  const crossed = results.filter((r) => !r.ok).length;
  return { pass: results.length > 0 && crossed === 0, total: results.length, crossed };
}

/** A compact, plain-text end-of-test summary (what handleSummary prints to stdout). */
export function toTextSummary(data: K6SummaryData, opts: TextSummaryOptions): string {
  const results = thresholdResults(data);
  const o = outcome(data);
  const secs = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(1);
  const lines = [
    `rundun k6 ${opts.scenario}: ${o.pass ? 'PASS' : 'FAIL'} in ${secs} s (${o.total} thresholds, ${o.crossed} crossed)`,
  ];
  if (results.length === 0) lines.push('  (no thresholds defined: nothing was judged)');
  for (const r of results) {
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.key} ${r.expression}  [${describeActual(r)}]`);
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
