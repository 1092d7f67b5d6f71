// What the capacity, soak and spike entries export: the same request mix under a different
// arrival profile. k6 needs the exports on each entry module; this builds them once per kind.
import type { K6SummaryData } from '../../lib/k6-summary';
import { config } from './env';
import { createLoad, type MixData } from './mix';
import { planLoad, type LoadKind } from './plan-load';

export function loadEntry(kind: LoadKind) {
  const plan = planLoad(config, kind);
  const mix = createLoad(config, plan);
  return {
    options: plan.options,
    setup: (): MixData => mix.setup(),
    load: (data: MixData): void => mix.iteration(data),
    handleSummary: (data: K6SummaryData): Record<string, string> => mix.handleSummary(data),
  };
}
