// k6 scenario `key-isolation`: key A driven at three times its limit while a second key of the
// same org and a key of another org send at half theirs: those two get no 429 (rule
// ratelimit.isolation). Then one key spread over several VUs (and, with K6_LOCAL_IPS in k6's
// environment, several source addresses) is still limited as one key. The design (who judges
// what, and why) is in lib/plan-isolation.ts and docs/k6.md. Every part sends non-blocking
// requests on an open-model schedule (drive.ts), so the rates hold at any network distance.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';
import { judgeIsolation, type Observation } from '../lib/ratelimit';
import type { K6SummaryData } from '../lib/k6-summary';
import type { KeyRef } from './lib/config';
import { config } from './lib/env';
import { keyParams, makeLogger, owe, recordRule } from './lib/k6';
import { drive } from './lib/drive';
import { thisInstance } from './lib/instance';
import { planIsolation, spreadShare, type SpreadPlan } from './lib/plan-isolation';
import { metricValue, readSeries, seriesSpec, summaryFromRaw, windowSeries, type SummaryExtras } from './lib/summary';

const plan = planIsolation(config);
export const options = plan.options;

http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 429));

// Reported and summed by the merge command.
const spreadSent = new Counter('spread_sent');
const spreadAccepted = new Counter('spread_accepted');
// Judged: shares of the planned steady sends (see plan-isolation.ts: a Rate passes when empty,
// so an instance that does not own the spread part passes).
const spreadAcceptedShare = new Rate('spread_accepted_share');
const spreadSentShare = new Rate('spread_sent_share');
// One counter per K6_LOCAL_IPS address: each spread VU adds 1 to the one k6 bound it to, so the
// summary reports the addresses the VU ids really mapped to, not the ones that were configured.
const spreadVusOnAddress = (plan.spread?.addressList ?? []).map((_, i) => new Counter(`spread_vus_addr_${i}`));
const SPREAD_TAGS = { rule: 'ratelimit.isolation' };
// Accepted and 429 per window, key A and the bystanders (summed), for the HTML report.
const throttledSeriesSpec = seriesSpec('isolation_throttled_series', plan.durationMs, plan.windowMs);
const bystanderSeriesSpec = seriesSpec('isolation_bystander_series', plan.bystanderDurationMs, plan.windowMs);
const throttledSeries = windowSeries(throttledSeriesSpec, (name) => new Counter(name));
const bystanderSeries = windowSeries(bystanderSeriesSpec, (name) => new Counter(name));
const log = makeLogger(config, 'key-isolation');
const URL = `${config.target.baseUrl}/templates?per_page=1`;
const NAME = 'GET /v1/templates';

async function send(ref: KeyRef, part: string, rate: number, durationMs: number, startAt: number): Promise<Observation[]> {
  const params = keyParams(ref, NAME, 'none', { part });
  const d = await drive({ url: URL, rate, durationMs, startAt, maxInFlight: plan.maxInFlight, params: () => params });
  if (d.run.late > 0) log(`${ref.role}: ${part}: ${d.run.late} of ${d.run.sent} sends started late`);
  return d.obs;
}

/** Key A: 3× its limit for the whole first part; it must really be throttled while bystanders run. */
export async function throttledKey(): Promise<void> {
  const account = owe(['ratelimit.isolation'], log, `${plan.throttled.role} (throttled key)`);
  try {
    const start = Date.now();
    const obs = await send(plan.throttled, 'throttled', plan.overRate, plan.durationMs, start);
    throttledSeries.record(obs, start);
    const from = start + plan.bystanderStartMs;
    const to = from + plan.bystanderDurationMs;
    const rejected = obs.filter((o) => o.status === 429 && o.t >= from && o.t < to).length;
    const ok = rejected > 0;
    recordRule('ratelimit.isolation', ok);
    log(`${plan.throttled.role} (throttled key): ${ok ? 'ok' : 'FAILED'}: ${rejected} 429s of ${obs.length} requests while the bystanders ran${ok ? '' : ': never throttled, nothing to be isolated from'}`);
  } finally {
    account.settle();
  }
}

/** Secondary / other_org: half their limit while A is throttled; a 429 while quiet is a leak. */
export async function bystanderKey(): Promise<void> {
  const ref = plan.bystanders[exec.scenario.iterationInTest % plan.bystanders.length] as KeyRef;
  const account = owe(['ratelimit.isolation'], log, `${ref.role} (bystander)`);
  try {
    const start = Date.now();
    const obs = await send(ref, 'bystander', plan.bystanderRate, plan.bystanderDurationMs, start);
    bystanderSeries.record(obs, start);
    // A's side is checked by A's own VU (throttledKey); here A's throttled span is the schedule's.
    // On a split run A may be on another instance: a correct server still never throttles a
    // bystander at half its limit, so this cannot raise a false alarm.
    const span: Observation[] = [
      { t: start, status: 429 },
      { t: start + plan.bystanderDurationMs - plan.windowMs, status: 429 },
    ];
    const v = judgeIsolation({ throttled: span, bystanders: { [ref.role]: obs } }, { limit: plan.limit, windowMs: plan.windowMs, quietFraction: plan.quietFraction });
    recordRule(v.rule, v.ok);
    log(`${ref.role} (bystander): ${v.ok ? 'ok' : 'FAILED'}: ${v.reason}`);
  } finally {
    account.settle();
  }
}

