// handleSummary for every scenario: reports/<scenario>.summary.json, reports/<scenario>.junit.xml
// (one test case per threshold) and a compact text summary on stdout. Pure: the converters live
// in lib/k6-summary.ts; this only names the files and redacts every configured key from all of
// them as a last line of defence.
//
// Scenarios call summaryFromRaw (or withSummaryData) with the RAW data k6 hands handleSummary:
// k6 1.3 .. 2.x hand either the legacy shape or, with K6_NEW_MACHINE_READABLE_SUMMARY=true, the
// new machine-readable one; both are normalised (lib/k6-summary.ts normaliseSummary) and give
// the same files. Data of a shape the harness does not know is written raw to
// <scenario>.summary-raw.json, with an erroring JUnit test case and a plain stdout line.
import {
  outcome,
  thresholdResults,
  allChecks,
  normaliseSummary,
  toJUnit,
  toTextSummary,
  xmlEscape,
  type K6SummaryData,
  type ThresholdOptions,
} from '../../lib/k6-summary';
import { redactSecrets } from '../../lib/redact';
import { outcomeOf, type Observation } from '../../lib/ratelimit/observations';
import type { RundunConfig } from './config';
import { VUS_FINISHED_METRIC } from './options';
import { CHECK_NAMES } from './check-names';

export interface SummaryExtras {
  /** Lines for the text summary (the limit estimate, the knee, ...). */
  notes?: string[];
  /** Scenario-specific results for the JSON report. */
  details?: Record<string, unknown>;
  /** Metrics to list in the text summary. */
  metrics?: string[];
}

/**
 * Said on an instance where no VU that owes verdicts ran: on a split run (--execution-segment)
 * an instance may own none of the keys. It passes (it judged nothing, so nothing failed) and
 * says so rather than passing silently.
 */
export function idleInstanceNote(data: K6SummaryData): string | null {
  const v = data.metrics[VUS_FINISHED_METRIC]?.values;
  const started = (v?.passes ?? 0) + (v?.fails ?? 0);
  if (started > 0) return null;
  return "this instance ran no VU owing a verdict (on a split run it owns none of the keys): nothing judged here, so nothing failed; merge the instances' summaries for the run's verdict (npm run merge)";
}

/** The scenario thresholds its VUs' accounts (every rule-judging scenario does). */
function hasVuAccounts(data: K6SummaryData): boolean {
  return thresholdResults(data).some((t) => t.metric === VUS_FINISHED_METRIC);
}

export function summaryFiles(scenario: string, cfg: RundunConfig, data: K6SummaryData, extras: SummaryExtras = {}, now = new Date()): Record<string, string> {
  const keys = cfg.keys.map((k) => k.key);
  const o = outcome(data);
  const idle = VUS_FINISHED_METRIC in (data.metrics ?? {}) || hasVuAccounts(data) ? idleInstanceNote(data) : null;
  if (idle) extras = { ...extras, notes: [idle, ...(extras.notes ?? [])] };
  const report = {
    scenario,
    generatedAt: now.toISOString(),
    target: { baseUrl: cfg.target.baseUrl, source: cfg.source, limit: cfg.limit, limitOff: cfg.limitOff },
    pass: o.pass,
    // Which shape k6 handed handleSummary, from which k6 (the new shape says), and who judged the thresholds.
    summary: {
      shape: data.source?.shape ?? 'legacy',
      k6Version: data.source?.k6Version ?? null,
      formatVersion: data.source?.formatVersion ?? null,
      thresholdsEvaluatedBy: data.source?.thresholdsEvaluatedBy ?? 'k6',
    },
    thresholds: thresholdResults(data),
    checks: allChecks(data.root_group),
    notes: extras.notes ?? [],
    details: extras.details ?? {},
    testRunDurationMs: data.state?.testRunDurationMs ?? null,
    metrics: data.metrics,
  };
  const dir = cfg.reportDir;
  return {
    [`${dir}/${scenario}.summary.json`]: redactSecrets(`${JSON.stringify(report, null, 2)}\n`, keys),
    [`${dir}/${scenario}.junit.xml`]: redactSecrets(toJUnit(data, { scenario, timestamp: now.toISOString() }), keys),
    stdout: redactSecrets(toTextSummary(data, { scenario, notes: extras.notes, ...(extras.metrics ? { metrics: extras.metrics } : {}) }), keys),
  };
}

/** A metric's summary value, e.g. metricValue(data, 'ratelimit_estimate', 'value'). */
export function metricValue(data: K6SummaryData, metric: string, stat: string): number | undefined {
  const v = data.metrics[metric]?.values[stat];
  return typeof v === 'number' ? v : undefined;
}

