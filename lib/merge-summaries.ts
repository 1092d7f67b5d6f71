// Merging per-instance k6 summaries (one k6 process per execution segment, e.g. k6-operator
// `parallelism: N`) into one verdict per scenario. Pure: the CLI (scripts/merge.ts) reads and
// writes the files.
//
// Input: the `<scenario>.summary.json` that scenarios/lib/summary.ts writes (extra fields are
// ignored). Every threshold is RE-EVALUATED on the combined metric values, with k6's semantics
// (lib/k6-thresholds.ts): no verdict is ever taken from one instance.
//
// How values combine (the `merge.method` of each threshold says which applied):
// - Counter: `count` summed (exact); `rate` = summed count / the longest instance's
//   testRunDurationMs (the instances run side by side), or the summed rates when a duration is
//   missing. An empty Counter has count 0 and is judged, as k6 judges it.
// - Rate: passes and fails summed, rate = passes / (passes + fails) (exact). No samples anywhere:
//   k6 passes the threshold without judging (`noSamples`), and so does the merge.
// - Trend: min of mins, max of maxes (exact); avg weighted by `count` when every instance reports
//   it (exact). Percentiles, med, and avg without counts cannot be merged exactly.
// - Gauge `value`: the merged run's value is one of the instances' values; which one is unknown.
// Where a figure is not exact, the combined value lies within [lowest, highest] instance value (a
// pooled percentile lies between the parts' percentiles; a weighted mean between their means), so
// the threshold is judged on the CONSERVATIVE bound: the highest value for `<`/`<=` (upper bound),
// the lowest for `>`/`>=` (lower bound); `==` holds only when every instance has exactly that value,
// `!=` only when the value is outside the whole range. A conservative bound can fail a run that
// would have passed unsegmented, never the reverse; `merge.bound` names the bound per threshold.
// Where an instance's summary lacks the figure (a p(99) threshold outside summaryTrendStats, which
// k6 judged but did not report), the same bound is taken from the instances' own verdicts: every
// instance held `p(99)<5000`, so the highest of them, and with it the merged value, is below 5000.
//
// Threshold sets that differ between instances are merged over the union; a threshold missing
// from an instance is listed in `merge.missingFrom` and judged on the instances that have the
// metric. Counter `count` thresholds with the same key and operator but different numbers on
// different instances were sized per instance (e.g. `rule_verdicts{…}: count>=<keys owned>`):
// they become one threshold on the summed requirement (instances without it require 0), listed in
// `merge.sizedPerInstance`. Identical numbers are judged as written, on the summed count (what one
// unsegmented run with those options would judge).
import { findKnee, type KneeResult, type Slo, type StageObservation } from './capacity';
import { fmtNumber, xmlEscape, type K6Check, type K6MetricSummary, type ThresholdResult } from './k6-summary';
import { compare, parseThresholdExpression, parseThresholdKey, type ThresholdExpression, type ThresholdOp } from './k6-thresholds';
import { redactSecrets } from './redact';

/** One instance's summary as read from `<scenario>.summary.json` (unknown extra fields are kept but ignored). */
export interface InstanceSummary {
  scenario: string;
  generatedAt?: string;
  target?: unknown;
  pass?: boolean;
  thresholds?: ThresholdResult[];
  checks?: K6Check[];
  notes?: string[];
  details?: Record<string, unknown>;
  testRunDurationMs?: number | null;
  metrics: Record<string, K6MetricSummary>;
  [extra: string]: unknown;
}

export interface InstanceInput {
  /** How the file was named on the command line (used in reports and messages). */
  file: string;
  summary: InstanceSummary;
}

export type MergeBound = 'exact' | 'upper' | 'lower' | 'range';

export interface MergeInfo {
  /** How the value was combined, in words. */
  method: string;
  bound: MergeBound;
  /** Instances whose metric entered the value. */
  instances: number;
  /** Files that do not define this threshold. */
  missingFrom?: string[];
  /** Files whose metric is absent (so they could not contribute). */
  metricMissingFrom?: string[];
  /** Per-instance expressions summed into this one. */
  sizedPerInstance?: Array<{ file: string; expression: string | null }>;
  /** What each instance judged on its own (informational: never the merged verdict). */
  perInstance: Array<{ file: string; ok?: boolean; actual?: number }>;
}

export interface MergedThreshold extends ThresholdResult {
  merge: MergeInfo;
}

export interface MergedScenario {
  scenario: string;
  pass: boolean;
  /** The merged report, same format as one instance's summary.json plus `merged`. */
  report: Record<string, unknown>;
  /** Redacted file contents. */
  summaryJson: string;
  junitXml: string;
  /** Redacted text for stdout: one line for the scenario, then one per crossed threshold. */
  text: string;
}

