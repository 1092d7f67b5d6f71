// Progress lines of long runs: the self-test numbers each finished run ("[fault 1 of 2] ..."),
// checked against the real matrix (selftest/matrix.ts) with a stand-in detect() so it takes
// milliseconds; the conformance suite's per-probe line ("✓ auth.missing-header 41 ms [1/3]") from
// the vitest reporter, fed test cases shaped like vitest's.
import { describe, expect, it, vi } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import { numberProgress, probeLine } from '../../cli/progress';
import { ProbeProgressReporter } from '../../cli/probe-progress';

vi.mock('../../selftest/detect', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../selftest/detect')>();
  return {
    ...real,
    // A fault "ratelimit.off" is caught, any other fault is missed; clean runs are clean.
    detect: async (cfg: { label: string; faults: string[] }) => ({
      label: cfg.label,
      faults: cfg.faults,
      failedRules: cfg.faults.includes('ratelimit.off') ? { 'ratelimit.enforced-per-key': 'no 429' } : {},
      probes: [],
      requests: 7,
      durationMs: 5,
    }),
  };
});

const { runMatrix } = await import('../../selftest/matrix');
const { CLEAN_CONFIGS } = await import('../../selftest/detect');

describe('self-test progress', () => {
  it('a 2-fault run: every clean run, then "fault 1 of 2" and "fault 2 of 2", each as it finishes', async () => {
    const lines: string[] = [];
    const faults = [
      { name: 'ratelimit.off', breaks: 'ratelimit.enforced-per-key', description: '' },
      { name: 'auth.revoked-accepted', breaks: 'auth.revoked-key-rejected', description: '' },
    ];
    const numbered = numberProgress({ clean: CLEAN_CONFIGS.length, faults: faults.length });
    await runMatrix({ faults, repeat: 1, onProgress: (l) => lines.push(numbered(l)) });
    expect(lines).toHaveLength(CLEAN_CONFIGS.length + 2);
    CLEAN_CONFIGS.forEach((c, i) => expect(lines[i]).toBe(`[clean ${i + 1} of ${CLEAN_CONFIGS.length}] ok   ${c.label} #1 (7 requests, 5 ms)`));
    expect(lines.slice(-2)).toEqual([
      '[fault 1 of 2] ok   ratelimit.off: ratelimit.enforced-per-key',
      '[fault 2 of 2] MISS auth.revoked-accepted: undetected',
    ]);
  });

  it('counts repeats among the clean runs, and never numbers a line past the totals', () => {
    const n = numberProgress({ clean: 2, faults: 1 });
    expect(['a', 'b', 'c', 'd'].map(n)).toEqual(['[clean 1 of 2] a', '[clean 2 of 2] b', '[fault 1 of 1] c', 'd']);
  });
});

describe('conformance per-probe lines', () => {
  it.each([
    [{ state: 'passed', id: 'auth.missing-header', ms: 41.4 }, '✓ auth.missing-header 41 ms'],
    [{ state: 'failed', id: 'auth.revoked-key', ms: 10 }, '✗ auth.revoked-key 10 ms FAILED'],
    [{ state: 'skipped', id: 'runs.expired', ms: 2, note: 'no expired run (RUNDUN_EXPIRED_RUN_ID)' }, '↓ runs.expired 2 ms (skipped: no expired run (RUNDUN_EXPIRED_RUN_ID))'],
    [{ state: 'passed', id: 'org.lists', ms: 1200, index: 3, total: 40 }, '✓ org.lists 1200 ms [3/40]'],
  ] as const)('%j -> %s', (p, line) => expect(probeLine(p)).toBe(line));

  it('the reporter prints one line per finished test, with the probe id from the test name and a running count', () => {
    const lines: string[] = [];
    const reporter = new ProbeProgressReporter((l) => lines.push(l));
    const test = (name: string, state: string, duration: number, note?: string) =>
      ({ name, result: () => ({ state, note, errors: undefined }), diagnostic: () => ({ duration }) }) as unknown as TestCase;
    const cases = [
      test('auth.missing-header: no Authorization header → 401 [auth.bearer-required]', 'passed', 41),
      test('auth.revoked-key: a revoked key → 401 [auth.revoked-key-rejected]', 'failed', 12),
      test('runs.expired: an expired run → 410 [status.410-gone]', 'skipped', 1, 'no expired run'),
    ];
    reporter.onTestModuleCollected({ children: { allTests: function* () { yield* cases; } } } as unknown as TestModule);
    for (const c of cases) reporter.onTestCaseResult(c);
    expect(lines).toEqual([
      '✓ auth.missing-header 41 ms [1/3]',
      '✗ auth.revoked-key 12 ms FAILED [2/3]',
      '↓ runs.expired 1 ms (skipped: no expired run) [3/3]',
    ]);
  });
});