/**
 * One of the VUs sharing one key (with K6_LOCAL_IPS, on the address k6 bound to its VU id):
 * counts its steady part. The part belongs to ONE instance of a split run, the one that owns
 * the spread scenario's first iteration; there its VUs carry the whole spread rate.
 */
export async function spreadKey(): Promise<void> {
  const s = plan.spread as SpreadPlan;
  let inst: ReturnType<typeof thisInstance>;
  try {
    inst = thisInstance();
  } catch (e) {
    // Never skip the part silently: its Rates would then pass empty.
    owe(['ratelimit.isolation'], log, `${s.key.role} (spread)`).settle(`cannot read this instance's execution segment: ${(e as Error).message}`);
    return;
  }
  if (!inst.ownsGlobal(0)) return; // another instance runs the spread part
  const local = inst.scale(s.vus);
  const j = exec.scenario.iterationInInstance % local;
  const account = owe([], log, `${s.key.role} (spread ${j + 1} of ${local})`);
  try {
    if (spreadVusOnAddress.length > 0) {
      // k6 (js/runner.go): VU n's dialer binds LocalIPs.Pool.GetIP(n - 1), the pool in listed order.
      (spreadVusOnAddress[(Math.max(1, exec.vu.idInInstance) - 1) % spreadVusOnAddress.length] as Counter).add(1);
    }
    const t0 = exec.scenario.startTime;
    const ratePerVu = s.totalRate / local;
    const offset = j * (1000 / s.totalRate); // interleave the VUs' sends evenly
    const obs = await send(s.key, 'spread', ratePerVu, Math.max(0, s.durationMs - offset), t0 + offset);
    const steadyFrom = t0 + plan.windowMs;
    let sent = 0;
    let accepted = 0;
    for (const o of obs) {
      if (o.t < steadyFrom || o.status < 100) continue;
      sent++;
      if (o.status !== 429) accepted++;
    }
    spreadSent.add(sent, SPREAD_TAGS);
    spreadAccepted.add(accepted, SPREAD_TAGS);
    // This VU's share of the planned steady sends, padded so the Rates' totals are the plan's.
    const share = spreadShare(s.plannedSteadySends, local, j);
    const slots = Math.max(share, sent);
    for (let k = 0; k < slots; k++) {
      spreadAcceptedShare.add(k < accepted, SPREAD_TAGS);
      spreadSentShare.add(k < sent, SPREAD_TAGS);
    }
  } finally {
    account.settle();
  }
}

export function handleSummary(raw: unknown): Record<string, string> {
  return summaryFromRaw('key-isolation', config, raw, options.thresholds, (data: K6SummaryData): SummaryExtras => {
    const notes: string[] = [];
    let spreadAddressesUsed: string[] = [];
    if (plan.spread) {
      const s = plan.spread;
      const acc = metricValue(data, 'spread_accepted', 'count') ?? 0;
      const sent = metricValue(data, 'spread_sent', 'count') ?? 0;
      const used = s.addressList.filter((_, i) => (metricValue(data, `spread_vus_addr_${i}`, 'count') ?? 0) > 0);
      const from = s.localIPs ? `from ${used.length} of ${s.addressList.length} local addresses (${s.sourceNote})` : `from ${s.sourceNote}`;
      notes.push(`spread: ${s.key.role} over ${s.vus} VUs ${from}: ${acc} of ${sent} accepted in ${s.steadyWindows} steady windows; one key may accept ${s.acceptedMin}..${s.acceptedMax}`);
      spreadAddressesUsed = used;
    }
    return {
      notes,
      details: { limit: plan.limit, windowMs: plan.windowMs, throttled: plan.throttled.role, bystanders: plan.bystanders.map((k) => k.role), bystanderStartMs: plan.bystanderStartMs, series: { throttled: readSeries(data, throttledSeriesSpec), bystanders: readSeries(data, bystanderSeriesSpec) }, spread: plan.spread ? { ...plan.spread, key: plan.spread.key.role, addressesUsed: spreadAddressesUsed } : null },
      metrics: ['http_reqs', 'http_req_duration', 'spread_sent', 'spread_accepted'],
    };
  });
}