// ---- reading -----------------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const METRIC_TYPES = new Set(['counter', 'gauge', 'rate', 'trend']);

/** Why `value` is not a summary the scenarios wrote, or null when it is one. */
export function summaryProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not a JSON object';
  if (typeof value.scenario !== 'string' || value.scenario === '') return "no 'scenario' name";
  if (!isRecord(value.metrics)) {
    // handleSummary's report for a summary shape it could not read (scenarios/lib/summary.ts).
    if (typeof value.error === 'string') return `that instance wrote no metrics: ${value.error}`;
    return "no 'metrics' object";
  }
  for (const [name, m] of Object.entries(value.metrics)) {
    if (!isRecord(m) || typeof m.type !== 'string' || !METRIC_TYPES.has(m.type)) return `metric '${name}' has no valid type`;
    if (!isRecord(m.values)) return `metric '${name}' has no values`;
    if (m.thresholds !== undefined && !isRecord(m.thresholds)) return `metric '${name}' has malformed thresholds`;
  }
  if (value.thresholds !== undefined) {
    if (!Array.isArray(value.thresholds)) return "'thresholds' is not a list";
    for (const t of value.thresholds) {
      if (!isRecord(t) || typeof t.key !== 'string' || typeof t.expression !== 'string') return "a 'thresholds' entry has no key or expression";
    }
  }
  if (value.checks !== undefined && !Array.isArray(value.checks)) return "'checks' is not a list";
  if (value.notes !== undefined && !Array.isArray(value.notes)) return "'notes' is not a list";
  if (value.testRunDurationMs !== undefined && value.testRunDurationMs !== null && typeof value.testRunDurationMs !== 'number') {
    return "'testRunDurationMs' is not a number";
  }
  return null;
}

/** Parses one summary file's text; throws an Error naming the file and the reason. */
export function parseInstanceSummary(text: string, file: string): InstanceSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const problem = summaryProblem(value);
  if (problem) throw new Error(`${file}: not a scenario summary (.summary.json written by the k6 scenarios): ${problem}`);
  return value as InstanceSummary;
}

// ---- combining values --------------------------------------------------------------------------

interface Part {
  file: string;
  metric: K6MetricSummary | undefined;
  durationMs: number | null;
  /** The instance's own verdict on the threshold being merged, when it defines it. */
  verdict?: boolean;
}

