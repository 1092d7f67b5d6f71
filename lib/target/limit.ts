// The expected per-key limit from RUNDUN_RATE_LIMIT ("20/1s", "20", "off") and
// RUNDUN_RATE_WINDOW (the window of a bare limit; alone, the window discovery assumes). Both in
// the one duration grammar, in both engines.
import { parseRateSpec, parseWindow, type RateSpec } from './duration';

export interface ExpectedLimit {
  /** null: not given, or off. */
  limit: RateSpec | null;
  /** RUNDUN_RATE_LIMIT=off: the target has no per-key limit. */
  off: boolean;
  /** RUNDUN_RATE_WINDOW, when given. */
  windowMs: number | null;
}

const WHAT = 'RUNDUN_RATE_LIMIT / RUNDUN_RATE_WINDOW';

export function readExpectedLimit(limitText: string | undefined, windowText: string | undefined): ExpectedLimit {
  const raw = (limitText ?? '').trim();
  const rawWindow = (windowText ?? '').trim();
  let windowMs: number | null = null;
  try {
    if (rawWindow !== '') windowMs = parseWindow(rawWindow);
  } catch (e) {
    throw new Error(`${WHAT}: ${(e as Error).message}`);
  }
  if (raw === '') return { limit: null, off: false, windowMs };
  if (/^off$/i.test(raw)) return { limit: null, off: true, windowMs };
  let limit: RateSpec;
  try {
    limit = parseRateSpec(/^\d+$/.test(raw) ? `${raw}/${rawWindow === '' ? '1s' : rawWindow}` : raw);
  } catch (e) {
    throw new Error(`${WHAT}: ${(e as Error).message}`);
  }
  if (windowMs !== null && windowMs !== limit.windowMs)
    throw new Error(`${WHAT}: RUNDUN_RATE_LIMIT=${raw} has a ${limit.windowMs} ms window but RUNDUN_RATE_WINDOW=${rawWindow} says ${windowMs} ms: give one`);
  return { limit, off: false, windowMs: limit.windowMs };
}

/** The limit alone (null when not given or off): "20/1s", or "20" with a window ("1s", "30"). */
export function parseExpectedLimit(limit: string | undefined, window: string | undefined): RateSpec | null {
  return readExpectedLimit(limit, window).limit;
}
