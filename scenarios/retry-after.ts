// k6 scenario `retry-after`: on each 429 the key goes quiet, waits Retry-After and probes once;
// at least 99 % of those probes must succeed (rule ratelimit.retry-after-honoured). A second key
// measures how much earlier a retry would already have worked (ratelimit.retry-after-tight,
// reported, not failed: the contract marks it informational). See docs/k6.md.
//
// The key is driven into its 429 with non-blocking requests (drive.ts), so at a distance several
// are still in flight when the first 429 arrives; each of them may carry its own Retry-After.
// The wait is measured from the arrival of the 429 whose Retry-After ends LAST (arrival + delay),
// so the probe honours every 429 the client received.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { judgeHonoured, judgeTightness, type Episode } from '../lib/ratelimit';
import type { RetryAfter } from '../lib/retry-after';
import { fmt } from '../lib/verdict';
import type { K6SummaryData } from '../lib/k6-summary';
import type { KeyRef } from './lib/config';
import { config } from './lib/env';
import { keyParams, makeLogger, owe, recordRule } from './lib/k6';
import { judge429, type TooManyContext } from './lib/judge-429';
import { delay, drive } from './lib/drive';
import { planRetryAfter } from './lib/plan-retry-after';
import { metricValue, summaryFromRaw, type SummaryExtras } from './lib/summary';
import { sampled } from './lib/sampling';
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

/** Drives the key over its limit until a 429 arrives; returns every 429 received (judged). */
async function driveInto429(d: Driver, end: number): Promise<Hit[]> {
  const hits: Hit[] = [];
  const durationMs = Math.max(0, end - Date.now());
  if (durationMs === 0) return hits;
  await drive({
    url: URL,
    rate: plan.overRate,
    durationMs,
    maxInFlight: plan.maxInFlight,
    stop: () => hits.length > 0,
    params: () => (sampled(d.sends++, plan.sampleEvery) || !d.bodyJudged ? d.text : d.none),
    onResponse: (res) => {
      if (res.status !== 429) return;
      const receivedAt = Date.now();
      hits.push({ ra: judge429(res, d.ctx, d.ref.role), receivedAt });
      if (typeof res.body === 'string') d.bodyJudged = true;
    },
  });
  return hits;
}

/** The 429 whose Retry-After ends last, or null when none carried a usable one. */
function latestDeadline(hits: readonly Hit[]): { hit: Hit; wait: number } | null {
  let best: { hit: Hit; wait: number } | null = null;
  for (const hit of hits) {
    if (!hit.ra.ok) continue;
    const wait = hit.ra.delaySeconds;
    if (best === null || hit.receivedAt + wait * 1000 > best.hit.receivedAt + best.wait * 1000) best = { hit, wait };
  }
  return best;
}

/**
 * Drives the key into its next 429s and reads the wait they announce, skipping rounds whose
 * Retry-After cannot be honoured; null when the phase is over (or the wait is too long to honour).
 */
async function nextEpisode(d: Driver, end: number): Promise<{ hit: Hit; wait: number } | null> {
  while (Date.now() < end) {
    const hits = await driveInto429(d, end);
    if (hits.length === 0) return null;
    const e = latestDeadline(hits);
    if (e === null) {
      // Nothing valid to wait for: back off a window (or a second) and try again.
      await delay(plan.windowMs ?? 1000);
      continue;
    }
    if (e.wait > plan.maxWaitSeconds) {
      log(`${d.ref.role}: Retry-After ${e.wait} s exceeds RUNDUN_MAX_RETRY_AFTER=${plan.maxWaitSeconds} s: stopping this key`);
      return null;
    }
    return e;
  }
  return null;
}

export async function honour(): Promise<void> {
  const ref = plan.honourKeys[exec.scenario.iterationInTest % plan.honourKeys.length] as KeyRef;
  const account = owe(plan.rules, log, ref.role);
  try {
    await honourKey(ref);
  } finally {
    account.settle();
  }
}

