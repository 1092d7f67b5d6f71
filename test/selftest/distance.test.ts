// The self-test at a network distance: one clean run per algorithm with the simulator 50 ms
// (± 10 ms) away must report no failure, the same verdict as on loopback. Ten in a row per
// configuration is the documented command (about 10 minutes; add --clean-only to skip the faults):
//   npm run selftest -- --latency 50:10 --repeat 10
import { describe, expect, it } from 'vitest';
import { parseSelftestArgs } from '../../selftest/args';
import { CLEAN_CONFIGS, detect } from '../../selftest/detect';

const AT_DISTANCE = CLEAN_CONFIGS.filter((c) => c.retryAfterFormat === 'delay-seconds');

describe('clean at 50:10 ms', () => {
  it.each(AT_DISTANCE.map((c, i) => [c.label, c, i] as const))('%s at 50 ± 10 ms: no rule fails', async (_l, cfg, i) => {
    const d = await detect(cfg, { latency: { ms: 50, jitterMs: 10, seed: 100 + i } });
    expect(d.failedRules).toEqual({});
    expect(d.findings, 'a clean simulator reports no drift').toEqual({});
    expect(d.probes.filter((p) => p.status === 'skip')).toEqual([]);
  }, 90_000);
});

describe('selftest command line', () => {
  it('reads --latency, --repeat, --clean-only and --fault', () => {
    expect(parseSelftestArgs([])).toEqual({ repeat: 1, only: [], cleanOnly: false });
    expect(parseSelftestArgs(['--latency', '50:10', '--repeat', '10', '--clean-only'])).toEqual({ repeat: 10, only: [], cleanOnly: true, latency: { ms: 50, jitterMs: 10 } });
    expect(parseSelftestArgs(['--fault', 'ratelimit.off', '--latency', '20'])).toEqual({ repeat: 1, only: ['ratelimit.off'], cleanOnly: false, latency: { ms: 20, jitterMs: 0 } });
  });

  it.each([
    [['--latency', 'abc'], /--latency: latency must look like/],
    [['--latency', '10:20'], /must not exceed/],
    [['--latency'], /--latency needs a value/],
    [['--repeat', '0'], /--repeat/],
    [['--fault', 'nope'], /unknown fault/],
    [['--clean-only', '--fault', 'ratelimit.off'], /--clean-only runs no fault/],
    [['--what'], /unknown option --what/],
  ])('refuses %j', (argv, message) => expect(() => parseSelftestArgs(argv)).toThrow(message));
});
