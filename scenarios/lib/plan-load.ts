// Plans of the load profiles (capacity, soak, spike) that share one request mix over a key
// pool. Pure, unit-tested. The pool is sized, not guessed: with a known per-key limit the plan
// refuses (throws at init, before any traffic) when the pool cannot keep every key at or under
// half its limit at the profile's peak rate (lib/ratelimit/key-pool.ts).
import { checkKeyPool } from '../../lib/ratelimit';
import type { Slo } from '../../lib/capacity';
import type { Verdict } from '../../lib/verdict';
import { ConfigError, duration, fraction, k6Duration, keyOf, number, numberList, spreadKeyOf, type KeyRef, type RundunConfig } from './config';
import { ruleThresholds, SUMMARY_TREND_STATS, type K6Options } from './options';
import { sampleEvery } from './sampling';

export type LoadKind = 'capacity' | 'soak' | 'spike';

/** A stretch of steady load whose latency and errors are measured on their own. */
export interface Plateau {
  label: string;
  rps: number;
  /** From / to, ms after the scenario starts. */
  fromMs: number;
  toMs: number;
}

export interface LoadPlan {
  kind: LoadKind;
  pool: KeyRef[];
  peakRps: number;
  plateaus: Plateau[];
  slo: Slo;
  writeShare: number;
  /** The repeating operation table (see opTable). */
  ops: Op[];
  sampleEvery: number;
  /** VUs for the arrival-rate executor (see vuSizing). */
  vus: VuSizing;
  poolVerdict: Verdict | null;
  /** Why the pool was not checked (no per-key limit), for the report. */
  poolNote: string;
  totalMs: number;
  options: K6Options;
}

export const LOAD_EXEC = 'load';

export interface VuSizing {
  /** VUs busy at once at the peak rate if every request took twice the p95 SLO (at least 5). */
  needed: number;
  preAllocatedVUs: number;
  maxVUs: number;
  /** Set when RUNDUN_MAX_VUS caps the VUs below `needed`: iterations may drop within the SLO. */
  warning: string | null;
}

/**
 * VUs for an arrival-rate executor. k6 drops an iteration (dropped_iterations, which the load
 * thresholds hold to 0) whenever no VU is free at its start, and only then starts another one
 * (up to maxVUs), so pre-allocate what the peak rate keeps busy (Little's law: rate × time per
 * iteration; one request each) with the time taken as twice the p95 SLO. While iterations take
 * at most the SLO, at most ceil(rps × SLO) + 1 overlap, which ceil(2 × rps × SLO) covers once
 * rps × SLO >= 1 and the floor of 5 covers below; the factor 2 also absorbs a slower tail.
 * maxVUs leaves room to grow past that when latency degrades, so the latency threshold, not
 * only dropped iterations, shows it.
 */
export function vuSizing(peakRps: number, sloP95Ms: number, maxVusOverride?: number): VuSizing {
  const needed = Math.max(5, Math.ceil(peakRps * (sloP95Ms / 1000) * 2));
  const maxVUs = maxVusOverride ?? Math.max(20, Math.ceil(peakRps), 2 * needed);
  const preAllocatedVUs = Math.min(maxVUs, needed);
  const warning =
    maxVUs < needed
      ? `RUNDUN_MAX_VUS=${maxVUs} is below the ${needed} VUs that ${peakRps} rps keeps busy at twice the p95 SLO (${sloP95Ms} ms): iterations may be dropped even within the SLO`
      : null;
  return { needed, preAllocatedVUs, maxVUs, warning };
}

function poolFor(cfg: RundunConfig): KeyRef[] {
  // key-isolation's spread key is left out (when there are others), so that running the
  // scenarios back to back never sends load on a key that one left throttled.
  const spread = spreadKeyOf(cfg);
  const all = cfg.keys.filter((k) => k.role.startsWith('pool-'));
  const pool = all.length > 1 && spread ? all.filter((k) => k.key !== spread.key) : all;
  if (pool.length > 0) return pool;
  const primary = keyOf(cfg, 'primary');
  return primary ? [primary] : [];
}

