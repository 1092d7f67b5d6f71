// A 429 the scenario did not provoke (the key is still throttled by an earlier run on the same
// keys, a CI job running scenarios back to back, someone else's traffic) is waited out, not
// judged: Retry-After honoured (plus a margin) and bounded, at most a few times, then the
// request is repeated. It is reported as pacing (metrics `pacing_429s`, `pacing_wait_ms`, and a
// log line), and never blamed on the rule the request was for. The decision is pure; the k6
// parts (sleep or timers, metrics) are thin wrappers below.
import { sleep } from 'k6';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import { parseRetryAfter } from '../../lib/retry-after';
import { delay } from './drive';
import { header, type Logger } from './k6';

export interface PacingPolicy {
  /** Longest single wait (ms); a longer Retry-After is cut to this. */
  maxWaitMs: number;
  /** Wait when Retry-After is missing or invalid (ms). */
  fallbackMs: number;
  /** Added to every wait: clock granularity, and the edge's rounding. */
  marginMs: number;
  /** Waits per request before giving up (the last 429 is then returned to the caller). */
  maxWaits: number;
}

export const DEFAULT_PACING: PacingPolicy = { maxWaitMs: 60_000, fallbackMs: 1000, marginMs: 100, maxWaits: 3 };

/** How long to wait after a 429, from its Retry-After (and Date) header; pure. */
export function pacingWaitMs(retryAfter: string | undefined, date: string | undefined, policy: PacingPolicy): { waitMs: number; why: string } {
  const ra = parseRetryAfter(retryAfter, date);
  if (!ra.ok) return { waitMs: policy.fallbackMs + policy.marginMs, why: `Retry-After unusable (${ra.reason}): waited ${policy.fallbackMs} ms` };
  const asked = ra.delaySeconds * 1000;
  if (asked > policy.maxWaitMs) return { waitMs: policy.maxWaitMs + policy.marginMs, why: `Retry-After ${ra.delaySeconds} s cut to ${policy.maxWaitMs} ms` };
  return { waitMs: asked + policy.marginMs, why: `Retry-After ${ra.delaySeconds} s` };
}

// Created at init: every scenario imports this module from its top level.
const pacing429s = new Counter('pacing_429s');
const pacingWait = new Trend('pacing_wait_ms', true);

type Res = RefinedResponse<ResponseType | undefined>;

function note(res: Res, policy: PacingPolicy, log: Logger, what: string, attempt: number): number {
  const w = pacingWaitMs(header(res, 'Retry-After'), header(res, 'Date'), policy);
  pacing429s.add(1);
  pacingWait.add(w.waitMs);
  log(`pacing: ${what}: 429 outside any judged phase (attempt ${attempt}): ${w.why}; waited out, not judged`);
  return w.waitMs;
}

/** Synchronous requests (one VU, blocking is fine): repeats `request` after waiting out a 429. */
export function withPacing(request: () => Res, what: string, log: Logger, policy: PacingPolicy = DEFAULT_PACING): Res {
  let res = request();
  for (let attempt = 1; res.status === 429 && attempt <= policy.maxWaits; attempt++) {
    sleep(note(res, policy, log, what, attempt) / 1000);
    res = request();
  }
  return res;
}


/**
 * Before a phase that must start from an unthrottled key: one probe; while it is answered 429,
 * wait Retry-After (bounded) and probe again; then `quietMs` of quiet, so that the probe itself
 * is out of the limiter's window when the phase starts. Returns whether the key was free (false:
 * the phase's verdicts may be inconclusive, and the log says why).
 */
export async function settleKey(probe: () => Promise<Res>, quietMs: number, what: string, log: Logger, policy: PacingPolicy = DEFAULT_PACING): Promise<boolean> {
  let res = await probe();
  let free = true;
  for (let attempt = 1; res.status === 429; attempt++) {
    if (attempt > policy.maxWaits) {
      log(`pacing: ${what}: still throttled after ${policy.maxWaits} waits; the next phase starts on a throttled key`);
      free = false;
      break;
    }
    await delay(note(res, policy, log, what, attempt));
    res = await probe();
  }
  await delay(quietMs);
  return free;
}
