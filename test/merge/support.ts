// Synthetic per-instance summaries in the format scenarios/lib/summary.ts writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { thresholdResults, allChecks, type K6MetricSummary, type K6SummaryData } from '../../lib/k6-summary';
import type { InstanceInput, InstanceSummary } from '../../lib/merge-summaries';

export type MetricSpec = { type: K6MetricSummary['type']; values: Record<string, number>; thresholds?: Record<string, boolean>; contains?: K6MetricSummary['contains'] };

/** One instance's summary: metrics with their thresholds' own verdicts; the `thresholds` list derived as summary.ts does. */
export function instance(scenario: string, metrics: Record<string, MetricSpec>, extra: Partial<InstanceSummary> = {}): InstanceSummary {
  const m: Record<string, K6MetricSummary> = {};
  for (const [k, spec] of Object.entries(metrics)) {
    const entry: K6MetricSummary = { type: spec.type, values: spec.values };
    if (spec.contains) entry.contains = spec.contains;
    if (spec.thresholds) entry.thresholds = Object.fromEntries(Object.entries(spec.thresholds).map(([e, ok]) => [e, { ok }]));
    m[k] = entry;
  }
  const data: K6SummaryData = { metrics: m };
  const thresholds = thresholdResults(data);
  return {
    scenario,
    generatedAt: '2025-01-01T00:00:00.000Z',
    target: { baseUrl: 'http://127.0.0.1:4010/v1', source: 'fixtures' },
    pass: thresholds.length > 0 && thresholds.every((t) => t.ok),
    thresholds,
    checks: [],
    notes: [],
    details: {},
    testRunDurationMs: 1000,
    metrics: m,
    ...extra,
  };
}

export function inputs(...summaries: InstanceSummary[]): InstanceInput[] {
  return summaries.map((summary, i) => ({ file: `reports/i${i + 1}/${summary.scenario}.summary.json`, summary }));
}

/** A summary.json built from handleSummary data recorded from a real k6 (test/merge/fixtures). */
export function fromRecorded(file: string, scenario = 'probe'): InstanceSummary {
  const data = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')) as K6SummaryData;
  const thresholds = thresholdResults(data);
  return {
    scenario,
    generatedAt: '2025-01-01T00:00:00.000Z',
    target: null,
    pass: thresholds.every((t) => t.ok),
    thresholds,
    checks: allChecks(data.root_group),
    notes: [],
    details: {},
    testRunDurationMs: data.state?.testRunDurationMs ?? null,
    metrics: data.metrics,
  };
}
