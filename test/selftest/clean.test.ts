// Clean runs of the self-test: the conformance probes against the simulator under every
// rate-limit algorithm and both Retry-After forms must report no failure at all.
import { expect, it } from 'vitest';
import { CLEAN_CONFIGS, detect } from '../../selftest/detect';

it.each(CLEAN_CONFIGS.map((c) => [c.label, c] as const))('%s: no rule fails', async (_l, cfg) => {
  const d = await detect(cfg);
  expect(d.failedRules).toEqual({});
  expect(d.probes.filter((p) => p.status === 'skip')).toEqual([]);
}, 60_000);
