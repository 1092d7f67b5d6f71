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