const RULE_BY_CHECK_NAME: ReadonlyMap<string, string> = new Map(Object.entries(CHECK_NAMES).map(([rule, name]) => [name, rule]));

const RULE_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * The contract rule a scenario check records, from its name (checkName() in verdicts.ts: the
 * name from CHECK_NAMES, or the rule id itself); undefined for a name checkName cannot have
 * made. The new summary shape lists checks by name only.
 */
export function checkRuleOf(name: string): string | undefined {
  return RULE_BY_CHECK_NAME.get(name) ?? (RULE_ID.test(name) ? name : undefined);
}

/**
 * handleSummary for the RAW data k6 passes (either shape): normalises it, re-evaluating the new
 * shape's thresholds from `thresholds` (the scenario's options.thresholds), and writes the files
 * of summaryFiles with `extras(data)` on the normalised data. Unknown data: unknownShapeFiles.
 */
export function summaryFromRaw(
  scenario: string,
  cfg: RundunConfig,
  raw: unknown,
  thresholds: ThresholdOptions | undefined,
  extras?: (data: K6SummaryData) => SummaryExtras,
  now = new Date(),
): Record<string, string> {
  return withSummaryData(scenario, cfg, raw, thresholds, (data) => summaryFiles(scenario, cfg, data, extras ? extras(data) : {}, now), now);
}

/**
 * Like summaryFromRaw for a caller that builds its files itself from the normalised data
 * (`write` usually ends in summaryFiles). Should `write` throw on the data, the reports are still
 * written, with a note saying why the scenario's own notes are missing.
 */
export function withSummaryData(
  scenario: string,
  cfg: RundunConfig,
  raw: unknown,
  thresholds: ThresholdOptions | undefined,
  write: (data: K6SummaryData) => Record<string, string>,
  now = new Date(),
): Record<string, string> {
  const n = normaliseSummary(raw, { thresholds, checkRule: checkRuleOf });
  if (!n.ok) return unknownShapeFiles(scenario, cfg, raw, n.error, n.k6Version, now);
  try {
    return write(n.data);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return summaryFiles(scenario, cfg, n.data, { notes: [`(the scenario's own summary notes could not be computed from this data: ${why})`] }, now);
  }
}

