// Execution segments in the emulator (k6 `--execution-segment` / `--execution-segment-sequence`,
// what k6-operator hands each instance): VUs and shared iterations scaled per instance,
// arrival-rate schedules striped, global iteration and VU ids, exec.test.options showing the
// segment (and refusing the init context); a 0-VU instance runs nothing. Plus the k6/secrets
// stub and k6's redaction of secret values in log output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { equalSplit } from '../../lib/execution-segment';
import { parseSecretFile, prepareBundle, run, type EmulatorBundle, type RunOptions, type RunResult } from './support/emulator';

vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'rundun-k6-segments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
async function bundleOf(source: string): Promise<EmulatorBundle> {
  const file = join(dir, `script-${seq++}.js`);
  writeFileSync(file, source);
  return prepareBundle(file);
}
const runIt = (b: EmulatorBundle, opts: RunOptions = {}, env: Record<string, string> = {}): Promise<RunResult> => run(b, env, { timeoutMs: 30_000, ...opts });

interface Rec {
  s: string;
  it: number;
  ii: number;
  vu: number;
  vi: number;
  seg: string | null;
  seq: string | null;
}
const records = (r: RunResult): Rec[] => r.logs.filter((l) => l.message.startsWith('{')).map((l) => JSON.parse(l.message) as Rec);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

const RECORD = `
  export default function () {
    const o = exec.test.options;
    console.log(JSON.stringify({ s: exec.scenario.name, it: exec.scenario.iterationInTest, ii: exec.scenario.iterationInInstance,
      vu: exec.vu.idInTest, vi: exec.vu.idInInstance, seg: o.executionSegment, seq: o.executionSegmentSequence }));
  }`;

