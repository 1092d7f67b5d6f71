// The conformance part of the self-test, inside npm test: every fault that is not load-only
// must be caught by the conformance probes, by the rule it breaks (for an informational rule: the
// run reports its finding). Split into shards (one file each, about 50 s of fault runs each at
// 2-3 s a run) so vitest can run them on both cores; the clean runs live in clean.test.ts.
import { expect, it } from 'vitest';
import { FAULT_CATALOGUE } from '../../simulator/faults';
import { detectFault } from '../../selftest/matrix';

export const SHARDS = 3;

/** The faults of one shard: every SHARDS-th fault the conformance suite must catch. */
export const shardFaults = (shard: number) => FAULT_CATALOGUE.filter((f) => !('loadOnly' in f && f.loadOnly)).filter((_f, i) => i % SHARDS === shard);

export function faultTests(shard: number): void {
  const mine = shardFaults(shard);
  it.each(mine.map((f) => [f.name, f] as const))('fault %s is caught by the conformance suite', async (_n, f) => {
    const row = await detectFault(f);
    expect(row.by, `${f.name} went undetected`).toBe('conformance');
    expect(row.caughtBy, `${f.name} was caught, but not by the rule it breaks (${f.breaks})`).toContain(f.breaks);
  }, 60_000);
}
