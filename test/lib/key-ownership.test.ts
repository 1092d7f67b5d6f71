// Which keys each instance of a split run owns: a pure function of the execution segment. For
// every split k6-operator makes (1 to 16 equal instances) and some unequal ones, and any number
// of keys, the instances' key sets are disjoint and together are all the keys; with fewer keys
// than instances some instances own none (and pass, see emulated-split-run.test.ts).
import { describe, expect, it } from 'vitest';
import { equalSplit, executionTuple, ownedIndices } from '../../lib/execution-segment';

const splits = [
  ...Array.from({ length: 16 }, (_, i) => ({ name: `${i + 1} equal`, parts: equalSplit(i + 1) })),
  { name: '0,1/4,1/2,1', parts: ['0:1/4', '1/4:1/2', '1/2:1'].map((segment) => ({ segment, sequence: '0,1/4,1/2,1' })) },
  { name: '0,1/3,1', parts: ['0:1/3', '1/3:1'].map((segment) => ({ segment, sequence: '0,1/3,1' })) },
];

describe('key ownership over the instances of a split run', () => {
  it.each(splits)('$name: disjoint, complete, for 0 to 40 keys', ({ parts }) => {
    for (let keys = 0; keys <= 40; keys++) {
      const owned = parts.map((p) => ownedIndices(executionTuple(p.segment, p.sequence), keys));
      const all = owned.flat().sort((a, b) => a - b);
      expect(all, `${keys} keys`).toEqual(Array.from({ length: keys }, (_, i) => i));
      if (keys < parts.length) expect(owned.filter((o) => o.length === 0).length, `${keys} keys`).toBe(parts.length - keys);
    }
  });

  it('k6-operator parallelism 2 with one key: the first instance owns it, the second none (the run that exited 99 before)', () => {
    const [a, b] = equalSplit(2).map((p) => ownedIndices(executionTuple(p.segment, p.sequence), 1));
    expect(a).toEqual([0]);
    expect(b).toEqual([]);
  });

  it('an unsplit run owns every key', () => {
    expect(ownedIndices(executionTuple(null, null), 5)).toEqual([0, 1, 2, 3, 4]);
  });
});
