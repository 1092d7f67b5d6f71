// k6 scenario `retry-after`: on each 429 the key goes quiet, waits Retry-After and probes once;
// at least 99 % of those probes must succeed (rule ratelimit.retry-after-honoured). A second key
// measures how much earlier a retry would already have worked (ratelimit.retry-after-tight,
// reported, not failed: the contract marks it informational). See docs/k6.md.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { judgeHonoured, judgeTightness, type Episode } from '../lib/ratelimit';
import type { RetryAfter } from '../lib/retry-after';
import { fmt, RULES } from '../lib/verdict';
import type { K6SummaryData } from '../lib/k6-summary';
import type { KeyRef } from './lib/config';
import { config } from './lib/env';
import { k6Clock, keyParams, makeLogger, recordRule } from './lib/k6';
import { judge429, type TooManyContext } from './lib/too-many';
import { pace, sleepUntil } from './lib/pacing';
import { planRetryAfter } from './lib/plan-retry-after';
import { metricValue, summaryFiles } from './lib/summary';
import { sampled } from './lib/verdicts';
import { ruleThresholdKey } from './lib/options';

const plan = planRetryAfter(config);
export const options = plan.options;

http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 429));

const retryAfterSeconds = new Trend('retry_after_seconds');
const slackMs = new Trend('retry_after_slack_ms', true);
const episodesCounter = new Counter('retry_after_episodes');
const log = makeLogger(config, 'retry-after');
const URL = `${config.target.baseUrl}/templates?per_page=1`;
const NAME = 'GET /v1/templates';

interface Hit {
  ra: RetryAfter;
  /** Client time the 429 was received. */
  receivedAt: number;
}

interface Driver {
  ref: KeyRef;
  ctx: TooManyContext;
  sends: number;
  bodyJudged: boolean;
  none: ReturnType<typeof keyParams>;
  text: ReturnType<typeof keyParams>;
}

function driver(ref: KeyRef, phase: string): Driver {
  return {
    ref,
    ctx: { policy: plan.policy, boundedJudged: plan.boundedJudged, log, logged: 0 },
    sends: 0,
    bodyJudged: false,
    none: keyParams(ref, NAME, 'none', { phase }),
    text: keyParams(ref, NAME, 'text', { phase }),
  };
}

/** Sends one request; on 429 judges it and returns the hit. */
function send(d: Driver): Hit | null {
  const withBody = sampled(d.sends++, plan.sampleEvery) || !d.bodyJudged;
  const res = http.get(URL, withBody ? d.text : d.none);
  if (res.status !== 429) return null;
  const receivedAt = Date.now();
  const ra = judge429(res, d.ctx, d.ref.role);
  if (withBody) d.bodyJudged = true;
  return { ra, receivedAt };
}

/** Drives the key over its limit until the first 429 (or the end of the run). */
function driveInto429(d: Driver, end: number): Hit | null {
  let hit: Hit | null = null;
  pace(k6Clock, { rate: plan.overRate, durationMs: Math.max(0, end - Date.now()) }, () => {
    hit = send(d);
    return hit === null;
  });
  return hit;
}

/** The wait a Retry-After asks for, or null (reported) when it cannot be honoured here. */
function waitSeconds(d: Driver, hit: Hit): number | null {
  if (!hit.ra.ok) {
    // Nothing valid to wait for: back off a window (or a second) and try again.
    sleepUntil(k6Clock, Date.now() + (plan.windowMs ?? 1000));
    return null;
  }
  if (hit.ra.delaySeconds > plan.maxWaitSeconds) {
    log(`${d.ref.role}: Retry-After ${hit.ra.delaySeconds} s exceeds RUNDUN_MAX_RETRY_AFTER=${plan.maxWaitSeconds} s: stopping this key`);
    return Number.NaN;
  }
  return hit.ra.delaySeconds;
}

/**
 * Drives the key into its next 429 and reads the wait it announces, skipping 429s whose
 * Retry-After cannot be honoured; null when the phase is over (or the wait is unusable).
 */
function nextEpisode(d: Driver, end: number): { hit: Hit; wait: number } | null {
  while (Date.now() < end) {
    const hit = driveInto429(d, end);
    if (hit === null) return null;
    const wait = waitSeconds(d, hit);
    if (wait === null) continue;
    if (Number.isNaN(wait)) return null;
    return { hit, wait };
  }
  return null;
}

