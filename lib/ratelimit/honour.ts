// Retry-After honour and tightness. An episode starts when a 429 is received; the client waits
// and probes once. Times are measured from the receipt of the 429 on the client's clock.
import { fmt, verdict, type Verdict } from '../verdict';
import { summarize, type Summary } from '../stats';
import { outcomeOf } from './observations';

export interface Episode {
  /** The delay the 429 asked for (parsed Retry-After), seconds. */
  retryAfterSeconds: number;
  /** How long the client actually waited before the probe. */
  waitedMs: number;
  /** Status of the single probe sent after waiting (0 = no response). */
  probeStatus: number;
  /** When measured (e.g. by probing a twin episode early): the earliest time a retry succeeded. */
  earliestSuccessAfterMs?: number;
}

export interface HonourDetails {
  episodes: number;
  /** Episodes where the client waited at least Retry-After and the probe got a response. */
  eligible: number;
  succeeded: number;
  rate: number;
  /** How much longer than Retry-After the client waited (a large overwait weakens the test). */
  overwaitMs: Summary | null;
  failures: Array<{ index: number; retryAfterSeconds: number; waitedMs: number; probeStatus: number }>;
  tightness: TightnessStats;
}

export interface TightnessStats {
  measured: number;
  /** Retry-After minus the earliest success: how much sooner a retry would have worked. */
  slackMs: Summary | null;
  /** Episodes whose earliest success came after Retry-After (Retry-After too short). */
  tooShort: number;
}

const SHOWN = 5;

function eligible(e: Episode): boolean {
  return Number.isFinite(e.retryAfterSeconds) && e.retryAfterSeconds >= 0 && e.waitedMs >= e.retryAfterSeconds * 1000 && outcomeOf(e.probeStatus) !== 'error';
}

export function tightnessStats(episodes: readonly Episode[]): TightnessStats {
  const slack: number[] = [];
  for (const e of episodes) {
    if (e.earliestSuccessAfterMs === undefined || !Number.isFinite(e.earliestSuccessAfterMs) || !Number.isFinite(e.retryAfterSeconds)) continue;
    slack.push(e.retryAfterSeconds * 1000 - e.earliestSuccessAfterMs);
  }
  return { measured: slack.length, slackMs: summarize(slack), tooShort: slack.filter((s) => s < 0).length };
}

/**
 * Rule 'ratelimit.retry-after-honoured': of the probes sent after waiting at least Retry-After,
 * the share that was not 429 must be at least `minRate` (default 0.99), over at least
 * `minEpisodes` (default 1) eligible episodes. Tightness stats are reported, not judged.
 */
export function judgeHonoured(
  episodes: readonly Episode[],
  opts: { minRate?: number; minEpisodes?: number } = {},
): Verdict<HonourDetails> {
  const minRate = opts.minRate ?? 0.99;
  const minEpisodes = opts.minEpisodes ?? 1;
  const failures: HonourDetails['failures'] = [];
  const overwait: number[] = [];
  let n = 0;
  let ok = 0;
  episodes.forEach((e, index) => {
    if (!eligible(e)) return;
    n++;
    overwait.push(e.waitedMs - e.retryAfterSeconds * 1000);
    if (outcomeOf(e.probeStatus) === 'accepted') ok++;
    else failures.push({ index, retryAfterSeconds: e.retryAfterSeconds, waitedMs: e.waitedMs, probeStatus: e.probeStatus });
  });
  const rate = n === 0 ? 0 : ok / n;
  const details: HonourDetails = {
    episodes: episodes.length,
    eligible: n,
    succeeded: ok,
    rate,
    overwaitMs: summarize(overwait),
    failures: failures.slice(0, SHOWN),
    tightness: tightnessStats(episodes),
  };
  const rule = 'ratelimit.retry-after-honoured';
  if (n < minEpisodes) {
    return verdict(false, rule, `inconclusive: ${n} of ${episodes.length} episodes waited at least Retry-After and got a response, need ${minEpisodes}`, details);
  }
  const summary = `${ok} of ${n} retries after waiting Retry-After succeeded (${fmt(rate * 100)} %, need ≥ ${fmt(minRate * 100)} %)`;
  if (rate >= minRate) return verdict(true, rule, summary, details);
  const examples = details.failures
    .map((f) => `#${f.index}: Retry-After ${f.retryAfterSeconds} s, waited ${fmt(f.waitedMs, 0)} ms, got ${f.probeStatus}`)
    .join('; ');
  return verdict(false, rule, `${summary}: Retry-After is too short (${examples})`, details);
}

export interface TightnessPolicy {
  /** Percentile of the slack that is judged; default 95. */
  percentile?: 50 | 95 | 100;
  /**
   * Largest acceptable slack; default 1000 ms (delay-seconds is rounded up to whole seconds, so
   * up to 1 s of slack is inherent) + `probeResolutionMs`.
   */
  maxSlackMs?: number;
  /** Spacing of the probes that measured the earliest success; default 250 ms. */
  probeResolutionMs?: number;
}

/**
 * Rule 'ratelimit.retry-after-tight' (a SHOULD: Retry-After not needlessly long, e.g. a whole
 * window when the next slot frees sooner). Needs episodes with earliestSuccessAfterMs.
 */
export function judgeTightness(episodes: readonly Episode[], policy: TightnessPolicy = {}): Verdict<TightnessStats & { maxSlackMs: number }> {
  const maxSlackMs = policy.maxSlackMs ?? 1000 + (policy.probeResolutionMs ?? 250);
  const p = policy.percentile ?? 95;
  const stats = tightnessStats(episodes);
  const details = { ...stats, maxSlackMs };
  const rule = 'ratelimit.retry-after-tight';
  if (!stats.slackMs) return verdict(false, rule, 'inconclusive: no episode measured the earliest successful retry', details);
  const value = p === 50 ? stats.slackMs.p50 : p === 95 ? stats.slackMs.p95 : stats.slackMs.max;
  const label = p === 100 ? 'max' : `p${p}`;
  const text = `Retry-After exceeds the earliest successful retry by ${label} ${fmt(value, 0)} ms (p50 ${fmt(stats.slackMs.p50, 0)}, max ${fmt(stats.slackMs.max, 0)}; allowed ≤ ${fmt(maxSlackMs, 0)} ms) over ${stats.measured} episodes`;
  if (value > maxSlackMs) return verdict(false, rule, `${text}: clients are told to wait longer than needed`, details);
  return verdict(true, rule, text, details);
}
