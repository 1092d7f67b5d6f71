// k6 execution segments (`--execution-segment`, `--execution-segment-sequence`), as k6 computes
// them, in a pure engine-agnostic module (bundled into k6 scripts, used by Node code and tests).
//
// Source of truth: grafana/k6 `lib/execution_segment.go` (ExecutionSegment, ExecutionSegmentSequence,
// GetFilledExecutionSegmentSequence, NewExecutionSegmentSequenceWrapper's striping algorithm,
// ExecutionTuple.ScaleInt64, SegmentedIndex, GetNewExecutionTupleFromValue), and its users:
//
// - VU ids. `lib/execution.go` NewExecutionState builds one SegmentedIndex over the test's tuple;
//   GetUniqueVUIdentifiers() returns (scaled, unscaled) = (`__VU` / `exec.vu.idInInstance`,
//   `exec.vu.idInTest`), both 1-based, for every VU this instance initializes (all scenarios share
//   that one pool). So the k-th VU (0-based) an instance initializes has
//   `idInTest = globalIndex(k) + 1`: interleaved ids (with two equal instances: 1,3,5,… and 2,4,6,…),
//   never contiguous blocks.
// - VUs per scenario. per-vu-iterations / constant-vus / shared-iterations `GetVUs(et)` =
//   `et.ScaleInt64(vus)` (`scale(vus)` here; older k6 used ExecutionSegment.Scale, which can
//   differ, see `segmentScale`). per-vu-iterations does NOT scale `iterations` (each VU still runs
//   all of its own). Arrival-rate executors scale preAllocatedVUs and maxVUs the same way, and an
//   executor with `HasWork() == false` (scaled VUs 0 / scaled maxVUs 0) does not run at all on
//   that instance.
// - Iteration numbers. `lib/executor/base_executor.go`: each executor has its own SegmentedIndex
//   over the test's tuple; nextIterationCounters() gives (scaled-1, unscaled-1) =
//   (`exec.scenario.iterationInInstance`, `exec.scenario.iterationInTest`), i.e.
//   `iterationInTest = globalIndex(local iteration counter)`, counted per scenario in start order.
// - Arrival-rate executors (constant_arrival_rate.go, ramping_arrival_rate.go, Init()): the tuple is
//   first RE-SEGMENTED on the scenario's maxVUs, `et.GetNewExecutionTupleFromValue(maxVUs)` (here
//   `withValue(maxVUs)`): unless maxVUs is a multiple of the sequence's LCD, the new sequence has
//   one segment per instance with `scale(maxVUs) > 0`, of length scale(maxVUs)/maxVUs. Both the
//   arrival schedule and the iteration counter use that new tuple's stripes: constant-arrival-rate
//   starts global arrival gi (0-based; gi walks the new tuple's striped offsets) at
//   `gi × (timeUnit / rate)` of the UNSCALED rate, so an instance keeps exactly the arrivals whose
//   global index its re-segmented tuple owns (`withValue(maxVUs).ownsGlobal(gi)`), and the
//   instances' arrivals together are the unsegmented schedule. ramping-arrival-rate's cal() walks
//   the same stripes over the area under the rate curve (i starts at start+1, steps by the offsets).
// - A segment without a sequence: GetFilledExecutionSegmentSequence(nil, segment) fills around
//   it, i.e. the sequence `0,<from>,<to>,1` (without the repeated 0 or 1). A sequence without a
//   segment means segment 0:1, which NewExecutionTuple then must find in the (filled) sequence, so
//   that only works for the trivial sequence "0,1".
//
// Arithmetic is exact (integer numerators and denominators, reduced; every value is checked to
// stay a safe integer). The striping walks LCD steps once per tuple, so the LCD is capped at
// MAX_LCD (k6 has no cap; a sequence with such denominators is not something k6-operator makes).

/** A reduced non-negative rational n/d (d > 0). */
export interface Rational {
  readonly n: number;
  readonly d: number;
}

export interface ExecutionTuple {
  /** "0:1" when unsegmented */ segment: string;
  sequence: string;
  /** index of this segment in the sequence, and number of segments */
  index: number;
  count: number;
  /** segment length as a number in (0,1] */ fraction: number;
  /** what k6 gives this instance out of n (ExecutionTuple.ScaleInt64): VUs, iterations */
  scale(n: number): number;
  /** k6's SegmentedIndex: this instance's local 0-based item j -> 0-based global index across the test */
  globalIndex(local: number): number;
  /** does global 0-based index i belong to this instance? */
  ownsGlobal(i: number): boolean;
  /** the inverse of globalIndex: this instance's local index of global index i, or -1 when another instance owns it */
  localIndex(i: number): number;
  /**
   * k6's ExecutionTuple.GetNewExecutionTupleFromValue(value): the tuple re-segmented on `value`
   * (what the arrival-rate executors do with maxVUs), or null when this instance gets no share
   * of `value` (k6: an error, and that executor has no work on this instance) or value < 1.
   */
  withValue(value: number): ExecutionTuple | null;
  /** the striping: first owned global index, offsets between consecutive owned ones (one cycle), cycle length */
  striped: { start: number; offsets: readonly number[]; lcd: number };
  /** the segment's bounds as exact fractions */
  from: Rational;
  to: Rational;
}

