// Progress lines for long runs: each finished step says which one it was out of how many.

/**
 * Numbers the self-test matrix's onProgress lines (selftest/matrix.ts says one line per finished
 * run: the clean runs first, then one per fault): "[clean 3 of 5] ok ...", "[fault 1 of 2] ok ...".
 * A line past the announced totals is passed through unnumbered rather than numbered wrong.
 */
export function numberProgress(totals: { clean: number; faults: number }): (line: string) => string {
  let n = 0;
  return (line) => {
    n++;
    if (n <= totals.clean) return `[clean ${n} of ${totals.clean}] ${line}`;
    if (n <= totals.clean + totals.faults) return `[fault ${n - totals.clean} of ${totals.faults}] ${line}`;
    return line;
  };
}

export type ProbeState = 'passed' | 'failed' | 'skipped' | 'pending';

const MARK: Record<ProbeState, string> = { passed: '✓', failed: '✗', skipped: '↓', pending: '…' };

/** One finished conformance probe: "✓ auth.missing-header 41 ms", "↓ status.410-gone 3 ms (skipped: ...)". */
export function probeLine(p: { state: ProbeState; id: string; ms: number; note?: string; index?: number; total?: number }): string {
  const count = p.index !== undefined && p.total ? ` [${p.index}/${p.total}]` : '';
  const note = p.state === 'skipped' && p.note ? ` (skipped: ${p.note})` : p.state === 'failed' ? ' FAILED' : '';
  return `${MARK[p.state]} ${p.id} ${Math.round(p.ms)} ms${note}${count}`;
}
