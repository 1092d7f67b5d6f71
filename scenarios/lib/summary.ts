// handleSummary for every scenario: reports/<scenario>.summary.json, reports/<scenario>.junit.xml
// (one test case per threshold) and a compact text summary on stdout. Pure: the converters live
// in lib/k6-summary.ts; this only names the files and redacts every configured key from all of
// them as a last line of defence.
import { outcome, thresholdResults, allChecks, toJUnit, toTextSummary, type K6SummaryData } from '../../lib/k6-summary';
import { redactSecrets } from '../../lib/redact';
import type { RundunConfig } from './config';

export interface SummaryExtras {
  /** Lines for the text summary (the limit estimate, the knee, ...). */
  notes?: string[];
  /** Scenario-specific results for the JSON report. */
  details?: Record<string, unknown>;
  /** Metrics to list in the text summary. */
  metrics?: string[];
}

export function summaryFiles(scenario: string, cfg: RundunConfig, data: K6SummaryData, extras: SummaryExtras = {}, now = new Date()): Record<string, string> {
  const keys = cfg.keys.map((k) => k.key);
  const o = outcome(data);
  const report = {
    scenario,
    generatedAt: now.toISOString(),
    target: { baseUrl: cfg.target.baseUrl, source: cfg.source, limit: cfg.limit, limitOff: cfg.limitOff },
    pass: o.pass,
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