/** Striping walks the LCD once; beyond this the sequence is refused (see the header). */
export const MAX_LCD = 1_000_000;

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function checkSafe(...values: number[]): void {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new Error(`number too large for exact arithmetic (${v})`);
  }
}

function rat(n: number, d: number): Rational {
  checkSafe(n, d);
  if (d === 0) throw new Error('zero denominator');
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

function cmp(a: Rational, b: Rational): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  checkSafe(l, r);
  return l < r ? -1 : l > r ? 1 : 0;
}

function sub(a: Rational, b: Rational): Rational {
  const g = gcd(a.d, b.d);
  const d = (a.d / g) * b.d;
  return rat(a.n * (d / a.d) - b.n * (d / b.d), d);
}

/** big.Rat's RatString: "a/b", or "a" for integers. */
export function ratString(r: Rational): string {
  return r.d === 1 ? String(r.n) : `${r.n}/${r.d}`;
}

const ZERO = rat(0, 1);
const ONE = rat(1, 1);

/**
 * k6's stringToRat: an integer percentage (`50%`), a fraction (`1/3`) or a decimal (`0.25`,
 * `1e-1`). Returns null when the text is none of these.
 */
export function parseRational(text: string): Rational | null {
  const s = text.trim();
  let m = /^([+-]?\d+)%$/.exec(s);
  if (m) return rat(Number(m[1]), 100);
  m = /^([+-]?\d+)\/(\d+)$/.exec(s);
  if (m) {
    const d = Number(m[2]);
    if (d === 0) return null;
    return rat(Number(m[1]), d);
  }
  m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (m && ((m[2] ?? '') !== '' || (m[3] ?? '') !== '')) {
    const sign = m[1] === '-' ? -1 : 1;
    const int = m[2] ?? '';
    const frac = m[3] ?? '';
    let exp = Number(m[4] ?? '0') - frac.length;
    let digits = (int + frac).replace(/^0+(?=\d)/, '');
    if (exp > 0) {
      digits += '0'.repeat(exp);
      exp = 0;
    }
    if (digits.length > 15 || -exp > 15) return null; // beyond exact double arithmetic
    return rat(sign * Number(digits), 10 ** -exp);
  }
  return null;
}

/** A segment (from, to] with 0 <= from < to <= 1. */
export interface Segment {
  from: Rational;
  to: Rational;
}

function segmentString(s: Segment): string {
  return `${ratString(s.from)}:${ratString(s.to)}`;
}

function segmentLength(s: Segment): Rational {
  return sub(s.to, s.from);
}

function validSegment(from: Rational, to: Rational): string | null {
  if (cmp(from, ZERO) < 0) return `its start must be at least 0 but is ${ratString(from)}`;
  if (cmp(from, to) >= 0) return `its start (${ratString(from)}) must be less than its end (${ratString(to)})`;
  if (cmp(to, ONE) > 0) return `its end can't be more than 1 but is ${ratString(to)}`;
  return null;
}

function asRational(part: string, what: string): Rational {
  const r = parseRational(part);
  if (r === null) throw new Error(`${what}: '${part}' is not a valid percentage, decimal or fraction`);
  return r;
}

/**
 * k6's NewExecutionSegmentFromString: `from:to` (`1/2:3/4`, `0.5:0.75`, `50%:75%`, `2/4:75%`), or
 * just the end of a segment starting at 0 (`1/5`, `20%`); empty means 0:1.
 */
export function parseSegment(text: string): Segment {
  const what = `execution segment '${text}'`;
  let fromStr = '0';
  let toStr = text.trim() === '' ? '1' : text.trim();
  const colon = toStr.indexOf(':');
  if (colon >= 0) {
    fromStr = toStr.slice(0, colon);
    toStr = toStr.slice(colon + 1);
  }
  const from = asRational(fromStr, what);
  const to = asRational(toStr, what);
  const problem = validSegment(from, to);
  if (problem) throw new Error(`${what} is invalid: ${problem}`);
  return { from, to };
}

/**
 * k6's NewExecutionSegmentSequenceFromString: points `r1,r2,…,rn` (at least 2, strictly
 * increasing, within [0,1]) meaning (r1,r2], (r2,r3], …; empty means no sequence (null).
 */
