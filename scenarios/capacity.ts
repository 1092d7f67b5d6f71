// k6 scenario `capacity`: ramping-arrival-rate through RUNDUN_STAGES (requests per second), each held for
// RUNDUN_STAGE_DURATION; SLO thresholds on p95 latency and error rate; the summary names the knee
// (the highest stage that held, with every stage below it holding).
// Request mix and key pool: scenarios/lib/mix.ts; plan and pool sizing: scenarios/lib/plan-load.ts;
// the exports: scenarios/lib/load-entry.ts.
import { loadEntry } from './lib/load-entry';

const entry = loadEntry('capacity');
export const options = entry.options;
export const { setup, load, handleSummary } = entry;