async function honourKey(ref: KeyRef): Promise<void> {
  const d = driver(ref, 'honour');
  const end = Date.now() + plan.durationMs;
  const episodes: Episode[] = [];
  let judged = 0;
  for (let e = await nextEpisode(d, end); e !== null; e = await nextEpisode(d, end)) {
    const { hit, wait } = e;
    // Quiet, then exactly one probe.
    await delay(hit.receivedAt + wait * 1000 + plan.marginMs - Date.now());
    const sentAt = Date.now();
    const probe = await http.asyncRequest('GET', URL, null, d.none);
    const ep: Episode = { retryAfterSeconds: wait, waitedMs: sentAt - hit.receivedAt, probeStatus: probe.status };
    episodes.push(ep);
    episodesCounter.add(1);
    retryAfterSeconds.add(wait);
    if (ep.waitedMs >= wait * 1000 && probe.status >= 100) {
      recordRule('ratelimit.retry-after-honoured', probe.status !== 429);
      judged++;
    }
    if (probe.status === 429) judge429(probe, d.ctx, ref.role);
  }
  const v = judgeHonoured(episodes, { minRate: plan.minRate });
  // The per-episode checks above are this key's evidence (the threshold pools them over all
  // keys; recording the per-key verdict as well would count each episode twice). A key with no
  // judged episode has no evidence: its account records the rule as not judged (failed).
  log(`${ref.role}: ${v.rule}: ${v.ok ? 'ok' : 'FAILED'}: ${v.reason}${judged === 0 ? ' (no episode judged)' : ''}`);
}

export async function tightness(): Promise<void> {
  const ref = plan.tightKey as KeyRef;
  const d = driver(ref, 'tightness');
  const end = Date.now() + plan.durationMs;
  const episodes: Episode[] = [];
  for (let e = await nextEpisode(d, end); e !== null; e = await nextEpisode(d, end)) {
    const { hit, wait } = e;
    const cap = hit.receivedAt + wait * 1000 + (plan.windowMs ?? 1000) + 1000;
    for (let k = 1; ; k++) {
      const due = hit.receivedAt + k * plan.probeResolutionMs;
      if (due > cap) break;
      await delay(due - Date.now());
      const sentAt = Date.now();
      const p = await http.asyncRequest('GET', URL, null, d.none);
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

export function handleSummary(raw: unknown): Record<string, string> {
  return summaryFromRaw('retry-after', config, raw, options.thresholds, (data: K6SummaryData): SummaryExtras => {
    const h = data.metrics[ruleThresholdKey('ratelimit.retry-after-honoured')]?.values;
    const episodes = metricValue(data, 'retry_after_episodes', 'count') ?? 0;
    const honoured = episodes === 0
      ? 'no episode: no honour key got a 429 it could wait out (recorded as a failure, not skipped)'
      : h ? `${h.passes ?? 0} of ${(h.passes ?? 0) + (h.fails ?? 0)} retries after waiting Retry-After succeeded (${fmt((h.rate ?? 0) * 100)} %, need ≥ ${plan.minRate * 100} %)` : 'no episode';
    const p50 = metricValue(data, 'retry_after_slack_ms', 'med');
    const p95 = metricValue(data, 'retry_after_slack_ms', 'p(95)');
    const max = metricValue(data, 'retry_after_slack_ms', 'max');
    const n = metricValue(data, 'retry_after_slack_ms', 'count');
    const tight = n ? `Retry-After exceeds the earliest successful retry by p50 ${fmt(p50 ?? 0, 0)} ms, p95 ${fmt(p95 ?? 0, 0)} ms, max ${fmt(max ?? 0, 0)} ms over ${n} episodes (probes every ${plan.probeResolutionMs} ms)` : 'tightness not measured';
    return {
      notes: [`honoured: ${honoured}`, `tightness (informational): ${tight}`],
      details: { honoured: h ?? null, tightnessMs: n ? { p50, p95, max, count: n } : null, keys: plan.honourKeys.map((k) => k.role), tightKey: plan.tightKey?.role ?? null },
      metrics: ['http_reqs', 'http_req_duration', 'retry_after_episodes', 'retry_after_seconds', 'retry_after_slack_ms'],
    };
  });
}
