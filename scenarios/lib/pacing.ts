// Open-model pacing inside one VU: send i is due at start + i / rate, whatever the latency of
// earlier sends (k6 requests are synchronous, so a VU that falls behind sends the next one at
// once). More than one interval behind, the schedule is re-anchored instead of catching up in a
// burst: a burst would break an under-limit phase and blur an over-limit one. Bounded by count
// and time. Pure: the clock and sleep are parameters (k6's Date.now/sleep, or fakes in tests).

export interface Clock {
  now(): number;
  /** Blocks for `ms` milliseconds (k6: sleep(ms / 1000)). */
  sleepMs(ms: number): void;
}

export interface PaceOptions {
  /** Sends per second. */
  rate: number;
  /** Phase length: no send is started at or after start + durationMs. */
  durationMs: number;
  /** Hard cap on sends (default: what the rate allows in the duration, plus one). */
  maxSends?: number;
  /** Phase start (default: now). */
  startAt?: number;
}

export interface PaceResult {
  sent: number;
  /** Sends that started more than one interval late (the VU could not keep up). */
  late: number;
  startedAt: number;
  endedAt: number;
}

/**
 * Calls `send(i, t)` on schedule; `send` returns false to end the phase early. `t` is the
 * client time just before the send.
 */
export function pace(clock: Clock, opts: PaceOptions, send: (i: number, t: number) => boolean | void): PaceResult {
  if (!(opts.rate > 0) || !Number.isFinite(opts.rate)) throw new RangeError(`pace: rate must be a positive number (got ${opts.rate})`);
  if (!(opts.durationMs >= 0)) throw new RangeError(`pace: durationMs must be >= 0 (got ${opts.durationMs})`);
  const interval = 1000 / opts.rate;
  const start = opts.startAt ?? clock.now();
  const end = start + opts.durationMs;
  const maxSends = opts.maxSends ?? Math.ceil((opts.durationMs / 1000) * opts.rate) + 1;
  let next = start;
  let sent = 0;
  let late = 0;
  while (sent < maxSends) {
    let now = clock.now();
    if (next > now) {
      if (next >= end) break;
      clock.sleepMs(next - now);
      now = clock.now();
    }
    if (now >= end || next >= end) break;
    if (now - next > interval) {
      late++;
      next = now; // re-anchor: no catch-up burst
    }
    sent++;
    const go = send(sent - 1, now);
    next += interval;
    if (go === false) break;
  }
  return { sent, late, startedAt: start, endedAt: clock.now() };
}

/** Sleeps until `t` (no-op when it has passed). */
export function sleepUntil(clock: Clock, t: number): void {
  const now = clock.now();
  if (t > now) clock.sleepMs(t - now);
}
