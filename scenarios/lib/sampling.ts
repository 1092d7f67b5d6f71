// Deterministic sampling of responses for schema validation on the hot path: every n-th, so a
// run validates the same share whatever its timing. No k6 imports.

/** Every `1/rate`-th call (rate 0 = never, 1 = always). */
export function sampleEvery(rate: number): number {
  if (!(rate > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.round(1 / Math.min(1, rate)));
}

export function sampled(i: number, every: number): boolean {
  return Number.isFinite(every) && i % every === 0;
}