function rawJson(raw: unknown): string {
  try {
    return JSON.stringify(raw === undefined ? null : raw, null, 2) ?? 'null';
  } catch (e) {
    return JSON.stringify({ unserialisable: String(raw), error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * The reports for summary data of a shape the harness does not know: the raw data in
 * <scenario>.summary-raw.json, a summary.json and a JUnit file that say so (one erroring test
 * case), and one plain line on stdout. Keys are redacted from all of them.
 */
export function unknownShapeFiles(scenario: string, cfg: RundunConfig, raw: unknown, reason: string, k6Version: string | undefined, now = new Date()): Record<string, string> {
  const keys = cfg.keys.map((k) => k.key);
  const dir = cfg.reportDir;
  const rawPath = `${dir}/${scenario}.summary-raw.json`;
  const version = k6Version ?? 'not stated in the data';
  const message = `k6 handed handleSummary a summary shape this harness does not know (k6 version ${version}); raw data written to ${rawPath}: ${reason}`;
  const suite = xmlEscape(`k6.${scenario}`);
  const msg = xmlEscape(message);
  const junit = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rundun k6" tests="1" failures="0" errors="1" time="0">`,
    `  <testsuite name="${suite}" tests="1" failures="0" errors="1" skipped="0" time="0" timestamp="${xmlEscape(now.toISOString())}">`,
    `    <testcase classname="${suite}" name="handleSummary: summary data" time="0">`,
    `      <error message="${msg}" type="unknown-summary-shape">${msg}</error>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
  const report = {
    scenario,
    generatedAt: now.toISOString(),
    target: { baseUrl: cfg.target.baseUrl, source: cfg.source, limit: cfg.limit, limitOff: cfg.limitOff },
    pass: false,
    summary: { shape: 'unknown', k6Version: k6Version ?? null, error: reason, rawFile: rawPath },
    error: message,
    thresholds: [],
  };
  return {
    [rawPath]: redactSecrets(`${rawJson(raw)}\n`, keys),
    [`${dir}/${scenario}.summary.json`]: redactSecrets(`${JSON.stringify(report, null, 2)}\n`, keys),
    [`${dir}/${scenario}.junit.xml`]: redactSecrets(junit, keys),
    stdout: redactSecrets(`rundun k6 ${scenario}: ERROR: ${message}\n`, keys),
  };
}

// Per-window series for the HTML report's charts (lib/report-html). handleSummary runs apart
// from the VUs and sees only metrics, so each point of a series is a pair of Counters created
// at init (as capacity's plateau_<n>_* are): counters sum across VUs and across instances (npm
// run merge), and the series stays bounded: at most MAX_SERIES_POINTS points, consecutive
// windows merged into one point when the phase is longer.

/** Most points a series has (each is two counters in the summary). */
export const MAX_SERIES_POINTS = 60;

export interface SeriesSpec {
  /** Metric name prefix: <name>_<i>_accepted, <name>_<i>_rejected, <name>_keys. */
  name: string;
  windowMs: number;
  /** One point covers this long: a whole number of windows. */
  bucketMs: number;
  points: number;
}

/** The series for a phase of `phaseMs` judged in windows of `windowMs`. */
export function seriesSpec(name: string, phaseMs: number, windowMs: number, maxPoints = MAX_SERIES_POINTS): SeriesSpec {
  if (!(windowMs > 0) || !(phaseMs >= 0) || !(maxPoints >= 1)) throw new Error(`series ${name}: phase ${phaseMs} ms, window ${windowMs} ms, ${maxPoints} points: need a positive window and at least one point`);
  // One window more than the phase: a late timer may push the last send into it.
  const windows = Math.ceil(phaseMs / windowMs) + 1;
  const perBucket = Math.ceil(windows / maxPoints);
  const bucketMs = perBucket * windowMs;
  return { name, windowMs, bucketMs, points: Math.min(maxPoints, Math.ceil(windows / perBucket)) };
}

export interface CounterLike {
  add(value: number): void;
}

export interface WindowSeriesRecorder {
  /** Adds one key's phase (observations by send time, from t0 or the first send) to the series. */
  record(obs: readonly Observation[], t0?: number): void;
}

/** Call at init: `counter` creates a k6 Counter (metrics can only be created there). */
export function windowSeries(spec: SeriesSpec, counter: (metric: string) => CounterLike): WindowSeriesRecorder {
  const accepted = Array.from({ length: spec.points }, (_, i) => counter(`${spec.name}_${i}_accepted`));
  const rejected = Array.from({ length: spec.points }, (_, i) => counter(`${spec.name}_${i}_rejected`));
  const keys = counter(`${spec.name}_keys`);
  return {
    record(obs, t0) {
      const start = t0 ?? obs.reduce((m, o) => (Number.isFinite(o.t) && o.t < m ? o.t : m), Number.POSITIVE_INFINITY);
      const acc = new Array<number>(spec.points).fill(0);
      const rej = new Array<number>(spec.points).fill(0);
      for (const o of obs) {
        const outcome = outcomeOf(o.status);
        if (outcome === 'error' || !Number.isFinite(o.t)) continue;
        // Anything past the end (a very late send) lands in the last point rather than vanishing.
        const i = Math.min(spec.points - 1, Math.max(0, Math.floor((o.t - start) / spec.bucketMs)));
        if (outcome === 'accepted') acc[i]!++;
        else rej[i]!++;
      }
      // Every point gets a sample, zeros included, so the summary lists the whole series.
      for (let i = 0; i < spec.points; i++) {
        accepted[i]!.add(acc[i]!);
        rejected[i]!.add(rej[i]!);
      }
      keys.add(1);
    },
  };
}

export interface SeriesPoint {
  /** Start of the point, ms from the start of the phase. */
  startMs: number;
  accepted: number;
  rejected: number;
}

export interface SeriesSummary {
  windowMs: number;
  bucketMs: number;
  /** Keys (phases) summed into the series. */
  keys: number;
  points: SeriesPoint[];
}

/** The series as the summary holds it; null when no key recorded one (the phase did not run here). */
export function readSeries(data: K6SummaryData, spec: SeriesSpec): SeriesSummary | null {
  const keys = metricValue(data, `${spec.name}_keys`, 'count') ?? 0;
  if (keys === 0) return null;
  const points: SeriesPoint[] = [];
  for (let i = 0; i < spec.points; i++) {
    points.push({
      startMs: i * spec.bucketMs,
      accepted: metricValue(data, `${spec.name}_${i}_accepted`, 'count') ?? 0,
      rejected: metricValue(data, `${spec.name}_${i}_rejected`, 'count') ?? 0,
    });
  }
  return { windowMs: spec.windowMs, bucketMs: spec.bucketMs, keys, points };
}
