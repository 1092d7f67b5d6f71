// k6 scenario `soak`: constant arrival rate (RUNDUN_SOAK_RATE) for RUNDUN_DURATION (default 30m); SLO
// thresholds; latency and errors per quarter of the run show drift.
// Request mix and key pool: scenarios/lib/mix.ts; plan and pool sizing: scenarios/lib/plan-load.ts.
import type { K6SummaryData } from '../lib/k6-summary';
import { config } from './lib/env';
import { createLoad, type MixData } from './lib/mix';
import { planLoad } from './lib/plan-load';

const plan = planLoad(config, 'soak');
export const options = plan.options;
const mix = createLoad(config, plan);

export function setup(): MixData {
  return mix.setup();
}

export function load(data: MixData): void {
  mix.iteration(data);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return mix.handleSummary(data);
}
