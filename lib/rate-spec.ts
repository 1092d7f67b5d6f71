// "20/1s", "100/500ms", "600/1m": the rate-limit notation. It is the one duration grammar's
// (lib/target/duration.ts); this file keeps the old import path working.
export { formatRateSpec, parseRateSpec, parseWindow, type RateSpec } from './target/duration';
