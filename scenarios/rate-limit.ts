// k6 scenario `rate-limit`: per key, an under-limit phase (at most half the limit: zero 429s),
// then an over-limit phase (three times the limit or more: accepted requests per window within
// tolerance of the limit; every 429 with a valid Retry-After and error body). Without a stated
// limit it first discovers one and reports the estimate. See docs/k6.md.
//
// Thin: it sends and records (send time, response time, status); lib/ratelimit judges; each
// verdict becomes a check tagged with its contract rule, and options.thresholds turn the checks
// into the exit code. Phases are open-model schedules of http.asyncRequest (drive.ts), so the
// offered rate holds at any network distance.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { estimateLimit, judgeUnderLimit, judgeWindowedAcceptance, type Observation } from '../lib/ratelimit';
import { fmt } from '../lib/verdict';
import type { K6SummaryData } from '../lib/k6-summary';
import type { KeyRef } from './lib/config';
import { config } from './lib/env';
import { keyParams, makeLogger, owe, recordRule } from './lib/k6';
import { judge429, type TooManyContext } from './lib/judge-429';
import { drive } from './lib/drive';
import { settleKey } from './lib/unprovoked-429';
import { planRateLimit } from './lib/plan-rate-limit';
import { metricValue, readSeries, seriesSpec, summaryFromRaw, windowSeries, type SummaryExtras } from './lib/summary';
import { sampled } from './lib/sampling';

const plan = planRateLimit(config);
export const options = plan.options;

// 429 is the expected answer over the limit: it must not count as a failed request.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 429));

const estimateGauge = new Gauge('ratelimit_estimate');
const windowAccepted = new Trend('ratelimit_window_accepted');
// Accepted and 429 per window of the judged phase (over-limit, or discovery), for the HTML report.
const series = seriesSpec('ratelimit_series', plan.mode === 'known' ? plan.overMs : (plan.discovery?.durationMs ?? 0), plan.windowMs);
const seriesRecorder = windowSeries(series, (name) => new Counter(name));
const log = makeLogger(config, 'rate-limit');
const URL = `${config.target.baseUrl}/templates?per_page=1`;
const NAME = 'GET /v1/templates';

interface PhaseResult {
  obs: Observation[];
  /** Index (in send order) of the first request answered 429, -1 if none. */
  first429: number;
  late: number;
  rttSpreadMs: number;
}

async function runPhase(ref: KeyRef, phase: string, rate: number, durationMs: number, ctx: TooManyContext, readBodies: boolean): Promise<PhaseResult> {
  const none = keyParams(ref, NAME, 'none', { phase });
  const text = keyParams(ref, NAME, 'text', { phase });
  let first429 = -1;
  let bodyJudged = false;
  const d = await drive({
    url: URL,
    rate,
    durationMs,
    maxInFlight: plan.maxInFlight,
    // Bodies are read only where judged: sampled, plus every request until one 429 body was seen.
    params: (i) => (sampled(i, plan.sampleEvery) || (readBodies && !bodyJudged) ? text : none),
    onResponse: (res, i) => {
      if (res.status !== 429) return;
      if (first429 < 0 || i < first429) first429 = i;
      judge429(res, ctx, ref.role);
      if (typeof res.body === 'string') bodyJudged = true;
    },
  });
  const r = d.run;
  if (r.late > 0) log(`${ref.role}: ${phase} phase: ${r.late} of ${r.sent} sends started late (${fmt(rate)}/s, at most ${plan.maxInFlight} in flight: raise RUNDUN_MAX_IN_FLIGHT or lower the rate)`);
  log(`${ref.role}: ${phase} phase: ${r.sent} sent at ${fmt(rate)}/s, round trip p50 ${fmt(d.rttP50Ms, 0)} ms (spread ${fmt(d.rttSpreadMs, 0)} ms), at most ${r.maxInFlight} in flight`);
  return { obs: d.obs, first429, late: r.late, rttSpreadMs: d.rttSpreadMs };
}

async function underPhase(ref: KeyRef, limit: number, ctx: TooManyContext): Promise<void> {
  const rate = (plan.underFactor * limit * 1000) / plan.windowMs;
  const under = await runPhase(ref, 'under', rate, plan.underMs, ctx, false);
  const v = judgeUnderLimit(under.obs, { limit, windowMs: plan.windowMs });
  recordRule(v.rule, v.ok);
  log(`${ref.role}: ${v.rule}: ${v.ok ? 'ok' : 'FAILED'}: ${v.reason}`);
}

function reportEstimate(ref: KeyRef, obs: Observation[]): number | null {
  const est = estimateLimit(obs, plan.windowMs);
  log(`${ref.role}: limit estimate: ${est.reason}`);
  if (est.estimate !== null) estimateGauge.add(est.estimate, { key: ref.role });
  return est.ok ? est.estimate : null;
}

