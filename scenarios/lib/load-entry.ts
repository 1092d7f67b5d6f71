// What the capacity, soak and spike entries export: the same request mix under a different
// arrival profile. k6 needs the exports on each entry module; this builds them once per kind.
import type { K6SummaryData } from '../../lib/k6-summary';
import { config } from './env';
import { createLoad, type MixData } from './mix';
import { planLoad, type LoadKind } from './plan-load';
import { withSummaryData } from './summary';

export function loadEntry(kind: LoadKind) {
  const plan = planLoad(config, kind);
  const mix = createLoad(config, plan);
  return {
    options: plan.options,
    setup: (): MixData => mix.setup(),
    load: (data: MixData): void => mix.iteration(data),
    // k6 hands either summary shape: normalised first (thresholds re-evaluated where k6 gives no outcomes).
    handleSummary: (raw: unknown): Record<string, string> =>
      withSummaryData(kind, config, raw, plan.options.thresholds, (data: K6SummaryData) => mix.handleSummary(data)),
  };
}
