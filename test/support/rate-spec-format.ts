// Writes a rate in the notation lib/target/duration.ts parses ("20/1s", "600/1m"): the tests'
// round trip of the one grammar. The harness only ever parses rates.
import type { RateSpec } from '../../lib/target/duration';

export function formatRateSpec(r: RateSpec): string {
  return r.windowMs % 3_600_000 === 0
    ? `${r.limit}/${r.windowMs / 3_600_000}h`
    : r.windowMs % 60_000 === 0
      ? `${r.limit}/${r.windowMs / 60_000}m`
      : r.windowMs % 1000 === 0
        ? `${r.limit}/${r.windowMs / 1000}s`
        : `${r.limit}/${r.windowMs}ms`;
}
