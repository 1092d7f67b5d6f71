// k6 scenario `spike`: base rate, a sudden spike (RUNDUN_SPIKE_RATE), back to base; SLO thresholds;
// latency and errors before, during and after the spike.
// Request mix and key pool: scenarios/lib/mix.ts; plan and pool sizing: scenarios/lib/plan-load.ts;
// the exports: scenarios/lib/load-entry.ts.
import { loadEntry } from './lib/load-entry';

const entry = loadEntry('spike');
export const options = entry.options;
export const { setup, load, handleSummary } = entry;