function checkPool(cfg: RundunConfig, pool: KeyRef[], peakRps: number): { verdict: Verdict | null; note: string } {
  if (cfg.limitOff) return { verdict: null, note: 'the target has no per-key rate limit: any pool size will do' };
  if (!cfg.limit) {
    throw new ConfigError(
      'load scenarios size the key pool from the per-key limit: set RUNDUN_RATE_LIMIT (e.g. 20/1s), or RUNDUN_RATE_LIMIT=off if the target has none',
    );
  }
  const v = checkKeyPool(pool.length, { targetRps: peakRps, perKeyLimit: cfg.limit.limit, windowSeconds: cfg.limit.windowMs / 1000, headroom: 0.5 });
  if (!v.ok) throw new ConfigError(`${v.rule}: ${v.reason} (RUNDUN_API_KEYS is the pool)`);
  return { verdict: v, note: v.reason };
}

export function planLoad(cfg: RundunConfig, kind: LoadKind): LoadPlan {
  const env = cfg.env;
  const pool = poolFor(cfg);
  if (pool.length === 0) throw new ConfigError(`${kind} needs API keys: RUNDUN_API_KEYS (the pool) or RUNDUN_API_KEY`);
  const plateaus: Plateau[] = [];
  let scenario: NonNullable<K6Options['scenarios']>[string];
  let peakRps: number;
  let totalMs: number;
  const slo: Slo = {
    p95Ms: number(env, 'RUNDUN_SLO_P95_MS', 300, { min: 0.001 }),
    errorRate: fraction(env, 'RUNDUN_SLO_ERROR_RATE', 0.01),
  };
  const maxVusOverride = (env.RUNDUN_MAX_VUS ?? '').trim() === '' ? undefined : number(env, 'RUNDUN_MAX_VUS', 0, { min: 1, max: 100_000, integer: true });
  const vusFor = (rps: number) => {
    const v = vuSizing(rps, slo.p95Ms, maxVusOverride);
    return { preAllocatedVUs: v.preAllocatedVUs, maxVUs: v.maxVUs };
  };

  if (kind === 'capacity') {
    const stages = numberList(env, 'RUNDUN_STAGES', [10, 20, 40]);
    // k6 reads arrival rates as integers (int64).
    if (stages.some((r) => !Number.isInteger(r))) throw new ConfigError(`RUNDUN_STAGES must be whole requests per second (k6 rates are integers), got '${env.RUNDUN_STAGES}'`);
    const holdMs = duration(env, 'RUNDUN_STAGE_DURATION', 30_000, 1000);
    const rampMs = duration(env, 'RUNDUN_RAMP_DURATION', 5000, 0);
    peakRps = Math.max(...stages);
    const k6Stages: Array<{ target: number; duration: string }> = [];
    let t = 0;
    stages.forEach((rps, i) => {
      // Always a ramp stage, even of 0 ms (k6 accepts it: a jump), so the hold that follows is
      // flat; without it the hold would ramp linearly from the previous stage's rate.
      k6Stages.push({ target: rps, duration: k6Duration(rampMs) });
      t += rampMs;
      k6Stages.push({ target: rps, duration: k6Duration(holdMs) });
      plateaus.push({ label: `stage ${i + 1}`, rps, fromMs: t, toMs: t + holdMs });
      t += holdMs;
    });
    totalMs = t;
    scenario = { executor: 'ramping-arrival-rate', exec: LOAD_EXEC, startRate: 0, timeUnit: '1s', stages: k6Stages, ...vusFor(peakRps) };
  } else if (kind === 'soak') {
    const rps = number(env, 'RUNDUN_SOAK_RATE', 10, { min: 1, max: 100_000, integer: true });
    totalMs = duration(env, 'RUNDUN_DURATION', 30 * 60_000, 4000);
    peakRps = rps;
    // Quarters of the run, to show drift (leaks, growing queues) rather than one average.
    for (let q = 0; q < 4; q++) plateaus.push({ label: `quarter ${q + 1}`, rps, fromMs: (q * totalMs) / 4, toMs: ((q + 1) * totalMs) / 4 });
    scenario = { executor: 'constant-arrival-rate', exec: LOAD_EXEC, rate: rps, timeUnit: '1s', duration: k6Duration(totalMs), ...vusFor(rps) };
  } else {
    const base = number(env, 'RUNDUN_BASE_RATE', 5, { min: 1, max: 100_000, integer: true });
    const spike = number(env, 'RUNDUN_SPIKE_RATE', 40, { min: 1, max: 100_000, integer: true });
    const holdMs = duration(env, 'RUNDUN_STAGE_DURATION', 60_000, 1000);
    const rampMs = duration(env, 'RUNDUN_RAMP_DURATION', 10_000, 0);
    peakRps = Math.max(base, spike);
    const k6Stages = [
      { target: base, duration: k6Duration(holdMs) },
      { target: spike, duration: k6Duration(rampMs) },
      { target: spike, duration: k6Duration(holdMs) },
      { target: base, duration: k6Duration(rampMs) },
      { target: base, duration: k6Duration(holdMs) },
    ];
    plateaus.push(
      { label: 'before', rps: base, fromMs: 0, toMs: holdMs },
      { label: 'spike', rps: spike, fromMs: holdMs + rampMs, toMs: 2 * holdMs + rampMs },
      { label: 'after', rps: base, fromMs: 2 * holdMs + 2 * rampMs, toMs: 3 * holdMs + 2 * rampMs },
    );
    totalMs = 3 * holdMs + 2 * rampMs;
    scenario = { executor: 'ramping-arrival-rate', exec: LOAD_EXEC, startRate: base, timeUnit: '1s', stages: k6Stages, ...vusFor(peakRps) };
  }

  const { verdict, note } = checkPool(cfg, pool, peakRps);
  // Runs are billed to the org: create them by default only against loopback (the simulator).
  const writeShare = fraction(env, 'RUNDUN_WRITE_SHARE', cfg.loopback ? 0.05 : 0);
  const options: K6Options = {
    scenarios: { [kind]: { ...scenario, gracefulStop: '30s' } },
    thresholds: {
      http_req_duration: [`p(95)<${slo.p95Ms}`],
      http_req_failed: [`rate<${slo.errorRate}`],
      dropped_iterations: ['count==0'],
      [`throttled_requests{rule:${'load.key-pool-sufficient'}}`]: ['count==0'],
      ...ruleThresholds(['load.key-pool-sufficient'], 'rate==1', false),
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
    setupTimeout: '60s',
  };
  const vus = vuSizing(peakRps, slo.p95Ms, maxVusOverride);
  return { kind, pool, peakRps, plateaus, slo, writeShare, ops: opTable(writeShare), sampleEvery: sampleEvery(cfg.validateSample), vus, poolVerdict: verdict, poolNote: note, totalMs, options };
}

export type Op = 'listTemplates' | 'getTemplate' | 'listRuns' | 'createRun' | 'getRun';

/** Shares of the request mix: reads dominate; writes (billable runs) as configured. */
export function mixWeights(writeShare: number): Record<Op, number> {
  const reads = 1 - 3 * writeShare;
  return { listTemplates: 0.45 * reads, getTemplate: 0.35 * reads, listRuns: 0.2 * reads, createRun: writeShare, getRun: 2 * writeShare };
}

/**
 * A repeating table of operations with the mix's shares, evenly interleaved (largest deficit
 * first), so any run of consecutive iterations carries the mix, not clumps of one operation.
 */
export function opTable(writeShare: number, slots = 100): Op[] {
  if (!(writeShare >= 0 && writeShare <= 0.25)) throw new ConfigError(`RUNDUN_WRITE_SHARE must be within 0..0.25 (got ${writeShare})`);
  const w = mixWeights(writeShare);
  const ops = Object.keys(w) as Op[];
  const count: Record<Op, number> = { listTemplates: 0, getTemplate: 0, listRuns: 0, createRun: 0, getRun: 0 };
  const table: Op[] = [];
  for (let k = 1; k <= slots; k++) {
    let best = ops[0] as Op;
    let deficit = Number.NEGATIVE_INFINITY;
    for (const op of ops) {
      const d = w[op] * k - count[op];
      if (d > deficit) {
        deficit = d;
        best = op;
      }
    }
    count[best]++;
    table.push(best);
  }
  return table;
}