export function parseSequence(text: string): Segment[] | null {
  const what = `execution segment sequence '${text}'`;
  if (text.trim() === '') return null;
  const points = text.split(',');
  if (points.length < 2) throw new Error(`${what}: at least 2 points are needed, ${points.length} given`);
  const rats = points.map((p) => asRational(p, what));
  const segments: Segment[] = [];
  for (let i = 1; i < rats.length; i++) {
    const from = rats[i - 1]!;
    const to = rats[i]!;
    const problem = validSegment(from, to);
    if (problem) throw new Error(`${what} is invalid: segment #${i} (${points[i - 1]}:${points[i]}): ${problem}`);
    segments.push({ from, to });
  }
  return segments;
}

/** k6's GetFilledExecutionSegmentSequence: a sequence covering 0..1, with the segment's fallback. */
function filledSequence(sequence: Segment[] | null, segment: Segment | null): Segment[] {
  let result: Segment[];
  if (sequence === null || sequence.length === 0) {
    if (segment === null || cmp(segmentLength(segment), ONE) === 0) return [{ from: ZERO, to: ONE }];
    result = [segment];
  } else {
    result = [...sequence];
  }
  if (cmp(result[0]!.from, ZERO) !== 0) result.unshift({ from: ZERO, to: result[0]!.from });
  const last = result[result.length - 1]!;
  if (cmp(last.to, ONE) !== 0) result.push({ from: last.to, to: ONE });
  return result;
}

function sequenceString(seq: Segment[]): string {
  return [ratString(seq[0]!.from), ...seq.map((s) => ratString(s.to))].join(',');
}

/** k6's ExecutionSegmentSequence.LCD: least common multiple of the segment lengths' denominators. */
function sequenceLcd(seq: Segment[]): number {
  let acc = 1;
  for (const s of seq) {
    const d = segmentLength(s).d;
    acc = (acc / gcd(acc, d)) * d;
    checkSafe(acc);
    if (acc > MAX_LCD) {
      throw new Error(
        `execution segment sequence '${sequenceString(seq)}': its least common denominator exceeds ${MAX_LCD}`,
      );
    }
  }
  return acc;
}

/**
 * k6's NewExecutionSegmentSequenceWrapper striping: for each segment, [start, offsets…] where
 * `start` is its first index in 0..lcd-1 and the offsets step from one owned index to the next
 * (the last wraps into the next cycle), so they sum to lcd.
 */
function stripe(seq: Segment[], lcd: number): number[][] {
  const norm = seq.map((s, i) => {
    const len = segmentLength(s);
    return { num: len.n * (lcd / len.d), index: i };
  });
  // Biggest segments first; stable (k6: sort.SliceStable), so equal ones keep sequence order.
  const sorted = [...norm].sort((a, b) => b.num - a.num);
  const offsets: number[][] = seq.map(() => []);
  const prev = seq.map(() => 0);
  const chosen = sorted.map(() => 0);
  for (let i = 0; i < lcd; i++) {
    for (let k = 0; k < sorted.length; k++) {
      const { num, index } = sorted[k]!;
      // k6: `i > c*lcd/num || (i == c*lcd/num && exact)` with integer division, i.e. i*num >= c*lcd:
      // the k-th segment takes i when it is not ahead of its share.
      if (i * num >= chosen[k]! * lcd) {
        chosen[k]!++;
        const own = offsets[index]!;
        own.push(i - prev[index]!);
        prev[index] = i;
        if (own.length === num) own.push(own[0]! + lcd - i);
        break;
      }
    }
  }
  return offsets;
}

interface Wrapper {
  seq: Segment[];
  lcd: number;
  offsets: number[][];
}

