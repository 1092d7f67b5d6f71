// `npm run merge` as a process: scripts/merge.ts bundled with the build's esbuild settings into
// a temp folder (so the test runs the current source and does not race a concurrent build),
// spawned on files in another temp folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEntry } from '../support/build-entry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instance } from './support';

let dir: string;
let cli: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rundun-merge-'));
  cli = await buildEntry('scripts/merge.ts', dir, 'merge.js');
  const write = (rel: string, value: unknown) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), typeof value === 'string' ? value : JSON.stringify(value));
  };
  const rule = 'rule_verdicts{rule:ratelimit.enforced-per-key}';
  write('a/rate-limit.summary.json', instance('rate-limit', { [rule]: { type: 'counter', values: { count: 1, rate: 1 }, thresholds: { 'count>=1': true } } }));
  write('b/rate-limit.summary.json', instance('rate-limit', { [rule]: { type: 'counter', values: { count: 0, rate: 0 }, thresholds: { 'count>=0': true } } }));
  const spread = 'spread_accepted{rule:ratelimit.isolation}';
  write('a/key-isolation.summary.json', instance('key-isolation', { [spread]: { type: 'counter', values: { count: 60, rate: 6 }, thresholds: { 'count<=100': true } } }));
  write('b/key-isolation.summary.json', instance('key-isolation', { [spread]: { type: 'counter', values: { count: 90, rate: 9 }, thresholds: { 'count<=100': true } } }));
  write('bad.json', '{"scenario": "smoke", "metrics": ');
  write('not-summary.json', { metrics: {} });
  write('unknown-shape.summary.json', { scenario: 'smoke', pass: false, summary: { shape: 'unknown' }, error: 'k6 handed handleSummary a summary of unknown shape', thresholds: [] });
  write('handle-summary-data.json', { metrics: { x: { type: 'counter', values: { count: 1 } } }, root_group: {} });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run merge', () => {
  it('merges, writes the reports and exits 0 when every scenario passes', () => {
    const r = run('a/rate-limit.summary.json', 'b/rate-limit.summary.json', '--out', 'merged-ok');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^rundun merge rate-limit: PASS over 2 instances \(1 thresholds, 0 crossed\)$/m);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'merged-ok', 'rate-limit.summary.json'), 'utf8'));
    expect(json).toMatchObject({ scenario: 'rate-limit', pass: true, merged: { instances: 2, files: ['a/rate-limit.summary.json', 'b/rate-limit.summary.json'] } });
    expect(readFileSync(join(dir, 'merged-ok', 'rate-limit.junit.xml'), 'utf8')).toContain('<testsuite name="k6.rate-limit" tests="1" failures="0"');
  });

  it('exits 1 when a merged scenario fails, one line per scenario', () => {
    const r = run('a/rate-limit.summary.json', 'a/key-isolation.summary.json', 'b/rate-limit.summary.json', 'b/key-isolation.summary.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^rundun merge rate-limit: PASS over 2 instances/m);
    expect(r.stdout).toMatch(/^rundun merge key-isolation: FAIL over 2 instances \(1 thresholds, 1 crossed\)$/m);
    expect(r.stdout).toContain('FAIL spread_accepted{rule:ratelimit.isolation} count<=100  [count=150; count summed over 2 instances]');
    expect(existsSync(join(dir, 'reports', 'merged', 'key-isolation.summary.json'))).toBe(true);
  });

  it.each([
    { name: 'unknown option', args: ['a/rate-limit.summary.json', '--bogus'], msg: /^merge: unknown option --bogus \(see --help\)\n$/ },
    { name: 'no files', args: [], msg: /^merge: no summary files given \(see --help\)\n$/ },
    { name: '--out without a value', args: ['a/rate-limit.summary.json', '--out'], msg: /^merge: --out needs a value \(see --help\)\n$/ },
    { name: 'missing file', args: ['a/rate-limit.summary.json', 'c/nope.summary.json'], msg: /^merge: cannot read c\/nope\.summary\.json: no such file$/m },
    { name: 'a directory', args: ['a'], msg: /^merge: cannot read a: is a directory$/m },
    { name: 'bad JSON', args: ['bad.json'], msg: /^merge: bad\.json: not valid JSON \(/ },
    { name: 'not a summary', args: ['not-summary.json'], msg: /^merge: not-summary\.json: not a scenario summary .*: no 'scenario' name$/m },
    { name: 'raw handleSummary data', args: ['handle-summary-data.json'], msg: /^merge: handle-summary-data\.json: not a scenario summary/ },
    { name: 'an instance whose summary shape was unknown', args: ['unknown-shape.summary.json'], msg: /unknown-shape\.summary\.json: not a scenario summary .*: that instance wrote no metrics: k6 handed handleSummary a summary of unknown shape/ },
    { name: 'the same file twice', args: ['a/rate-limit.summary.json', './a/rate-limit.summary.json'], msg: /given twice/ },
  ])('$name: exit 2 with a readable message, no stack trace', ({ args, msg }) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: npm run merge -- <instance summary.json>... [--out <dir>]');
  });
});
