// k6 scenario `capacity`: ramping-arrival-rate through RUNDUN_STAGES (requests per second), each held for
// RUNDUN_STAGE_DURATION; SLO thresholds on p95 latency and error rate; the summary names the knee
// (the highest stage that held, with every stage below it holding).
// Request mix and key pool: scenarios/lib/mix.ts; plan and pool sizing: scenarios/lib/plan-load.ts.
import type { K6SummaryData } from '../lib/k6-summary';
import { config } from './lib/env';
import { createLoad, type MixData } from './lib/mix';
import { planLoad } from './lib/plan-load';

const plan = planLoad(config, 'capacity');
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
