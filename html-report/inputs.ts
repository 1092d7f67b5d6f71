// What the HTML report is built from: each part is there (the parsed JSON a run wrote) or not
// run, with the reason. The k6 summaries are read defensively: a field of the wrong type reads
// as absent, so a summary from another version of the harness renders what it can.
import type { ConformanceReport } from '../conformance/report/build';
import type { ThresholdResult } from '../lib/k6-summary';

export type Part<T> = { ok: true; data: T; file: string } | { ok: false; reason: string };

/** reports/<scenario>.summary.json as scenarios/lib/summary.ts writes it (the fields read here). */
export interface ScenarioSummary {
  scenario: string;
  generatedAt?: string;
  target?: { baseUrl?: string; source?: string };
  pass: boolean;
  error?: string;
  thresholds: ThresholdResult[];
  notes: string[];
  details: Record<string, unknown>;
  metrics: Record<string, { type?: string; values?: Record<string, number> }>;
  testRunDurationMs?: number | null;
  /** Instances merged (npm run merge); details are then the first instance's, under the merged ones. */
  merged?: number;
}

export const K6_SCENARIOS = ['smoke', 'rate-limit', 'retry-after', 'key-isolation', 'capacity', 'soak', 'spike'] as const;
export type K6Scenario = (typeof K6_SCENARIOS)[number];

export interface ReportInputs {
  conformance: Part<ConformanceReport>;
  k6: Record<K6Scenario, Part<ScenarioSummary>>;
  /** Why the k6 parts may be missing (e.g. k6 not installed), shown with each missing part. */
  k6Note?: string;
  generatedAt: string;
}

export type Rec = Record<string, unknown>;

export const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
export const numOr = (v: unknown, d?: number): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : d);
export const strOr = (v: unknown, d?: string): string | undefined => (typeof v === 'string' ? v : d);
export const arrOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A summary metric's value, e.g. metric(s, 'ratelimit_estimate', 'value'). */
export function metric(s: ScenarioSummary, name: string, stat: string): number | undefined {
  return numOr(s.metrics?.[name]?.values?.[stat]);
}

export interface Series {
  windowMs: number;
  bucketMs: number;
  keys: number;
  points: Array<{ startMs: number; accepted: number; rejected: number }>;
}

/** A per-window series (scenarios/lib/summary.ts readSeries) from summary details, or null. */
export function readSeriesField(v: unknown): Series | null {
  if (!isRec(v)) return null;
  const windowMs = numOr(v.windowMs);
  const bucketMs = numOr(v.bucketMs);
  if (windowMs === undefined || bucketMs === undefined || !(bucketMs > 0)) return null;
  const points = arrOf(v.points)
    .filter(isRec)
    .map((p) => ({ startMs: numOr(p.startMs, 0)!, accepted: numOr(p.accepted, 0)!, rejected: numOr(p.rejected, 0)! }));
  // Trailing points with nothing sent are the series' spare slot, not data.
  while (points.length > 0 && points[points.length - 1]!.accepted + points[points.length - 1]!.rejected === 0) points.pop();
  return { windowMs, bucketMs, keys: Math.max(1, numOr(v.keys, 1)!), points };
}

/**
 * A series for the report. On a merged summary (npm run merge: details per instance, counters
 * summed) the points are re-read from the summed counters named `prefix`, on the first
 * instance's spacing, so the chart shows the whole run rather than one instance.
 */
export function seriesOf(s: ScenarioSummary, field: unknown, prefix: string): Series | null {
  const own = readSeriesField(field);
  if (!own || !s.merged) return own;
  const keys = metric(s, `${prefix}_keys`, 'count');
  if (keys === undefined) return own;
  const points: Series['points'] = [];
  for (let i = 0; metric(s, `${prefix}_${i}_accepted`, 'count') !== undefined || metric(s, `${prefix}_${i}_rejected`, 'count') !== undefined; i++) {
    points.push({ startMs: i * own.bucketMs, accepted: metric(s, `${prefix}_${i}_accepted`, 'count') ?? 0, rejected: metric(s, `${prefix}_${i}_rejected`, 'count') ?? 0 });
    if (i > 10_000) break;
  }
  return readSeriesField({ windowMs: own.windowMs, bucketMs: own.bucketMs, keys, points });
}

/** Parses a summary file's JSON; a clear reason when it is not one. */
export function parseScenarioSummary(json: unknown, file: string): Part<ScenarioSummary> {
  if (!isRec(json)) return { ok: false, reason: `${file} is not a JSON object` };
  if (typeof json.scenario !== 'string' || typeof json.pass !== 'boolean') return { ok: false, reason: `${file} is not a k6 scenario summary (no scenario name or pass flag)` };
  return {
    ok: true,
    file,
    data: {
      scenario: json.scenario,
      pass: json.pass,
      ...(typeof json.generatedAt === 'string' ? { generatedAt: json.generatedAt } : {}),
      ...(isRec(json.target) ? { target: { baseUrl: strOr(json.target.baseUrl), source: strOr(json.target.source) } } : {}),
      ...(typeof json.error === 'string' ? { error: json.error } : {}),
      thresholds: arrOf(json.thresholds).filter(isRec) as unknown as ThresholdResult[],
      notes: arrOf(json.notes).filter((n): n is string => typeof n === 'string'),
      details: detailsOf(json),
      ...(isRec(json.merged) && typeof json.merged.instances === 'number' ? { merged: json.merged.instances } : {}),
      metrics: isRec(json.metrics) ? (json.metrics as ScenarioSummary['metrics']) : {},
      testRunDurationMs: numOr(json.testRunDurationMs) ?? null,
    },
  };
}

/** A merged summary keeps each instance's details: the first's (limit, window, plan) under the merged ones (knee, stages). */
function detailsOf(json: Rec): Rec {
  const d = isRec(json.details) ? json.details : {};
  const first = arrOf(d.instances).find(isRec);
  if (!isRec(json.merged) || !first || !isRec(first.details)) return d;
  const { instances: _instances, ...rest } = d;
  return { ...first.details, ...rest };
}

/** Parses conformance.json; a clear reason when it is not one. */
export function parseConformance(json: unknown, file: string): Part<ConformanceReport> {
  if (!isRec(json) || !Array.isArray(json.rules) || !isRec(json.matrix) || !isRec(json.totals)) return { ok: false, reason: `${file} is not a conformance report (no rules, matrix or totals)` };
  return { ok: true, file, data: json as unknown as ConformanceReport };
}
