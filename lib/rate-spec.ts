// "20/1s", "100/500ms", "600/1m": the rate-limit notation used by the simulator CLI, the
// conformance config (RUNDUN_RATE_LIMIT) and the k6 scenarios. One parser for all three.
export interface RateSpec {
  limit: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses `<limit>/<n><unit>` (unit ms, s or m; n defaults to 1). Throws a readable Error. */
export function parseRateSpec(text: string): RateSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d*)\s*(ms|s|m)\s*$/.exec(text);
  if (!m) throw new Error(`rate '${text}' is not of the form <limit>/<window>, e.g. 20/1s, 100/500ms, 600/1m`);
  const limit = Number(m[1]);
  const windowMs = Number(m[2] === '' ? 1 : m[2]) * UNIT_MS[m[3]!]!;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`rate '${text}': the limit must be a positive integer`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new Error(`rate '${text}': the window must be positive`);
  return { limit, windowMs };
}

/** Parses a window alone: "1s", "500ms", "1m", or a bare number of seconds ("60"). */
export function parseWindow(text: string): number {
  if (/^\s*\d+\s*$/.test(text)) return parseRateSpec(`1/${text.trim()}s`).windowMs;
  return parseRateSpec(`1/${text.trim()}`).windowMs;
}

export function formatRateSpec(r: RateSpec): string {
  return r.windowMs % 60_000 === 0
    ? `${r.limit}/${r.windowMs / 60_000}m`
    : r.windowMs % 1000 === 0
      ? `${r.limit}/${r.windowMs / 1000}s`
      : `${r.limit}/${r.windowMs}ms`;
}
