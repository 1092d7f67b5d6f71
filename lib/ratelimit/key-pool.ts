// Load tests must not be throttled by the per-key limit they are not testing: spread the load
// over enough keys that each stays at `headroom` × its limit, round-robin.
import { fmt, verdict, type Verdict } from '../verdict';

export interface KeyPoolPlan {
  /** Total requests per second the scenario will send. */
  targetRps: number;
  /** Per-key limit: requests per window. */
  perKeyLimit: number;
  windowSeconds: number;
  /** Share of the limit a key may use, in (0, 1]; default 0.5 (room for bursts and timing). */
  headroom?: number;
}

function invalidPlan(p: KeyPoolPlan): string | null {
  const h = p.headroom ?? 0.5;
  if (!(Number.isFinite(p.targetRps) && p.targetRps > 0)) return `targetRps must be > 0 (got ${p.targetRps})`;
  if (!(Number.isFinite(p.perKeyLimit) && p.perKeyLimit > 0)) return `perKeyLimit must be > 0 (got ${p.perKeyLimit})`;
  if (!(Number.isFinite(p.windowSeconds) && p.windowSeconds > 0)) return `windowSeconds must be > 0 (got ${p.windowSeconds})`;
  if (!(h > 0 && h <= 1)) return `headroom must be in (0, 1] (got ${h})`;
  return null;
}

/** Requests per second one key may carry under the plan. */
export function perKeyBudgetRps(plan: KeyPoolPlan): number {
  return ((plan.headroom ?? 0.5) * plan.perKeyLimit) / plan.windowSeconds;
}

/** Keys needed so that no key exceeds headroom × limit. Throws RangeError on an invalid plan. */
export function sizeKeyPool(plan: KeyPoolPlan): number {
  const bad = invalidPlan(plan);
  if (bad) throw new RangeError(`sizeKeyPool: ${bad}`);
  // The epsilon keeps an exact fit (e.g. 10 rps on a 10 rps budget) from rounding up to 2.
  return Math.max(1, Math.ceil(plan.targetRps / perKeyBudgetRps(plan) - 1e-9));
}

/** Rule 'load.key-pool-sufficient': is a pool of `poolLength` keys enough for the plan? */
export function checkKeyPool(
  poolLength: number,
  plan: KeyPoolPlan,
): Verdict<{ poolLength: number; needed?: number; perKeyRps?: number; perKeyBudgetRps?: number }> {
  const rule = 'load.key-pool-sufficient';
  const bad = invalidPlan(plan);
  if (bad) return verdict(false, rule, `invalid plan: ${bad}`, { poolLength });
  const needed = sizeKeyPool(plan);
  const budget = perKeyBudgetRps(plan);
  const perKeyRps = poolLength > 0 ? plan.targetRps / poolLength : Number.POSITIVE_INFINITY;
  const details = { poolLength, needed, perKeyRps, perKeyBudgetRps: budget };
  const plan_ = `${plan.targetRps} rps at ${plan.perKeyLimit} per ${plan.windowSeconds} s per key with ${fmt((plan.headroom ?? 0.5) * 100)} % headroom`;
  if (poolLength >= needed) return verdict(true, rule, `${poolLength} keys suffice for ${plan_} (${fmt(perKeyRps, 2)} rps per key, budget ${fmt(budget, 2)})`, details);
  return verdict(
    false,
    rule,
    `key pool too small: ${plan_} needs ${needed} keys, have ${poolLength} (${fmt(perKeyRps, 2)} rps per key over the ${fmt(budget, 2)} rps budget): add keys or lower the rate`,
    details,
  );
}

/**
 * Round-robin key index from a test-wide iteration number (k6 `exec.scenario.iterationInTest`,
 * unique and sequential across VUs and instances): every key gets the same share, ±1.
 */
export function keyIndexForIteration(poolLength: number, iterationInTest: number): number {
  if (!(Number.isInteger(poolLength) && poolLength > 0)) throw new RangeError(`poolLength must be a positive integer (got ${poolLength})`);
  return ((Math.trunc(iterationInTest) % poolLength) + poolLength) % poolLength;
}

/**
 * Fallback when only per-VU counters exist (k6 `exec.vu.idInTest`, 1-based, and
 * `exec.vu.iterationInScenario`): VU v starts at key v-1 and steps through the pool, so VUs
 * running at similar speed spread evenly.
 */
export function keyIndexForVu(poolLength: number, vuIdInTest: number, vuIteration: number): number {
  return keyIndexForIteration(poolLength, vuIdInTest - 1 + vuIteration);
}