export function honour(): void {
  const ref = plan.honourKeys[exec.scenario.iterationInTest % plan.honourKeys.length] as KeyRef;
  const d = driver(ref, 'honour');
  const end = Date.now() + plan.durationMs;
  const episodes: Episode[] = [];
  let judged = 0;
  for (let e = nextEpisode(d, end); e !== null; e = nextEpisode(d, end)) {
    const { hit, wait } = e;
    // Quiet, then exactly one probe.
    sleepUntil(k6Clock, hit.receivedAt + wait * 1000 + plan.marginMs);
    const sentAt = Date.now();
    const probe = http.get(URL, d.none);
    const ep: Episode = { retryAfterSeconds: wait, waitedMs: sentAt - hit.receivedAt, probeStatus: probe.status };
    episodes.push(ep);
    episodesCounter.add(1);
    retryAfterSeconds.add(wait);
    if (ep.waitedMs >= wait * 1000 && probe.status >= 100) {
      recordRule(RULES.retryAfterHonoured, probe.status !== 429);
      judged++;
    }
    if (probe.status === 429) judge429(probe, d.ctx, ref.role);
  }
  const v = judgeHonoured(episodes, { minRate: plan.minRate });
  // The per-episode checks above are this key's evidence (the threshold pools them over all
  // keys; recording the per-key verdict as well would count each episode twice). A key with no
  // judged episode has no evidence at all: record its (inconclusive, failed) verdict, since an
  // empty Rate passes in k6.
  if (judged === 0) recordRule(v.rule, v.ok);
  log(`${ref.role}: ${v.rule}: ${v.ok ? 'ok' : 'FAILED'}: ${v.reason}`);
}

export function tightness(): void {
  const ref = plan.tightKey as KeyRef;
  const d = driver(ref, 'tightness');
  const end = Date.now() + plan.durationMs;
  const episodes: Episode[] = [];
  for (let e = nextEpisode(d, end); e !== null; e = nextEpisode(d, end)) {
    const { hit, wait } = e;
    const cap = hit.receivedAt + wait * 1000 + (plan.windowMs ?? 1000) + 1000;
    for (let k = 1; ; k++) {
      const due = hit.receivedAt + k * plan.probeResolutionMs;
      if (due > cap) break;
      sleepUntil(k6Clock, due);
      const sentAt = Date.now();
      const p = http.get(URL, d.none);
      if (p.status >= 100 && p.status !== 429) {
        const earliest = sentAt - hit.receivedAt;
        episodes.push({ retryAfterSeconds: wait, waitedMs: earliest, probeStatus: p.status, earliestSuccessAfterMs: earliest });
        slackMs.add(wait * 1000 - earliest);
        break;
      }
      if (p.status === 429) judge429(p, d.ctx, ref.role);
    }
  }
  const v = judgeTightness(episodes, { probeResolutionMs: plan.probeResolutionMs });
  // Informational rule: a check for the record, deliberately without a threshold.
  recordRule(v.rule, v.ok);
  log(`${ref.role}: ${v.rule} (informational): ${v.reason}`);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  const h = data.metrics[ruleThresholdKey(RULES.retryAfterHonoured)]?.values;
  const episodes = metricValue(data, 'retry_after_episodes', 'count') ?? 0;
  const honoured = episodes === 0
    ? 'no episode: no honour key got a 429 it could wait out (recorded as a failure, not skipped)'
    : h ? `${h.passes ?? 0} of ${(h.passes ?? 0) + (h.fails ?? 0)} retries after waiting Retry-After succeeded (${fmt((h.rate ?? 0) * 100)} %, need ≥ ${plan.minRate * 100} %)` : 'no episode';
  const p50 = metricValue(data, 'retry_after_slack_ms', 'med');
  const p95 = metricValue(data, 'retry_after_slack_ms', 'p(95)');
  const max = metricValue(data, 'retry_after_slack_ms', 'max');
  const n = metricValue(data, 'retry_after_slack_ms', 'count');
  const tight = n ? `Retry-After exceeds the earliest successful retry by p50 ${fmt(p50 ?? 0, 0)} ms, p95 ${fmt(p95 ?? 0, 0)} ms, max ${fmt(max ?? 0, 0)} ms over ${n} episodes (probes every ${plan.probeResolutionMs} ms)` : 'tightness not measured';
  return summaryFiles('retry-after', config, data, {
    notes: [`honoured: ${honoured}`, `tightness (informational): ${tight}`],
    details: { honoured: h ?? null, tightnessMs: n ? { p50, p95, max, count: n } : null, keys: plan.honourKeys.map((k) => k.role), tightKey: plan.tightKey?.role ?? null },
    metrics: ['http_reqs', 'http_req_duration', 'retry_after_episodes', 'retry_after_seconds', 'retry_after_slack_ms'],
  });
}
