// Which share of a split run (k6-operator, `--execution-segment`) this k6 instance carries.
// k6 exposes the segment only at run time (`exec.test.options` throws in the init context), so
// options and thresholds never depend on it; VUs read it when they start. The arithmetic is
// k6's own striping, in lib/execution-segment.ts (pure, unit-tested).
import exec from 'k6/execution';
import { executionTuple, type ExecutionTuple } from '../../lib/execution-segment';

let cached: ExecutionTuple | null = null;

/** This instance's execution tuple ("0:1" when the run is not split). Call from VU code only. */
export function thisInstance(): ExecutionTuple {
  if (cached === null) {
    const o = exec.test.options as unknown as { executionSegment?: string | null; executionSegmentSequence?: string | null };
    cached = executionTuple(o.executionSegment ?? null, o.executionSegmentSequence ?? null);
  }
  return cached;
}

/**
 * The keys an instance owns when key i goes to the VU (or iteration) with global index i: the
 * global indices of its first scale(n) items. Pure: tested for disjointness and full coverage.
 */
export function ownedIndices(t: ExecutionTuple, n: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < t.scale(n); j++) out.push(t.globalIndex(j));
  return out;
}

/** One line for the summary: what this instance carried. */
export function instanceNote(t: ExecutionTuple, what: string, owned: number, total: number): string {
  if (t.count <= 1 && t.fraction === 1) return `${what}: ${owned} of ${total} (one instance)`;
  return `${what}: ${owned} of ${total} on this instance (execution segment ${t.segment} of ${t.sequence})${owned === 0 ? ': nothing to judge here; merge the instances\' summaries for the verdict (npm run merge)' : ''}`;
}
