// k6 scenario `soak`: constant arrival rate (RUNDUN_SOAK_RATE) for RUNDUN_DURATION (default 30m); SLO
// thresholds; latency and errors per quarter of the run show drift.
// Request mix and key pool: scenarios/lib/mix.ts; plan and pool sizing: scenarios/lib/plan-load.ts;
// the exports: scenarios/lib/load-entry.ts.
import { loadEntry } from './lib/load-entry';

const entry = loadEntry('soak');
export const options = entry.options;
export const { setup, load, handleSummary } = entry;