describe('execution segments in the emulator', () => {
  it('per-vu-iterations, 5 VUs: over 1, 2, 3 and 4 equal instances every global iteration and VU id appears once', async () => {
    const b = await bundleOf(`
      import exec from 'k6/execution';
      export const options = { scenarios: { pvi: { executor: 'per-vu-iterations', vus: 5, iterations: 1, maxDuration: '10s' } } };
      ${RECORD}`);
    for (const n of [1, 2, 3, 4]) {
      const split = equalSplit(n);
      const runs = await Promise.all(split.map((p) => runIt(b, { segment: p.segment, sequence: p.sequence })));
      const all: Rec[] = [];
      runs.forEach((r, i) => {
        expect(r.exitCode, r.iterationErrors.join('\n')).toBe(0);
        const recs = records(r);
        // Local ids and counters stay 1..k / 0..k-1; exec.test.options names this instance's segment.
        expect(sorted(recs.map((x) => x.vi))).toEqual(range(recs.length, 1));
        expect(sorted(recs.map((x) => x.ii))).toEqual(range(recs.length));
        for (const x of recs) expect([x.seg, x.seq]).toEqual([split[i]!.segment, split[i]!.sequence]);
        all.push(...recs);
      });
      expect(sorted(all.map((x) => x.it)), `${n} instances`).toEqual(range(5));
      expect(sorted(all.map((x) => x.vu)), `${n} instances`).toEqual(range(5, 1));
    }
    // Interleaved, not blocks: two instances get VU ids 1,3,5 and 2,4 (k6's striping).
    const [a, c] = await Promise.all(equalSplit(2).map((p) => runIt(b, p)));
    expect(sorted(records(a!).map((x) => x.vu))).toEqual([1, 3, 5]);
    expect(sorted(records(c!).map((x) => x.vu))).toEqual([2, 4]);
    // Unsegmented: the options show null, as k6's JSON of lib.Options.
    const one = records(await runIt(b));
    expect(one).toHaveLength(5);
    for (const x of one) expect([x.seg, x.seq]).toEqual([null, null]);
  });

  it('shared-iterations shares out scale(iterations); the segment string is normalised as k6 marshals it', async () => {
    const b = await bundleOf(`
      import exec from 'k6/execution';
      export const options = { scenarios: { si: { executor: 'shared-iterations', vus: 3, iterations: 9, maxDuration: '10s' } } };
      ${RECORD}`);
    const runs = await Promise.all([
      runIt(b, { segment: '0:1/3', sequence: '0,1/3,2/3,1' }),
      runIt(b, { segment: '1/3:0.5', sequence: '0,1/3,2/3,1' }),
      runIt(b, { segment: '2/3:100%', sequence: '0,1/3,2/3,1' }),
    ]);
    // k6 refuses a segment that is not one of the sequence's (exit 104 here).
    expect(runs[1]!.exitCode).toBe(104);
    expect(runs[1]!.configErrors.join()).toMatch(/is not one of the segments/);
    const mid = await runIt(b, { segment: '1/3:2/3', sequence: '0,1/3,2/3,1' });
    const all = [runs[0]!, mid, runs[2]!].flatMap((r) => records(r));
    expect(sorted(all.map((x) => x.it))).toEqual(range(9));
    expect([runs[0]!, mid, runs[2]!].map((r) => records(r).length)).toEqual([3, 3, 3]);
    expect(records(runs[2]!)[0]).toMatchObject({ seg: '2/3:1', seq: '0,1/3,2/3,1' });
  });

  it('arrival rates split: each instance starts only its striped arrivals, together the whole schedule', async () => {
    const b = await bundleOf(`
      import exec from 'k6/execution';
      export const options = { scenarios: {
        car: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 4, maxVUs: 4 },
        rar: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 3, maxVUs: 3, stages: [{ target: 40, duration: '1s' }] },
      } };
      ${RECORD}`);
    const whole = records(await runIt(b));
    const total = (rs: Rec[], s: string) => rs.filter((x) => x.s === s).length;
    expect(total(whole, 'car')).toBe(20);
    const rarTotal = total(whole, 'rar');
    expect(rarTotal).toBeGreaterThanOrEqual(18);
    for (const n of [2, 3]) {
      const runs = await Promise.all(equalSplit(n).map((p) => runIt(b, p)));
      for (const r of runs) {
        expect(r.exitCode, r.iterationErrors.join('\n')).toBe(0);
        expect(r.samples.filter((x) => x.metric === 'dropped_iterations')).toEqual([]);
      }
      const per = runs.map((r) => records(r));
      for (const s of ['car', 'rar']) {
        const all = per.flatMap((rs) => rs.filter((x) => x.s === s));
        expect(sorted(all.map((x) => x.it)), `${s} over ${n}`).toEqual(range(s === 'car' ? 20 : rarTotal));
      }
      // car: maxVUs 4 over 2 instances -> 10 + 10; over 3 -> re-segmented on 4 VUs (2,1,1) -> 10, 5, 5.
      expect(per.map((rs) => total(rs, 'car'))).toEqual(n === 2 ? [10, 10] : [10, 5, 5]);
    }
  });

  it('an instance with 0 VUs runs nothing and exits per its thresholds', async () => {
    const src = (thresholds: string) => `
      import exec from 'k6/execution';
      import { check } from 'k6';
      export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 3, maxDuration: '10s' } }, thresholds: ${thresholds} };
      export default function () { check(1, { ok: () => true }); }`;
    const [first, second] = equalSplit(2);
    const counted = await bundleOf(src(`{ iterations: ['count>=1'] }`));
    const r1 = await runIt(counted, first);
    expect(r1.exitCode).toBe(0);
    expect(r1.samples.filter((x) => x.metric === 'iterations')).toHaveLength(3);
    const r2 = await runIt(counted, second);
    expect(r2.samples.filter((x) => x.metric === 'iterations' || x.metric === 'checks')).toEqual([]);
    // As real k6 2.2.0 on the second of two instances: a count threshold on nothing is crossed.
    expect(r2.exitCode).toBe(99);
    // A Rate with no sample passes its thresholds in k6: the idle instance exits 0.
    const rated = await bundleOf(src(`{ checks: ['rate>0.9'] }`));
    const r3 = await runIt(rated, second);
    expect(r3.exitCode).toBe(0);
    expect(r3.samples.filter((x) => x.metric === 'checks')).toEqual([]);
  });

  it('exec.test.options is refused in the init context, as k6 does', async () => {
    const b = await bundleOf(`
      import exec from 'k6/execution';
      let initMsg = 'no error';
      try { exec.test.options; } catch (e) { initMsg = e.message; }
      export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } };
      export default function () { console.log(initMsg + ' | ' + JSON.stringify(Object.keys(exec.test.options.scenarios))); }`);
    const r = await runIt(b, { segment: '0:1/2', sequence: '0,1/2,1' });
    expect(r.logs.map((l) => l.message)).toEqual(['getting test options in the init context is not supported | ["one"]']);
  });

  it('k6/secrets: get() at init and in VU code; secret values are redacted from log lines and errors', async () => {
    const secretSource = parseSecretFile('# keys\nprimary=rdk_live_SECRETprimary0000000000000000\nother = x\n\nbad line\n');
    expect(secretSource).toEqual({ primary: 'rdk_live_SECRETprimary0000000000000000', other: ' x' });
    const b = await bundleOf(`
      import secrets from 'k6/secrets';
      const k = await secrets.get('primary');
      export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } };
      export default async function () {
        const again = await secrets.source('default').get('primary');
        let missing = 'resolved';
        try { await secrets.get('nope'); } catch (e) { missing = 'rejected'; }
        console.log('key=' + k + ' same=' + (again === k) + ' missing=' + missing + ' len=' + k.length);
        throw new Error('failed with Bearer ' + k);
      }`);
    const r = await runIt(b, { secretSource });
    expect(r.logs.map((l) => l.message)).toEqual(['key=***SECRET_REDACTED*** same=true missing=rejected len=38']);
    expect(r.iterationErrors).toHaveLength(1);
    expect(r.iterationErrors[0]).toMatch(/failed with Bearer \*\*\*SECRET_REDACTED\*\*\*/);
    expect(JSON.stringify(r.logs) + r.iterationErrors.join()).not.toContain('SECRETprimary');
    // Without a secret source the init-time get() rejects: an init error (exit 107).
    expect((await runIt(b)).exitCode).toBe(107);
  });

  it('an invalid segment is refused before the test (exit 104)', async () => {
    const b = await bundleOf(`export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } }; export default function () {}`);
    const r = await runIt(b, { segment: '1/2:1/3' });
    expect(r.exitCode).toBe(104);
    expect(r.configErrors.join()).toMatch(/execution segment/);
  });
});