interface Judged {
  ok: boolean;
  actual?: number;
  noSamples?: true;
  method: string;
  bound: MergeBound;
  instances: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Judges `op expected` on a value known only to lie within [lo, hi]. */
function judgeRange(lo: number, hi: number, op: ThresholdOp, expected: number, what: string, n: number): Judged {
  if (lo === hi) return { ok: compare(lo, op, expected), actual: lo, method: `${what}: every instance has the same value`, bound: 'exact', instances: n };
  switch (op) {
    case '<':
    case '<=':
      return { ok: compare(hi, op, expected), actual: hi, method: `${what}: upper bound, the highest of ${n} instances (the merged value lies between ${fmtNumber(lo)} and ${fmtNumber(hi)})`, bound: 'upper', instances: n };
    case '>':
    case '>=':
      return { ok: compare(lo, op, expected), actual: lo, method: `${what}: lower bound, the lowest of ${n} instances (the merged value lies between ${fmtNumber(lo)} and ${fmtNumber(hi)})`, bound: 'lower', instances: n };
    case '==':
    case '===':
      return { ok: false, actual: hi, method: `${what}: the instances differ (${fmtNumber(lo)} to ${fmtNumber(hi)}), so equality cannot be shown`, bound: 'range', instances: n };
    case '!=':
      return { ok: expected < lo || expected > hi, actual: hi, method: `${what}: the merged value lies between ${fmtNumber(lo)} and ${fmtNumber(hi)}; holds only if ${fmtNumber(expected)} is outside`, bound: 'range', instances: n };
  }
}

function rangeOf(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

function sumOf(parts: Part[], stat: string): number {
  return parts.reduce((s, p) => s + (num(p.metric?.values[stat]) ?? 0), 0);
}

/** Trend parts that have samples (an instance reporting count 0 has none). */
function trendParts(parts: Part[]): Part[] {
  return parts.filter((p) => num(p.metric?.values.count) !== 0);
}

/** Bound used for `op` when only a range [lo, hi] is known. */
function boundFor(op: ThresholdOp): MergeBound {
  return op === '<' || op === '<=' ? 'upper' : op === '>' || op === '>=' ? 'lower' : 'range';
}

/**
 * A figure that cannot be merged exactly: judged on [lowest, highest] over the instances. Where
 * some instance does not report the figure (a percentile outside k6's summaryTrendStats, for
 * which k6 still judged the threshold), the instances' own verdicts bound it instead: the merged
 * value is below the highest instance value, so `<`/`<=` holds when it held on EVERY instance (and
 * likewise `>`/`>=` on the lowest, `==` when every instance equals it); `!=` cannot be shown.
 */
function judgeInexact(parts: Part[], e: ThresholdExpression, what: string): Judged {
  const known = parts.map((p) => num(p.metric?.values[e.aggregation]));
  const n = parts.length;
  if (known.every((v): v is number => v !== undefined)) return judgeRange(...rangeOf(known), e.op, e.value, what, n);
  const bound = boundFor(e.op);
  const why = `${e.aggregation} is not in every instance's summary (k6 summaryTrendStats)`;
  if (bound === 'range') return { ok: false, method: `${what}: ${why}, so '${e.op}' cannot be shown`, bound, instances: n };
  const held = parts.map((p, i) => (known[i] !== undefined ? compare(known[i]!, e.op, e.value) : p.verdict === true));
  const ok = held.every(Boolean);
  return {
    ok,
    method: `${what}: ${why}; judged on the ${bound} bound from each instance's own value or verdict (${held.filter(Boolean).length} of ${n} held)`,
    bound,
    instances: n,
  };
}

function judge(type: string, e: ThresholdExpression, parts: Part[]): Judged {
  const n = parts.length;
  const agg = e.aggregation;
  if (type === 'counter' && agg === 'count') {
    const count = sumOf(parts, 'count');
    return { ok: compare(count, e.op, e.value), actual: count, method: `count summed over ${n} instances`, bound: 'exact', instances: n };
  }
  if (type === 'counter' && agg === 'rate') {
    const count = sumOf(parts, 'count');
    const durations = parts.map((p) => p.durationMs);
    if (durations.every((d): d is number => d !== null && d > 0)) {
      const rate = count / (Math.max(...durations) / 1000);
      return { ok: compare(rate, e.op, e.value), actual: rate, method: `summed count / the longest instance's duration (${n} instances)`, bound: 'exact', instances: n };
    }
    const rate = sumOf(parts, 'rate');
    return { ok: compare(rate, e.op, e.value), actual: rate, method: `rates summed over ${n} instances (a duration is missing)`, bound: 'exact', instances: n };
  }
  if (type === 'rate' && agg === 'rate') {
    const counted = parts.filter((p) => num(p.metric?.values.passes) !== undefined && num(p.metric?.values.fails) !== undefined);
    if (counted.length === n) {
      const passes = sumOf(parts, 'passes');
      const fails = sumOf(parts, 'fails');
      if (passes + fails === 0) {
        return { ok: true, noSamples: true, method: `no samples in any of ${n} instances: k6 passes it without judging`, bound: 'exact', instances: n };
      }
      const rate = passes / (passes + fails);
      return { ok: compare(rate, e.op, e.value), actual: rate, method: `passes and fails summed over ${n} instances (${passes} of ${passes + fails})`, bound: 'exact', instances: n };
    }
    return judgeInexact(parts, e, 'rate (no pass/fail counts to sum)');
  }
  if (type === 'gauge' && agg === 'value') return judgeInexact(parts, e, 'gauge value (the last value set, on some instance)');
  if (type === 'trend') {
    const sampled = trendParts(parts);
    if (sampled.length === 0) {
      return { ok: true, noSamples: true, method: `no samples in any of ${n} instances: k6 passes it without judging`, bound: 'exact', instances: n };
    }
    const m = sampled.length;
    const values = sampled.map((p) => num(p.metric?.values[agg]));
    const all = values.every((v): v is number => v !== undefined);
    if ((agg === 'min' || agg === 'max') && all) {
      const v = agg === 'min' ? Math.min(...(values as number[])) : Math.max(...(values as number[]));
      return { ok: compare(v, e.op, e.value), actual: v, method: `${agg} of the instances' ${agg}s (${m} instances)`, bound: 'exact', instances: m };
    }
    if (agg === 'avg') {
      const counts = sampled.map((p) => num(p.metric?.values.count));
      if (all && counts.every((c): c is number => c !== undefined)) {
        const total = counts.reduce((s, c) => s + c, 0);
        const avg = sampled.reduce((s, p, i) => s + (num(p.metric?.values.avg) ?? 0) * counts[i]!, 0) / total;
        return { ok: compare(avg, e.op, e.value), actual: avg, method: `avg weighted by count over ${m} instances`, bound: 'exact', instances: m };
      }
      return judgeInexact(sampled, e, 'avg (no counts to weight by)');
    }
    return judgeInexact(sampled, e, `${agg} (${agg === 'min' || agg === 'max' ? 'not reported everywhere' : 'percentiles cannot be merged exactly'})`);
  }
  return { ok: false, method: `'${agg}' is not an aggregation of a ${type}`, bound: 'exact', instances: 0 };
}

// ---- merged metric values ----------------------------------------------------------------------

interface MergedMetric {
  metric: K6MetricSummary;
  /** Stats whose merged value is not exact: [lowest, highest] over the instances. */
  inexact: Record<string, { lower: number; upper: number }>;
}

function mergeMetric(type: K6MetricSummary['type'], parts: Part[]): MergedMetric {
  const present = parts.filter((p) => p.metric !== undefined);
  const first = present[0]?.metric;
  const values: Record<string, number> = {};
  const inexact: Record<string, { lower: number; upper: number }> = {};
  const statNames = [...new Set(present.flatMap((p) => Object.keys(p.metric!.values)))];
  const range = (stat: string, ps: Part[]) => {
    const vs = ps.map((p) => num(p.metric!.values[stat])).filter((v): v is number => v !== undefined);
    if (vs.length === 0) return;
    const [lo, hi] = rangeOf(vs);
    values[stat] = hi;
    if (lo !== hi) inexact[stat] = { lower: lo, upper: hi };
  };
  if (type === 'counter') {
    values.count = sumOf(present, 'count');
    const durations = present.map((p) => p.durationMs);
    values.rate = durations.length > 0 && durations.every((d): d is number => d !== null && d > 0) ? values.count / (Math.max(...durations) / 1000) : sumOf(present, 'rate');
  } else if (type === 'rate') {
    if (present.every((p) => num(p.metric!.values.passes) !== undefined && num(p.metric!.values.fails) !== undefined)) {
      values.passes = sumOf(present, 'passes');
      values.fails = sumOf(present, 'fails');
      values.rate = values.passes + values.fails === 0 ? 0 : values.passes / (values.passes + values.fails);
    } else {
      for (const s of statNames) range(s, present);
    }
  } else if (type === 'gauge') {
    for (const s of statNames) {
      const vs = present.map((p) => num(p.metric!.values[s])).filter((v): v is number => v !== undefined);
      if (vs.length === 0) continue;
      if (s === 'min') values.min = Math.min(...vs);
      else if (s === 'max') values.max = Math.max(...vs);
      else range(s, present);
    }
  } else {
    const sampled = trendParts(present);
    const use = sampled.length > 0 ? sampled : present;
    const counts = use.map((p) => num(p.metric!.values.count));
    const haveCounts = counts.every((c): c is number => c !== undefined);
    for (const s of statNames) {
      const vs = use.map((p) => num(p.metric!.values[s])).filter((v): v is number => v !== undefined);
      if (vs.length === 0) continue;
      if (s === 'min') values.min = Math.min(...vs);
      else if (s === 'max') values.max = Math.max(...vs);
      else if (s === 'count') values.count = vs.reduce((a, b) => a + b, 0);
      else if (s === 'avg' && haveCounts && vs.length === use.length) {
        const total = (counts as number[]).reduce((a, b) => a + b, 0);
        values.avg = total === 0 ? 0 : use.reduce((acc, p, i) => acc + num(p.metric!.values.avg)! * (counts as number[])[i]!, 0) / total;
      } else range(s, use);
    }
  }
  const metric: K6MetricSummary = { type, values };
  if (first?.contains !== undefined) metric.contains = first.contains;
  return { metric, inexact };
}

// ---- thresholds --------------------------------------------------------------------------------

interface InstanceThreshold {
  key: string;
  expression: string;
  ok?: boolean;
  actual?: number;
}

/** The (key, expression) thresholds one instance defines: its metrics' thresholds and its `thresholds` list. */
function instanceThresholds(s: InstanceSummary): InstanceThreshold[] {
  const out = new Map<string, InstanceThreshold>();
  for (const [key, m] of Object.entries(s.metrics)) {
    for (const [expression, r] of Object.entries(m.thresholds ?? {})) {
      out.set(JSON.stringify([key, expression]), { key, expression, ...(typeof r?.ok === 'boolean' ? { ok: r.ok } : {}) });
    }
  }
  for (const t of s.thresholds ?? []) {
    const id = JSON.stringify([t.key, t.expression]);
    const prev = out.get(id);
    out.set(id, {
      key: t.key,
      expression: t.expression,
      ...(typeof t.ok === 'boolean' ? { ok: t.ok } : prev?.ok !== undefined ? { ok: prev.ok } : {}),
      ...(num(t.actual) !== undefined ? { actual: t.actual as number } : {}),
    });
  }
  return [...out.values()];
}

interface PlannedThreshold {
  key: string;
  expression: string;
  parsed: ThresholdExpression | null;
  /** per instance index: the expression it defines for this threshold, or null */
  defined: Array<InstanceThreshold | null>;
  sized: boolean;
}

function planThresholds(inputs: InstanceInput[]): PlannedThreshold[] {
  const perInstance = inputs.map((i) => instanceThresholds(i.summary));
  const typeOf = (key: string) => inputs.map((i) => i.summary.metrics[key]?.type).find((t) => t !== undefined);
  // Group counter count thresholds by (key, op) to find per-instance sizing.
  const plans = new Map<string, PlannedThreshold>();
  const sizedGroups = new Map<string, Array<Array<InstanceThreshold>>>();
  perInstance.forEach((list, idx) => {
    for (const t of list) {
      let parsed: ThresholdExpression | null = null;
      try {
        parsed = parseThresholdExpression(t.expression);
      } catch {
        parsed = null;
      }
      if (parsed && typeOf(t.key) === 'counter' && parsed.aggregation === 'count' && ['<', '<=', '>', '>='].includes(parsed.op)) {
        const g = JSON.stringify([t.key, parsed.op]);
        const group = sizedGroups.get(g) ?? inputs.map(() => []);
        group[idx]!.push(t);
        sizedGroups.set(g, group);
        continue;
      }
      const id = JSON.stringify([t.key, t.expression]);
      const plan = plans.get(id) ?? { key: t.key, expression: t.expression, parsed, defined: inputs.map(() => null), sized: false };
      plan.defined[idx] = t;
      plans.set(id, plan);
    }
  });
  for (const [g, group] of sizedGroups) {
    const [key, op] = JSON.parse(g) as [string, ThresholdOp];
    const numbers = new Set(group.flat().map((t) => parseThresholdExpression(t.expression).value));
    // One expression per instance, differing numbers: sized per instance -> one summed threshold.
    if (numbers.size > 1 && group.every((ts) => ts.length <= 1)) {
      const total = group.reduce((s, ts) => s + (ts[0] ? parseThresholdExpression(ts[0].expression).value : 0), 0);
      const expression = `count${op}${fmtNumber(total)}`;
      plans.set(JSON.stringify([key, expression, 'sized']), {
        key,
        expression,
        parsed: parseThresholdExpression(expression),
        defined: group.map((ts) => ts[0] ?? null),
        sized: true,
      });
      continue;
    }
    group.forEach((ts, idx) => {
      for (const t of ts) {
        const id = JSON.stringify([t.key, t.expression]);
        const plan = plans.get(id) ?? { key: t.key, expression: t.expression, parsed: parseThresholdExpression(t.expression), defined: inputs.map(() => null), sized: false };
        plan.defined[idx] = t;
        plans.set(id, plan);
      }
    });
  }
  return [...plans.values()].sort((a, b) => (a.key === b.key ? (a.expression < b.expression ? -1 : 1) : a.key < b.key ? -1 : 1));
}

function evaluate(plan: PlannedThreshold, inputs: InstanceInput[]): MergedThreshold {
  let metric = plan.key;
  let tags: Record<string, string> = {};
  try {
    ({ metric, tags } = parseThresholdKey(plan.key));
  } catch {
    // keep the raw key
  }
  const parts: Part[] = inputs.map((i, k) => {
    const part: Part = { file: i.file, metric: i.summary.metrics[plan.key], durationMs: num(i.summary.testRunDurationMs) ?? null };
    const own = plan.sized ? undefined : plan.defined[k]?.ok;
    if (own !== undefined) part.verdict = own;
    return part;
  });
  const present = parts.filter((p) => p.metric !== undefined);
  const types = [...new Set(present.map((p) => p.metric!.type))];
  let j: Judged;
  if (plan.parsed === null) {
    j = { ok: false, method: `'${plan.expression}' is not a k6 threshold expression`, bound: 'exact', instances: 0 };
  } else if (present.length === 0) {
    j = { ok: false, method: `no instance reports the metric '${plan.key}'`, bound: 'exact', instances: 0 };
  } else if (types.length > 1) {
    j = { ok: false, method: `the instances disagree on the metric's type (${types.join(', ')})`, bound: 'exact', instances: present.length };
  } else {
    j = judge(types[0]!, plan.parsed, present);
  }
  const missingFrom = inputs.filter((_, k) => plan.defined[k] === null).map((i) => i.file);
  const metricMissingFrom = parts.filter((p) => p.metric === undefined).map((p) => p.file);
  const merge: MergeInfo = {
    method: plan.sized ? `per-instance requirements summed (${plan.defined.map((d) => d?.expression ?? 'none').join(' + ')}); ${j.method}` : j.method,
    bound: j.bound,
    instances: j.instances,
    perInstance: inputs.map((i, k) => {
      const d = plan.defined[k];
      const out: { file: string; ok?: boolean; actual?: number } = { file: i.file };
      if (d?.ok !== undefined) out.ok = d.ok;
      if (d?.actual !== undefined) out.actual = d.actual;
      return out;
    }),
  };
  if (missingFrom.length > 0) merge.missingFrom = missingFrom;
  if (metricMissingFrom.length > 0) merge.metricMissingFrom = metricMissingFrom;
  if (plan.sized) merge.sizedPerInstance = inputs.map((i, k) => ({ file: i.file, expression: plan.defined[k]?.expression ?? null }));
  const r: MergedThreshold = { key: plan.key, metric, tags, expression: plan.expression, ok: j.ok, merge };
  if (tags.rule !== undefined) r.rule = tags.rule;
  if (plan.parsed) r.aggregation = plan.parsed.aggregation;
  if (j.actual !== undefined) r.actual = j.actual;
  if (j.noSamples) r.noSamples = true;
  return r;
}

// ---- checks, notes, reports ---------------------------------------------------------------------

function mergeChecks(inputs: InstanceInput[]): K6Check[] {
  const out = new Map<string, K6Check>();
  for (const i of inputs) {
    for (const c of i.summary.checks ?? []) {
      if (!isRecord(c) || typeof c.name !== 'string') continue;
      const id = c.path ?? c.name;
      const prev = out.get(id);
      const passes = num(c.passes) ?? 0;
      const fails = num(c.fails) ?? 0;
      if (prev) {
        prev.passes += passes;
        prev.fails += fails;
      } else {
        const copy: K6Check = { name: c.name, passes, fails };
        if (c.path !== undefined) copy.path = c.path;
        if (c.id !== undefined) copy.id = c.id;
        out.set(id, copy);
      }
    }
  }
  return [...out.values()];
}

function describe(r: MergedThreshold): string {
  if (r.noSamples) return 'no samples: not judged';
  const v = r.aggregation !== undefined && r.actual !== undefined ? `${r.aggregation}=${fmtNumber(r.actual)}` : 'value unknown';
  return r.merge.bound === 'exact' ? v : `${v}, ${r.merge.bound} bound`;
}

function junit(scenario: string, results: MergedThreshold[], seconds: string, timestamp: string, files: string[]): string {
  const failures = results.filter((r) => !r.ok).length;
  const suite = xmlEscape(`k6.${scenario}`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rundun k6 (merged)" tests="${results.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${xmlEscape(timestamp)}">`,
    `    <properties><property name="merged.instances" value="${files.length}"/>${files.map((f) => `<property name="merged.file" value="${xmlEscape(f)}"/>`).join('')}</properties>`,
  ];
  for (const r of results) {
    const name = xmlEscape(`${r.key} ${r.expression}`);
    const props = [
      ...(r.rule ? [['rule', r.rule]] : []),
      ['merge.bound', r.merge.bound],
      ['merge.method', r.merge.method],
      ...(r.merge.missingFrom ? [['merge.missingFrom', r.merge.missingFrom.join(', ')]] : []),
    ]
      .map(([k, v]) => `<property name="${xmlEscape(k!)}" value="${xmlEscape(v!)}"/>`)
      .join('');
    lines.push(`    <testcase classname="${suite}" name="${name}" time="0">`);
    lines.push(`      <properties>${props}</properties>`);
    if (!r.ok) {
      const msg = xmlEscape(`threshold crossed after merging ${r.merge.instances} instances: ${r.key} ${describe(r)} does not satisfy ${r.expression}`);
      lines.push(`      <failure message="${msg}" type="threshold">${msg} (${xmlEscape(r.merge.method)})${r.rule ? xmlEscape(` (contract rule ${r.rule})`) : ''}</failure>`);
    }
    lines.push('    </testcase>');
  }
  if (results.length === 0) {
    lines.push(`    <testcase classname="${suite}" name="no thresholds defined" time="0"><skipped message="no instance defined thresholds"/></testcase>`);
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** Merges one scenario's instance summaries (all `inputs` must be of that scenario). */
export function mergeScenario(inputs: InstanceInput[], now = new Date()): MergedScenario {
  if (inputs.length === 0) throw new Error('nothing to merge');
  const scenario = inputs[0]!.summary.scenario;
  const other = inputs.find((i) => i.summary.scenario !== scenario);
  if (other) throw new Error(`${other.file}: scenario '${other.summary.scenario}', expected '${scenario}'`);
  const files = inputs.map((i) => i.file);

  const thresholds = planThresholds(inputs).map((p) => evaluate(p, inputs));

  const metricKeys = [...new Set(inputs.flatMap((i) => Object.keys(i.summary.metrics)))].sort();
  const metrics: Record<string, K6MetricSummary> = {};
  const inexact: Record<string, Record<string, { lower: number; upper: number }>> = {};
  for (const key of metricKeys) {
    const parts: Part[] = inputs.map((i) => ({ file: i.file, metric: i.summary.metrics[key], durationMs: num(i.summary.testRunDurationMs) ?? null }));
    const type = parts.find((p) => p.metric)!.metric!.type;
    const merged = mergeMetric(type, parts.filter((p) => p.metric?.type === type));
    const own = thresholds.filter((t) => t.key === key);
    if (own.length > 0) merged.metric.thresholds = Object.fromEntries(own.map((t) => [t.expression, { ok: t.ok }]));
    metrics[key] = merged.metric;
    if (Object.keys(merged.inexact).length > 0) inexact[key] = merged.inexact;
  }

  const durations = inputs.map((i) => num(i.summary.testRunDurationMs)).filter((d): d is number => d !== undefined);
  const testRunDurationMs = durations.length > 0 ? Math.max(...durations) : null;
  const crossed = thresholds.filter((t) => !t.ok);
  // The scenarios' verdict accounts (rundun_vus_finished) pass when empty, which is right for
  // one instance that owns no key, never for the whole run: a merge in which no instance ran a
  // VU owing a verdict judged nothing (were all the instances' summaries given?).
  const accounts = metrics.rundun_vus_finished;
  const judgedNothing = accounts !== undefined && accounts.type === 'rate' && (accounts.values.passes ?? 0) + (accounts.values.fails ?? 0) === 0;
  const pass = thresholds.length > 0 && crossed.length === 0 && !judgedNothing;
  const bounds = thresholds
    .filter((t) => t.merge.bound !== 'exact')
    .map((t) => ({ key: t.key, expression: t.expression, aggregation: t.aggregation, bound: t.merge.bound, actual: t.actual, method: t.merge.method }));
  const incomplete = thresholds.filter((t) => t.merge.missingFrom || t.merge.metricMissingFrom);

  const targets = inputs.map((i) => JSON.stringify(i.summary.target ?? null));
  const sameTarget = targets.every((t) => t === targets[0]);
  const notes: string[] = [`merged ${inputs.length} instance${inputs.length === 1 ? '' : 's'}: ${files.join(', ')}`];
  if (judgedNothing) notes.push('FAIL: no instance ran a VU owing a verdict (rundun_vus_finished has no samples): the merged run judged nothing; give every instance\'s summary');
  if (!sameTarget) notes.push('the instances ran against different targets (see merged.targets)');
  for (const t of bounds) notes.push(`${t.key} ${t.expression}: judged on the ${t.bound} bound (${t.method})`);
  for (const t of incomplete) {
    if (t.merge.missingFrom) notes.push(`${t.key} ${t.expression}: not defined in ${t.merge.missingFrom.join(', ')}`);
    if (t.merge.metricMissingFrom) notes.push(`${t.key}: metric absent from ${t.merge.metricMissingFrom.join(', ')}`);
  }
  const knee = mergedKnee(inputs);
  if (knee) {
    notes.push(`knee (recomputed on the summed stages; p95 on the upper bound, the highest instance's): ${knee.summary}`);
    for (const st of knee.stages) notes.push(`  stage ${st.index + 1} at ${st.targetRps} rps: ${st.held ? 'held' : 'broke'}: ${st.reason}`);
  }
  inputs.forEach((i, k) => {
    for (const note of i.summary.notes ?? []) if (typeof note === 'string') notes.push(`[instance ${k + 1}] ${note}`);
  });

  const timestamp = now.toISOString();
  const report: Record<string, unknown> = {
    scenario,
    generatedAt: timestamp,
    target: sameTarget ? (inputs[0]!.summary.target ?? null) : null,
    pass,
    thresholds,
    checks: mergeChecks(inputs),
    notes,
    details: {
      ...(knee ? { knee: knee.knee === null ? null : knee.knee + 1, kneeRps: knee.kneeRps, stages: knee.stages, p95Bound: knee.p95Bound } : {}),
      instances: inputs.map((i) => ({ file: i.file, pass: i.summary.pass ?? null, details: i.summary.details ?? {} })),
    },
    testRunDurationMs,
    metrics,
    merged: {
      instances: inputs.length,
      files,
      bounds,
      inexact,
      ...(sameTarget ? {} : { targets: inputs.map((i) => ({ file: i.file, target: i.summary.target ?? null })) }),
    },
  };

  const seconds = ((testRunDurationMs ?? 0) / 1000).toFixed(3);
  const extras = [
    ...(bounds.length > 0 ? [`${bounds.length} on conservative bounds`] : []),
    ...(incomplete.length > 0 ? [`${incomplete.length} missing from some instance`] : []),
  ];
  const lines = [
    `rundun merge ${scenario}: ${pass ? 'PASS' : 'FAIL'} over ${inputs.length} instance${inputs.length === 1 ? '' : 's'} (${thresholds.length} thresholds, ${crossed.length} crossed${extras.length ? `; ${extras.join('; ')}` : ''})`,
  ];
  if (thresholds.length === 0) lines.push('  (no thresholds defined: nothing was judged)');
  if (knee) lines.push(`  knee: ${knee.summary}`);
  if (judgedNothing) lines.push('  FAIL no instance ran a VU owing a verdict: the merged run judged nothing (were all the instances\' summaries given?)');
  for (const t of crossed) lines.push(`  FAIL ${t.key} ${t.expression}  [${describe(t)}; ${t.merge.method}]`);

  return {
    scenario,
    pass,
    report,
    summaryJson: redactSecrets(`${JSON.stringify(report, null, 2)}\n`),
    junitXml: redactSecrets(junit(scenario, thresholds, seconds, timestamp, files)),
    text: redactSecrets(`${lines.join('\n')}\n`),
  };
}

interface StageDetail {
  targetRps?: unknown;
  seconds?: unknown;
  requests?: unknown;
  p95Ms?: unknown;
  errorRate?: unknown;
}

/**
 * capacity: the knee recomputed on the summed stages, never taken from one instance. Targets
 * and requests are summed (each instance was judged against its share); errors are weighted by
 * requests; a p95 cannot be merged exactly, so the highest instance p95 is used (an upper bound:
 * if every instance held the SLO below it, the whole run did). Null when the inputs carry no
 * stages (other scenarios, or summaries too old to have them).
 */
export function mergedKnee(inputs: InstanceInput[]): (KneeResult & { p95Bound: 'upper' }) | null {
  const perInstance = inputs.map((i) => (i.summary.details as { stages?: StageDetail[]; slo?: Slo } | undefined) ?? {});
  const slo = perInstance.find((d) => d.slo)?.slo;
  const lists = perInstance.map((d) => d.stages).filter((x): x is StageDetail[] => Array.isArray(x));
  if (!slo || lists.length !== inputs.length || lists.length === 0) return null;
  const n = Math.min(...lists.map((l) => l.length));
  const stages: StageObservation[] = [];
  for (let k = 0; k < n; k++) {
    const parts = lists.map((l) => l[k] as StageDetail);
    const requests = parts.reduce((a, p) => a + (num(p.requests) ?? 0), 0);
    const errors = parts.reduce((a, p) => a + (num(p.errorRate) ?? 0) * (num(p.requests) ?? 0), 0);
    const p95s = parts.map((p) => num(p.p95Ms)).filter((v): v is number => v !== undefined);
    stages.push({
      targetRps: parts.reduce((a, p) => a + (num(p.targetRps) ?? 0), 0),
      seconds: num(parts[0]?.seconds) ?? 0,
      requests,
      ...(p95s.length > 0 ? { p95Ms: Math.max(...p95s) } : {}),
      errorRate: requests > 0 ? errors / requests : 0,
    });
  }
  return { ...findKnee(stages, slo), p95Bound: 'upper' };
}

/** Groups instance summaries by scenario (in first-seen order) and merges each group. */
export function mergeSummaries(inputs: InstanceInput[], now = new Date()): MergedScenario[] {
  const groups = new Map<string, InstanceInput[]>();
  for (const i of inputs) {
    const g = groups.get(i.summary.scenario) ?? [];
    g.push(i);
    groups.set(i.summary.scenario, g);
  }
  return [...groups.values()].map((g) => mergeScenario(g, now));
}