/** Waits out whatever earlier traffic left on the key, then one quiet window. */
function settle(ref: KeyRef, what: string): Promise<boolean> {
  const params = keyParams(ref, NAME, 'none', { phase: 'settle' });
  return settleKey(() => http.asyncRequest('GET', URL, null, params), plan.settleMs, `${ref.role}: ${what}`, log, plan.pacing);
}

/** One VU, one key, the whole run (per-vu-iterations, 1 iteration). */
export async function rateLimit(): Promise<void> {
  const ref = plan.keys[exec.scenario.iterationInTest % plan.keys.length] as KeyRef;
  const account = owe(plan.rules, log, ref.role);
  let why: string | undefined;
  try {
    why = await judgeKey(ref);
  } finally {
    account.settle(why);
  }
}

const STILL_THROTTLED = 'the key was still throttled (by earlier traffic) after waiting Retry-After out: the phase did not run';

/** Runs the key's phases; returns why the rest was not judged, if it stopped early. */
async function judgeKey(ref: KeyRef): Promise<string | undefined> {
  const ctx: TooManyContext = { policy: plan.policy, boundedJudged: plan.boundedJudged, log, logged: 0 };
  const W = plan.windowMs;
  // A phase on a key someone else left throttled would blame that traffic on the server.
  if (!(await settle(ref, 'before the first phase'))) return STILL_THROTTLED;

  if (plan.mode === 'known' && plan.limit !== null) {
    const L = plan.limit;
    await underPhase(ref, L, ctx);
    const over = await runPhase(ref, 'over', (plan.overload * L * 1000) / W, plan.overMs, ctx, true);
    const v = judgeWindowedAcceptance(over.obs, { limit: L, windowMs: W, tolerance: plan.tolerance, jitterMs: over.rttSpreadMs });
    recordRule(v.rule, v.ok);
    log(`${ref.role}: ${v.rule}: ${v.ok ? 'ok' : 'FAILED'}: ${v.reason}`);
    for (const w of v.details?.windows.slice(1, -1) ?? []) windowAccepted.add(w.accepted, { key: ref.role });
    seriesRecorder.record(over.obs);
    const met = over.first429 >= 0 && over.first429 + 1 <= 2 * L + 1;
    recordRule('ratelimit.429-status', met);
    if (!met) log(`${ref.role}: ratelimit.429-status: FAILED: ${over.first429 < 0 ? `no 429 in ${over.obs.length} requests at ${plan.overload}× the limit` : `first 429 only at request ${over.first429 + 1}, more than twice the limit (${2 * L})`}`);
    reportEstimate(ref, over.obs);
    return undefined;
  }

  // Discovery: overload at a fixed rate, estimate the limit, then check half of it is served.
  const d = plan.discovery as { rate: number; durationMs: number };
  if (plan.windowAssumed) log(`no RUNDUN_RATE_LIMIT or RUNDUN_RATE_WINDOW: assuming a ${W} ms window for the estimate`);
  const disc = await runPhase(ref, 'discover', d.rate, d.durationMs, ctx, true);
  seriesRecorder.record(disc.obs);
  const met = disc.first429 >= 0 && disc.first429 + 1 <= plan.burstCap;
  recordRule('ratelimit.429-status', met);
  if (!met) log(`${ref.role}: ratelimit.429-status: FAILED: no 429 within ${Math.min(plan.burstCap, disc.obs.length)} requests at ${d.rate}/s: no limit found`);
  const estimate = reportEstimate(ref, disc.obs);
  if (estimate === null || estimate < 1) {
    recordRule('ratelimit.under-limit-no-429', false);
    log(`${ref.role}: ${'ratelimit.under-limit-no-429'}: not judged: no limit was discovered to stay under`);
    return undefined;
  }
  if (!(await settle(ref, 'after discovery'))) return STILL_THROTTLED;
  await underPhase(ref, Math.floor(estimate), ctx);
  return undefined;
}

export function handleSummary(raw: unknown): Record<string, string> {
  return summaryFromRaw('rate-limit', config, raw, options.thresholds, (data: K6SummaryData): SummaryExtras => {
    const est = metricValue(data, 'ratelimit_estimate', 'value');
    const notes = [
      plan.mode === 'known'
        ? `stated limit: ${plan.limit} per ${plan.windowMs} ms; over-limit phase at ${plan.overload}× for ${plan.overMs} ms, tolerance ${plan.tolerance * 100} %`
        : `no stated limit: discovery at ${plan.discovery?.rate}/s for ${plan.discovery?.durationMs} ms`,
      `limit estimate (accepted per ${plan.windowMs} ms window in steady state): ${est === undefined ? 'none' : fmt(est, 2)}`,
    ];
    return {
      notes,
      details: { mode: plan.mode, limit: plan.limit, windowMs: plan.windowMs, estimate: est ?? null, keys: plan.keys.map((k) => k.role), tolerance: plan.tolerance, overload: plan.overload, windows: readSeries(data, series) },
      metrics: ['http_reqs', 'http_req_duration', 'http_req_failed', 'ratelimit_estimate', 'ratelimit_window_accepted'],
    };
  });
}
