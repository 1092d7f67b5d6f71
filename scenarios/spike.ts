// k6 scenario `spike`: base rate, a sudden spike (RUNDUN_SPIKE_RATE), back to base; SLO thresholds;
// latency and errors before, during and after the spike.
// Request mix and key pool: scenarios/lib/mix.ts; plan and pool sizing: scenarios/lib/plan-load.ts.
import type { K6SummaryData } from '../lib/k6-summary';
import { config } from './lib/env';
import { createLoad, type MixData } from './lib/mix';
import { planLoad } from './lib/plan-load';

const plan = planLoad(config, 'spike');
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