function wrap(seq: Segment[]): Wrapper {
  const lcd = sequenceLcd(seq);
  return { seq, lcd, offsets: stripe(seq, lcd) };
}

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer, got ${value}`);
}

/** k6's ExecutionSegmentSequenceWrapper.ScaleInt64(index, value). */
function scaleIn(w: Wrapper, index: number, value: number): number {
  checkCount(value, 'scale(n): n');
  if (w.seq.length === 1) return value;
  const own = w.offsets[index]!;
  const steps = own.length - 1;
  let result = Math.floor(value / w.lcd) * steps;
  const rest = value % w.lcd;
  for (let g = 0, i = own[0]!; i < rest; i += own[1 + g]!, g++) result++;
  return result;
}

function findIndex(seq: Segment[], segment: Segment): number {
  return seq.findIndex((s) => cmp(s.from, segment.from) === 0 && cmp(s.to, segment.to) === 0);
}

function tupleOf(w: Wrapper, index: number): ExecutionTuple {
  const seg = w.seq[index]!;
  const own = w.offsets[index]!;
  const start = own[0]!;
  const steps = own.slice(1);
  const cycle = steps.length;
  // positions[r]: the r-th owned index within one cycle of lcd.
  const positions: number[] = [];
  for (let p = start, r = 0; r < cycle; r++) {
    positions.push(p);
    p += steps[r]!;
  }
  const localInCycle = new Map<number, number>(positions.map((p, r) => [p, r]));
  const len = segmentLength(seg);
  const tuple: ExecutionTuple = {
    segment: segmentString(seg),
    sequence: sequenceString(w.seq),
    index,
    count: w.seq.length,
    fraction: len.n / len.d,
    from: seg.from,
    to: seg.to,
    striped: { start, offsets: steps, lcd: w.lcd },
    scale: (n) => scaleIn(w, index, n),
    globalIndex(local) {
      checkCount(local, 'globalIndex(local): local');
      const g = Math.floor(local / cycle) * w.lcd + positions[local % cycle]!;
      checkSafe(g);
      return g;
    },
    localIndex(i) {
      checkCount(i, 'localIndex(i): i');
      const r = localInCycle.get(i % w.lcd);
      return r === undefined ? -1 : Math.floor(i / w.lcd) * cycle + r;
    },
    ownsGlobal(i) {
      checkCount(i, 'ownsGlobal(i): i');
      return localInCycle.has(i % w.lcd);
    },
    withValue(value) {
      checkCount(value, 'withValue(value): value');
      if (value < 1) return null;
      if (value % w.lcd === 0) return tuple;
      const seq: Segment[] = [];
      let newIndex = -1;
      let prev = 0;
      for (let k = 0; k < w.seq.length; k++) {
        const v = scaleIn(w, k, value);
        if (v === 0) continue;
        if (k === index) newIndex = seq.length;
        seq.push({ from: rat(prev, value), to: rat(prev + v, value) });
        prev += v;
      }
      if (newIndex === -1) return null;
      return tupleOf(wrap(seq), newIndex);
    },
  };
  return tuple;
}

/**
 * k6's NewExecutionTuple(segment, sequence) from the CLI/env strings (`--execution-segment`,
 * `--execution-segment-sequence`, `K6_EXECUTION_SEGMENT`, …). Missing/empty segment = 0:1;
 * missing sequence = the sequence filled around the segment. Throws when either does not parse or
 * the segment is not one of the sequence's segments.
 */
export function executionTuple(segment?: string | null, sequence?: string | null): ExecutionTuple {
  const seg = segment == null || segment.trim() === '' ? null : parseSegment(segment);
  const seqList = sequence == null ? null : parseSequence(sequence);
  const filled = filledSequence(seqList, seg);
  const w = wrap(filled);
  const wanted = seg ?? { from: ZERO, to: ONE };
  const index = findIndex(filled, wanted);
  if (index < 0) {
    throw new Error(
      `execution segment '${segment ?? ''}' (${segmentString(wanted)}) is not one of the segments of the sequence '${sequenceString(filled)}'`,
    );
  }
  return tupleOf(w, index);
}

/**
 * k6's older per-segment ExecutionSegment.Scale(value) = round(value·to − round(value·from)), with
 * halves rounded up; k6 ≥ 0.27 sizes executors with the tuple's `scale` instead (they can differ
 * for unequal sequences). Kept for comparison and for code reading k6's `Scale` directly.
 */
export function segmentScale(segment: string, value: number): number {
  checkCount(value, 'segmentScale(value): value');
  const s = parseSegment(segment);
  const roundHalfUp = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));
  const fromRounded = roundHalfUp(value * s.from.n, s.from.d);
  // value·to − fromRounded = (value·to.n − fromRounded·to.d) / to.d
  return roundHalfUp(value * s.to.n - fromRounded * s.to.d, s.to.d);
}

/** The k6-operator split: instance i of n runs `i/n:(i+1)/n` in the sequence `0,1/n,…,1`. */
export function equalSplit(n: number): { segment: string; sequence: string }[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`number of instances must be a positive integer, got ${n}`);
  const point = (k: number) => ratString(rat(k, n));
  const sequence = Array.from({ length: n + 1 }, (_, k) => point(k)).join(',');
  return Array.from({ length: n }, (_, i) => ({ segment: `${point(i)}:${point(i + 1)}`, sequence }));
}

/**
 * The items (keys) an instance owns when item i goes to the VU or iteration with global index i
 * (the rate-limit scenarios: key = keys[exec.scenario.iterationInTest]): the global indices of
 * its first scale(n) items. Over the instances of a sequence these are disjoint and cover 0..n-1.
 */
export function ownedIndices(t: ExecutionTuple, n: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < t.scale(n); j++) out.push(t.globalIndex(j));
  return out;
}
