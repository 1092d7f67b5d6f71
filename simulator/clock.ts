// Two clocks, on purpose:
// - wall time (epoch ms) plus an offset that the admin API or a test can advance: run
//   timestamps, run expiry and the Date header follow it, so expiry can be tested without
//   waiting 24 hours;
// - a monotonic clock for rate limiting, which advancing the wall clock does NOT move (jumping
//   the clock forward must not hand out fresh rate-limit windows, and real wall-clock steps
//   must not either).
import { performance } from 'node:perf_hooks';

export interface SimClock {
  /** Wall time in epoch ms, including the advance offset. */
  now(): number;
  /** Monotonic integer ms for rate limiting; never moved by advance(). */
  monotonic(): number;
  /** Moves wall time forward by ms (>= 0). */
  advance(ms: number): void;
  /** Total advance so far, in ms. */
  offsetMs(): number;
}

export interface ClockSources {
  wall?: () => number;
  monotonic?: () => number;
}

// Integer ms: the limiter's exactness argument (wait, then retry, succeeds) needs integer
// arithmetic, and flooring only makes the limiter see time slightly late, never early.
const defaultMonotonic = (): number => Math.floor(performance.now());

export function createSimClock(sources: ClockSources = {}): SimClock {
  const wall = sources.wall ?? Date.now;
  const mono = sources.monotonic ?? defaultMonotonic;
  let offset = 0;
  return {
    now: () => wall() + offset,
    monotonic: mono,
    advance(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance must be a finite, non-negative number of ms');
      offset += ms;
    },
    offsetMs: () => offset,
  };
}

/** Hand-driven time for tests: tick() moves wall and monotonic time together, like real time. */
export interface ManualTime {
  wall(): number;
  monotonic(): number;
  tick(ms: number): void;
}

export function createManualTime(startWallMs = Date.UTC(2025, 0, 1), startMonotonicMs = 1_000): ManualTime {
  let wall = startWallMs;
  let mono = startMonotonicMs;
  return {
    wall: () => wall,
    monotonic: () => mono,
    tick(ms: number): void {
      if (!Number.isInteger(ms) || ms < 0) throw new RangeError('tick takes a non-negative integer of ms');
      wall += ms;
      mono += ms;
    },
  };
}
