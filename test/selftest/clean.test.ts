// Clean runs of the self-test: the conformance probes against the simulator under every
// rate-limit algorithm and both Retry-After forms must report no failure and no informational
// finding (the simulator adds no undocumented property, so no drift) at all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLEAN_CONFIGS, detect } from '../../selftest/detect';
import { FAULT_CATALOGUE } from '../../simulator/faults';
import { SHARDS, shardFaults } from './shard';

it.each(CLEAN_CONFIGS.map((c) => [c.label, c] as const))('%s: no rule fails', async (_l, cfg) => {
  const d = await detect(cfg);
  expect(d.failedRules).toEqual({});
  expect(d.findings, 'a clean simulator reports no drift').toEqual({});
  expect(d.probes.filter((p) => p.status === 'skip')).toEqual([]);
}, 60_000);

it('every fault the conformance suite must catch is in exactly one shard, and every shard has its file', () => {
  const mine = Array.from({ length: SHARDS }, (_, i) => shardFaults(i).map((f) => f.name));
  expect(mine.flat().sort()).toEqual(FAULT_CATALOGUE.filter((f) => !('loadOnly' in f)).map((f) => f.name).sort());
  for (let i = 0; i < SHARDS; i++) expect(existsSync(join(import.meta.dirname, `faults-${i}.test.ts`)), `faults-${i}.test.ts`).toBe(true);
});
