import { describe, expect, it } from 'vitest';
import {
  equalSplit,
  executionTuple,
  parseSegment,
  parseSequence,
  ratString,
  segmentScale,
  type ExecutionTuple,
} from '../../lib/execution-segment';

/** Every instance of a sequence: the tuples of all its segments. */
function instancesOf(sequence: string): ExecutionTuple[] {
  const points = sequence.split(',');
  return points.slice(1).map((to, i) => executionTuple(`${points[i]}:${to}`, sequence));
}

const equalSequences = Array.from({ length: 16 }, (_, k) => ({ instances: k + 1, sequence: equalSplit(k + 1)[0]!.sequence }));
const unequalSequences = [
  '0,1/4,1/2,1',
  '0,1/3,1',
  '0,1/2,3/4,1',
  '0,7/20,7/10,1',
  '0,0.3,0.5,0.6,0.7,0.8,0.9,1',
  '0,1/13,2/13,1/3,1/2,3/4,1',
  '0,2/5,4/5,1',
];
const allSequences = [...equalSequences.map((s) => s.sequence), ...unequalSequences];
const ns = Array.from({ length: 101 }, (_, n) => n);

describe('equalSplit (k6-operator parallelism N)', () => {
  it.each([
    { n: 1, out: [{ segment: '0:1', sequence: '0,1' }] },
    { n: 2, out: [{ segment: '0:1/2', sequence: '0,1/2,1' }, { segment: '1/2:1', sequence: '0,1/2,1' }] },
    { n: 4, out: ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'].map((segment) => ({ segment, sequence: '0,1/4,1/2,3/4,1' })) },
  ])('$n instances', ({ n, out }) => expect(equalSplit(n)).toEqual(out));
  it('refuses 0 instances', () => expect(() => equalSplit(0)).toThrow(/positive integer/));
});

describe.each(allSequences)('sequence %s: every instance together is the unsegmented test', (sequence) => {
  const tuples = instancesOf(sequence);

  it('scale(n) over the instances sums to n, for n = 0..100 and a few large n', () => {
    for (const n of [...ns, 1000, 12345, 1_000_003]) {
      expect(tuples.reduce((sum, t) => sum + t.scale(n), 0)).toBe(n);
    }
  });

  it('scale(n) never decreases as n grows (no wobble)', () => {
    for (const t of tuples) for (let n = 1; n <= 200; n++) expect(t.scale(n)).toBeGreaterThanOrEqual(t.scale(n - 1));
  });

  it('{globalIndex(j) : j < scale(n)} are disjoint and cover 0..n-1 exactly', () => {
    for (const n of ns) {
      const seen = new Map<number, number>();
      tuples.forEach((t, k) => {
        for (let j = 0; j < t.scale(n); j++) {
          const g = t.globalIndex(j);
          expect(seen.has(g), `global ${g} given twice (n=${n})`).toBe(false);
          seen.set(g, k);
        }
      });
      expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('ownsGlobal agrees with globalIndex, localIndex inverts it, and exactly one instance owns each index', () => {
    for (let i = 0; i < 300; i++) {
      const owners = tuples.filter((t) => t.ownsGlobal(i));
      expect(owners).toHaveLength(1);
      const owner = owners[0]!;
      const local = owner.localIndex(i);
      expect(owner.globalIndex(local)).toBe(i);
      for (const t of tuples) if (t !== owner) expect(t.localIndex(i)).toBe(-1);
    }
    const wrong: string[] = [];
    for (const t of tuples) {
      for (let j = 0; j < 100; j++) {
        const g = t.globalIndex(j);
        if (!t.ownsGlobal(g) || t.localIndex(g) !== j || (j > 0 && g <= t.globalIndex(j - 1))) wrong.push(`${t.segment}: local ${j} -> ${g}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('scale(n) is the number of owned global indices below n', () => {
    for (const t of tuples) {
      let owned = 0;
      for (let n = 0; n <= 100; n++) {
        expect(t.scale(n)).toBe(owned);
        if (t.ownsGlobal(n)) owned++;
      }
    }
  });

  it('withValue(maxVUs) (arrival-rate executors): instances with work split the arrivals disjointly and fully', () => {
    for (let value = 1; value <= 40; value++) {
      const re = tuples.map((t) => t.withValue(value));
      tuples.forEach((t, k) => expect(re[k] === null).toBe(t.scale(value) === 0));
      const working = re.filter((t): t is ExecutionTuple => t !== null);
      // the re-segmented instances keep the scaled VUs: scale(value) is unchanged for each
      tuples.forEach((t, k) => {
        if (re[k]) expect(re[k]!.scale(value)).toBe(t.scale(value));
      });
      const wrong: string[] = [];
      for (let i = 0; i < 120; i++) {
        const owners = working.filter((t) => t.ownsGlobal(i)).length;
        if (owners !== 1) wrong.push(`maxVUs ${value}: arrival ${i} has ${owners} owners`);
      }
      expect(wrong).toEqual([]);
    }
  });
});

describe('VU ids k6 hands out (exec.vu.idInTest = globalIndex(k) + 1)', () => {
  it.each([
    { segment: '0:1/2', sequence: '0,1/2,1', ids: [1, 3, 5, 7] },
    { segment: '1/2:1', sequence: '0,1/2,1', ids: [2, 4, 6, 8] },
    { segment: '0:1/3', sequence: '0,1/3,2/3,1', ids: [1, 4, 7, 10] },
    { segment: '2/3:1', sequence: '0,1/3,2/3,1', ids: [3, 6, 9, 12] },
    // k6's ExecutionTuple doc example: 0:1/2, 1/2:3/4, 3/4:1 -> 0 2 4 6…, 1 5 9…, 3 7 11…
    { segment: '0:1/2', sequence: '0,1/2,3/4,1', ids: [1, 3, 5, 7, 9, 11] },
    { segment: '1/2:3/4', sequence: '0,1/2,3/4,1', ids: [2, 6, 10] },
    { segment: '3/4:1', sequence: '0,1/2,3/4,1', ids: [4, 8, 12] },
    { segment: null, sequence: null, ids: [1, 2, 3, 4] },
  ])('$segment in $sequence', ({ segment, sequence, ids }) => {
    const t = executionTuple(segment, sequence);
    expect(ids.map((_, k) => t.globalIndex(k) + 1)).toEqual(ids);
  });
});

describe("known values from k6's lib/execution_segment_test.go", () => {
  // TestGetStripedOffsets
  it.each([
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', seg: '0:0.3', start: 0, offsets: [4, 3, 3], lcd: 10 },
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', seg: '0.3:0.5', start: 1, offsets: [4, 6], lcd: 10 },
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', seg: '0.5:0.6', start: 2, offsets: [10], lcd: 10 },
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', seg: '0.6:0.7', start: 3, offsets: [10], lcd: 10 },
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', seg: '0.8:0.9', start: 8, offsets: [10], lcd: 10 },
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', seg: '0.9:1', start: 9, offsets: [10], lcd: 10 },
    { seq: '0,0.2,0.5,0.6,0.7,0.8,0.9,1', seg: '0.9:1', start: 9, offsets: [10], lcd: 10 },
    { seq: '0,0.2,0.5,0.6,0.7,0.8,0.9,1', seg: '0:0.2', start: 1, offsets: [4, 6], lcd: 10 },
    { seq: '0,0.2,0.5,0.6,0.7,0.8,0.9,1', seg: '0.6:0.7', start: 3, offsets: [10], lcd: 10 },
    { seq: '0,0.2,0.5', seg: '0:0.2', start: 3, offsets: [6, 4], lcd: 10 },
    { seq: '0,0.2,0.5', seg: '0.2:0.5', start: 1, offsets: [4, 2, 4], lcd: 10 },
    { seq: '0,2/5,4/5', seg: '0:2/5', start: 0, offsets: [3, 2], lcd: 5 },
    { seq: '0,2/5,4/5', seg: '2/5:4/5', start: 1, offsets: [3, 2], lcd: 5 },
    { seq: '', seg: '0:0.2', start: 1, offsets: [5], lcd: 5 },
    { seq: '', seg: '0:1/5', start: 1, offsets: [5], lcd: 5 },
    { seq: '', seg: '0:2/10', start: 1, offsets: [5], lcd: 5 },
    { seq: '', seg: '0:0.4', start: 1, offsets: [2, 3], lcd: 5 },
    { seq: '', seg: '0:2/5', start: 1, offsets: [2, 3], lcd: 5 },
    { seq: '', seg: '2/5:4/5', start: 1, offsets: [3, 2], lcd: 5 },
    { seq: '', seg: '0:4/10', start: 1, offsets: [2, 3], lcd: 5 },
    { seq: '', seg: '1/10:5/10', start: 1, offsets: [2, 2, 4, 2], lcd: 10 },
  ])('striped offsets of $seg in "$seq"', ({ seq, seg, start, offsets, lcd }) => {
    expect(executionTuple(seg, seq).striped).toEqual({ start, offsets, lcd });
  });

  // TestSequenceLCD
  it.each([
    { seq: '0,0.3,0.5,0.6,0.7,0.8,0.9,1', lcd: 10 },
    { seq: '0,0.1,0.5,0.6,0.7,0.8,0.9,1', lcd: 10 },
    { seq: '0,0.2,0.5,0.6,0.7,0.8,0.9,1', lcd: 10 },
    { seq: '0,1/3,5/6', lcd: 6 },
    { seq: '0,1/3,4/7', lcd: 21 },
  ])('LCD of $seq is $lcd', ({ seq, lcd }) => {
    expect(executionTuple(seq.split(',').slice(0, 2).join(':'), seq).striped.lcd).toBe(lcd);
  });

  // TestExecutionTupleScale, TestBigScale
  it.each([
    { seg: '0.5', seq: null, scales: { 2: 1, 3: 2 } },
    { seg: '0.5:1.0', seq: null, scales: { 2: 1, 3: 1 } },
    { seg: '0.5', seq: '0,0.5,1', scales: { 2: 1, 3: 2 } },
    { seg: '0.5:1.0', seq: '0,0.5,1', scales: { 2: 1, 3: 1 } },
    { seg: '0:7/20', seq: '0,7/20,7/10,1', scales: { 50: 18 } },
    { seg: null, seq: null, scales: { 50: 50, 1: 1, 0: 0 } },
    { seg: '0:1', seq: null, scales: { 50: 50, 1: 1, 0: 0 } },
    { seg: '0:1', seq: '0,1', scales: { 50: 50, 1: 1, 0: 0 } },
    { seg: '0:1', seq: '', scales: { 50: 50, 1: 1, 0: 0 } },
    { seg: '0:1/3', seq: '0,1/3,2/3,1', scales: { 50: 17, 3: 1, 2: 1, 1: 1, 0: 0 } },
    { seg: '1/3:2/3', seq: '0,1/3,2/3,1', scales: { 50: 17, 3: 1, 2: 1, 1: 0, 0: 0 } },
    { seg: '2/3:1', seq: '0,1/3,2/3,1', scales: { 50: 16, 3: 1, 2: 0, 1: 0, 0: 0 } },
  ])('scale of $seg in $seq', ({ seg, seq, scales }) => {
    const t = executionTuple(seg, seq);
    for (const [n, out] of Object.entries(scales)) expect(t.scale(Number(n)), `scale(${n})`).toBe(out);
  });

  // TestNewExecutionTuple newScaleTests (GetNewExecutionTupleFromValue), null = k6's error
  it.each([
    { seg: '0:1/3', tests: { 50: { 50: 17, 1: 1, 0: 0 }, 20: { 50: 18, 1: 1, 0: 0 }, 3: { 50: 17, 1: 1, 0: 0 }, 2: { 50: 25, 1: 1, 0: 0 }, 1: { 50: 50, 1: 1, 0: 0 }, 0: null } },
    { seg: '1/3:2/3', tests: { 50: { 50: 17, 1: 0, 0: 0 }, 20: { 50: 17, 1: 0, 0: 0 }, 3: { 50: 17, 1: 0, 0: 0 }, 2: { 50: 25, 1: 0, 0: 0 }, 1: null, 0: null } },
    { seg: '2/3:1', tests: { 50: { 50: 16, 1: 0, 0: 0 }, 20: { 50: 15, 1: 0, 0: 0 }, 3: { 50: 16, 1: 0, 0: 0 }, 2: null, 1: null, 0: null } },
  ])('withValue for $seg in thirds', ({ seg, tests }) => {
    const t = executionTuple(seg, '0,1/3,2/3,1');
    for (const [value, expected] of Object.entries(tests)) {
      const re = t.withValue(Number(value));
      if (expected === null) {
        expect(re, `withValue(${value})`).toBeNull();
        continue;
      }
      expect(re).not.toBeNull();
      for (const [n, out] of Object.entries(expected)) expect(re!.scale(Number(n)), `withValue(${value}).scale(${n})`).toBe(out);
    }
  });

  it('withValue(20) of 0:1/3 in thirds is the sequence 0,7/20,7/10,1 (TestGetNewExecutionTupleBesedOnValue)', () => {
    const re = executionTuple('0:1/3', '0,1/3,2/3,1').withValue(20)!;
    expect(re.sequence).toBe('0,7/20,7/10,1');
    expect(re.segment).toBe('0:7/20');
  });

  // ExecutionTuple doc comment: "Calling ScaleInt64()" table for 0:1/2, 1/2:3/4, 3/4:1
  it.each([
    { seg: '0:1/2', values: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6] },
    { seg: '1/2:3/4', values: [0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3] },
    { seg: '3/4:1', values: [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3] },
  ])('doc table: scale(1..12) of $seg', ({ seg, values }) => {
    const t = executionTuple(seg, '0,1/2,3/4,1');
    expect(values.map((_, k) => t.scale(k + 1))).toEqual(values);
  });

  // TestExecutionSegmentFailures (the per-segment ExecutionSegment.Scale)
  it.each([
    { seg: '0:0.25', out: [1, 1] },
    { seg: '0.25:0.5', out: [0, 1] },
    { seg: '0.5:0.75', out: [1, 0] },
    { seg: '0.75:1', out: [0, 1] },
  ])('ExecutionSegment.Scale(2), Scale(3) of $seg', ({ seg, out }) => {
    expect([segmentScale(seg, 2), segmentScale(seg, 3)]).toEqual(out);
  });

  // TestExecutionSegmentUnmarshalText
  it.each([
    { input: '0:1', out: '0:1' },
    { input: '0.5:0.75', out: '1/2:3/4' },
    { input: '1/2:3/4', out: '1/2:3/4' },
    { input: '50%:75%', out: '1/2:3/4' },
    { input: '2/4:75%', out: '1/2:3/4' },
    { input: '75%', out: '0:3/4' },
    { input: '', out: '0:1' },
  ])('parses segment "$input" as $out', ({ input, out }) => {
    const s = parseSegment(input);
    expect(`${ratString(s.from)}:${ratString(s.to)}`).toBe(out);
    expect(executionTuple(input === '' ? null : input).segment).toBe(out);
  });

  // TestExecutionSegmentStringSequences
  it.each([
    { seq: '0.5,1', out: ['1/2:1'] },
    { seq: '1/3,2/3', out: ['1/3:2/3'] },
    { seq: '0,1/3,2/3,1', out: ['0:1/3', '1/3:2/3', '2/3:1'] },
    { seq: '0.5,0.7,1', out: ['1/2:7/10', '7/10:1'] },
    { seq: '0,1/13,2/13,1/3,1/2,3/4,1', out: ['0:1/13', '1/13:2/13', '2/13:1/3', '1/3:1/2', '1/2:3/4', '3/4:1'] },
  ])('parses sequence $seq', ({ seq, out }) => {
    expect(parseSequence(seq)!.map((s) => `${ratString(s.from)}:${ratString(s.to)}`)).toEqual(out);
  });
  it('an empty sequence is no sequence', () => expect(parseSequence('')).toBeNull());
});

describe('tuple description', () => {
  it.each([
    { seg: null, seq: null, out: { segment: '0:1', sequence: '0,1', index: 0, count: 1, fraction: 1 } },
    { seg: '1/2:1', seq: null, out: { segment: '1/2:1', sequence: '0,1/2,1', index: 1, count: 2, fraction: 0.5 } },
    { seg: '1/4:1/2', seq: null, out: { segment: '1/4:1/2', sequence: '0,1/4,1/2,1', index: 1, count: 3, fraction: 0.25 } },
    { seg: '0:1/3', seq: null, out: { segment: '0:1/3', sequence: '0,1/3,1', index: 0, count: 2, fraction: 1 / 3 } },
    { seg: '2/4:3/4', seq: '0,1/4,2/4,3/4,1', out: { segment: '1/2:3/4', sequence: '0,1/4,1/2,3/4,1', index: 2, count: 4, fraction: 0.25 } },
    { seg: '1/2:1', seq: '1/2,1', out: { segment: '1/2:1', sequence: '0,1/2,1', index: 1, count: 2, fraction: 0.5 } },
  ])('$seg in $seq', ({ seg, seq, out }) => {
    const t = executionTuple(seg, seq);
    expect({ segment: t.segment, sequence: t.sequence, index: t.index, count: t.count, fraction: t.fraction }).toEqual(out);
  });
  it('segment 1/2:1 without a sequence behaves like the sequence 0,1/2,1', () => {
    const a = executionTuple('1/2:1');
    const b = executionTuple('1/2:1', '0,1/2,1');
    for (let n = 0; n < 30; n++) expect(a.scale(n)).toBe(b.scale(n));
    for (let j = 0; j < 30; j++) expect(a.globalIndex(j)).toBe(b.globalIndex(j));
  });
});

describe('bad input is refused with a clear message', () => {
  it.each([
    { seg: '125%', seq: null, msg: /execution segment '125%' is invalid: its end can't be more than 1/ },
    { seg: '1a5%', seq: null, msg: /execution segment '1a5%': '1a5%' is not a valid/ },
    { seg: '1a5', seq: null, msg: /execution segment '1a5': '1a5' is not a valid/ },
    { seg: '1a5%:2/3', seq: null, msg: /execution segment '1a5%:2\/3'.*'1a5%' is not a valid/ },
    { seg: '125%:250%', seq: null, msg: /execution segment '125%:250%' is invalid/ },
    { seg: '55%:50%', seq: null, msg: /execution segment '55%:50%' is invalid: its start \(11\/20\) must be less than its end \(1\/2\)/ },
    { seg: '1/2:1/2', seq: null, msg: /must be less than its end/ },
    { seg: '-1/2:1', seq: null, msg: /start must be at least 0/ },
    { seg: '1/0', seq: null, msg: /not a valid/ },
    { seg: '0:1/3', seq: '0,1/2,1', msg: /execution segment '0:1\/3' \(0:1\/3\) is not one of the segments of the sequence '0,1\/2,1'/ },
    { seg: null, seq: '0,1/2,1', msg: /execution segment '' \(0:1\) is not one of the segments of the sequence '0,1\/2,1'/ },
    { seg: '0:1/2', seq: '0.5', msg: /execution segment sequence '0.5': at least 2 points are needed, 1 given/ },
    { seg: '0:1/2', seq: '1,1', msg: /execution segment sequence '1,1' is invalid: segment #1/ },
    { seg: '0:1/2', seq: '-0.5,1', msg: /execution segment sequence '-0.5,1' is invalid/ },
    { seg: '0:1/2', seq: '1/2,1/2', msg: /is invalid/ },
    { seg: '0:1/2', seq: '1/2,1/3', msg: /is invalid/ },
    { seg: '0:1/2', seq: '0,1,1/2', msg: /execution segment sequence '0,1,1\/2' is invalid: segment #2/ },
    { seg: '0:1/2', seq: '0,x,1', msg: /execution segment sequence '0,x,1': 'x' is not a valid/ },
    { seg: '0:1/1000003', seq: null, msg: /least common denominator exceeds/ },
  ])('segment $seg, sequence $seq', ({ seg, seq, msg }) => {
    expect(() => executionTuple(seg, seq)).toThrow(msg);
  });
  it('scale and globalIndex refuse non-integers and negatives', () => {
    const t = executionTuple('0:1/2', '0,1/2,1');
    expect(() => t.scale(-1)).toThrow(/non-negative integer/);
    expect(() => t.scale(1.5)).toThrow(/non-negative integer/);
    expect(() => t.globalIndex(-1)).toThrow(/non-negative integer/);
    expect(() => t.ownsGlobal(Number.NaN)).toThrow(/non-negative integer/);
  });
});
