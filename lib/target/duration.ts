// The one duration grammar of every duration, window and rate setting (RUNDUN_DURATION,
// RUNDUN_RATE_WINDOW, RUNDUN_RATE_LIMIT's window, the simulator's --rate-limit): a number,
// optionally decimal, then ms, s, m or h; a bare number is seconds. No spaces, no compounds
// ("1m30s"): a duration reads the same in both engines and in the simulator.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const EXAMPLES = 'e.g. 500ms, 10s, 2m, 1h, or seconds';

/** Milliseconds of "500ms", "10s", "1.5s", "2m", "1h" or "30" (seconds). Throws a readable Error. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a duration (${EXAMPLES})`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? 's'] as number);
}

/** A rate-limit window: a duration that is a whole number of milliseconds, at least 1. */
export function parseWindow(text: string): number {
  const ms = parseDuration(text);
  if (!Number.isSafeInteger(ms) || ms < 1) throw new Error(`window '${text}' must be a whole number of milliseconds, at least 1ms`);
  return ms;
}

export interface RateSpec {
  limit: number;
  windowMs: number;
}

/**
 * `<limit>/<window>`: "20/1s", "20/s" (the number of a window may be left out), "100/500ms",
 * "600/1m", "20/30" (seconds). The window follows the duration grammar above.
 */
export function parseRateSpec(text: string): RateSpec {
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`rate '${text}' is not of the form <limit>/<window>, e.g. 20/1s, 100/500ms, 600/1m`);
  const limit = Number(m[1]);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`rate '${text}': the limit must be a positive integer`);
  const window = m[2] as string;
  let windowMs: number;
  try {
    windowMs = parseWindow(/^(ms|s|m|h)$/.test(window) ? `1${window}` : window);
  } catch (e) {
    throw new Error(`rate '${text}': the window must be positive (${(e as Error).message})`);
  }
  return { limit, windowMs };
}

