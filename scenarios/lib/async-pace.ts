// Open-model load for one key from ONE VU, at any network distance: send i is due at
// start + i / rate and goes out with a non-blocking request (k6's http.asyncRequest), so several
// requests are in flight at once and the offered rate does not depend on the round trip (a
// blocking loop offers at most 1 / RTT per second: 19.6/s at 50 ms). Driven by timers
// (setTimeout, k6 ≥ 0.43), never by a busy loop.
//
// Bounds: no send due at or after start + durationMs (a due send may leave up to the late
// tolerance after it; timers fire in whole milliseconds), at most maxSends, at most maxInFlight
// outstanding (a due send waits for a free slot; waiting longer than the late tolerance makes it
// late). Every request is recorded with its send time, response time and status.
//
// Lateness: a send that starts more than `lateToleranceMs` (default max(2 intervals, 10 ms)) after
// it was due is late. Further behind than that the schedule is re-anchored at now instead of
// catching up in a burst: a burst would break an under-limit phase and blur an over-limit one.
// Within the tolerance, due sends are caught up in the same timer tick (timers fire in whole
// milliseconds; at 3,000/s three sends are due per millisecond).
//
// Engine-agnostic: the clock and the timer are parameters (k6's Date.now / setTimeout by default,
// vitest's fake timers in tests).

export interface Timer {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

export interface OpenModelOptions {
  /** Sends per second. */
  rate: number;
  /** Phase length: no send is due at or after start + durationMs. */
  durationMs: number;
  /** Most requests outstanding at once (default 512). */
  maxInFlight?: number;
  /** Hard cap on sends (default: what the rate allows in the duration, plus one). */
  maxSends?: number;
  /** Phase start on the timer's clock (default: now). */
  startAt?: number;
  /** How late a send may start before it counts as late and the schedule is re-anchored. */
  lateToleranceMs?: number;
  /** Checked before each send: true ends the phase (e.g. "a 429 arrived"). */
  stop?: () => boolean;
  timer?: Timer;
}

export interface SendRecord {
  /** Index of the send in the phase (0-based). */
  i: number;
  /** Client time just before the request was issued. */
  sentAt: number;
  /** Client time the response (or the error) arrived. */
  receivedAt: number;
  /** HTTP status; 0 when no response arrived. */
  status: number;
}

export interface OpenModelResult {
  sent: number;
  late: number;
  /** Most requests outstanding at any moment. */
  maxInFlight: number;
  /** Sends that had to wait for a free in-flight slot. */
  waitedForSlot: number;
  startedAt: number;
  /** When the last response arrived (every request settled). */
  endedAt: number;
  /** In send order. */
  records: SendRecord[];
}

export const DEFAULT_MAX_IN_FLIGHT = 512;

export const k6Timer: Timer = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
};

/** The late tolerance for a rate: two intervals, and never under 10 ms (timer granularity, GC pauses). */
export function lateTolerance(rate: number): number {
  return Math.max(2 * (1000 / rate), 10);
}

/**
 * Runs one open-model phase. `send(i, sentAt)` issues request i and returns a promise of its
 * status (a rejected promise counts as status 0). Resolves when every request has settled.
 */
export function runOpenModel(opts: OpenModelOptions, send: (i: number, sentAt: number) => Promise<{ status: number }>): Promise<OpenModelResult> {
  if (!(opts.rate > 0) || !Number.isFinite(opts.rate)) return Promise.reject(new RangeError(`runOpenModel: rate must be a positive number (got ${opts.rate})`));
  if (!(opts.durationMs >= 0) || !Number.isFinite(opts.durationMs)) return Promise.reject(new RangeError(`runOpenModel: durationMs must be a finite number >= 0 (got ${opts.durationMs})`));
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) return Promise.reject(new RangeError(`runOpenModel: maxInFlight must be a whole number >= 1 (got ${maxInFlight})`));
  const timer = opts.timer ?? k6Timer;
  const interval = 1000 / opts.rate;
  const tolerance = opts.lateToleranceMs ?? lateTolerance(opts.rate);
  const start = opts.startAt ?? timer.now();
  const end = start + opts.durationMs;
  const maxSends = opts.maxSends ?? Math.ceil((opts.durationMs / 1000) * opts.rate) + 1;

  const records: SendRecord[] = [];
  // Due times from an anchor and a count, not by adding intervals up (no floating-point drift).
  let anchor = start;
  let k = 0;
  let next = start;
  let late = 0;
  let inFlight = 0;
  let peak = 0;
  let waitedForSlot = 0;
  let waiting = false;
  let sendingDone = false;

  return new Promise<OpenModelResult>((resolve) => {
    const finish = () => {
      if (sendingDone && inFlight === 0) {
        resolve({ sent: records.length, late, maxInFlight: peak, waitedForSlot, startedAt: start, endedAt: timer.now(), records });
      }
    };
    const settle = (r: SendRecord, status: number) => {
      r.receivedAt = timer.now();
      r.status = status;
      inFlight--;
      if (sendingDone) finish();
      else if (waiting) {
        // A slot freed up for a send that was due: go now rather than at the next tick.
        waiting = false;
        tick();
      }
    };
    const issue = (now: number) => {
      const r: SendRecord = { i: records.length, sentAt: now, receivedAt: Number.NaN, status: 0 };
      records.push(r);
      inFlight++;
      if (inFlight > peak) peak = inFlight;
      let p: Promise<{ status: number }>;
      try {
        p = send(r.i, now);
      } catch {
        p = Promise.resolve({ status: 0 });
      }
      p.then(
        (res) => settle(r, typeof res?.status === 'number' ? res.status : 0),
        () => settle(r, 0),
      );
    };
    function tick(): void {
      if (sendingDone) return;
      for (;;) {
        const now = timer.now();
        if (records.length >= maxSends || next >= end || now >= end + tolerance || (opts.stop !== undefined && opts.stop())) {
          sendingDone = true;
          finish();
          return;
        }
        if (next > now) {
          timer.setTimeout(tick, Math.max(0, Math.ceil(next - now)));
          return;
        }
        if (inFlight >= maxInFlight) {
          if (!waiting) waitedForSlot++;
          waiting = true;
          // Also poll: a slot may free only after the phase end, which must still end the phase.
          timer.setTimeout(() => {
            if (waiting) {
              waiting = false;
              tick();
            }
          }, Math.max(1, Math.ceil(Math.min(interval, end - now))));
          return;
        }
        if (now - next > tolerance) {
          late++;
          anchor = now; // re-anchor: no catch-up burst
          k = 0;
        }
        issue(now);
        k++;
        next = anchor + k * interval;
      }
    }
    tick();
  });
}
