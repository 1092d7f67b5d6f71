// The bundles under a REAL k6, against the simulator started in-process: every algorithm
// passes; without per-key limiting (off, or one limit for all keys) rate-limit and
// key-isolation exit 99. Runs only where k6 is on PATH or K6_BIN is set (the project never
// installs k6); elsewhere each test is skipped with the reason.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { findK6, runK6, type K6 } from '../../cli/k6';
import { ROOT, scenarioBundles } from './support/bundles';
import { startTarget, type TargetSpec } from './support/targets';

vi.setConfig({ maxConcurrency: 3, testTimeout: 180_000 });

const found = findK6();
const k6: K6 | null = 'missing' in found ? null : found;
const reason = 'missing' in found ? `k6 not available (${found.missing}): real-k6 integration tests skipped` : '';
if (!k6) console.log(reason);

/**
 * key-isolation's spread part over 127.0.0.2-5. k6 binds local addresses only from its own
 * environment or flags (never from script options), and the script plans from __ENV: so both
 * --local-ips for k6 and -e K6_LOCAL_IPS for the script (a shell `K6_LOCAL_IPS=… k6 run` does both).
 */
const LOCAL_IPS = '127.0.0.2-127.0.0.5';
const EXTRA_ARGS: Record<string, string[]> = { 'key-isolation': ['--local-ips', LOCAL_IPS] };

const SHORT: Record<string, Record<string, string>> = {
  smoke: {},
  'rate-limit': { RUNDUN_UNDER_DURATION: '1500ms', RUNDUN_OVER_DURATION: '5s' },
  'retry-after': { RUNDUN_DURATION: '5s' },
  'key-isolation': { K6_LOCAL_IPS: LOCAL_IPS },
};

async function runReal(scenario: string, spec: TargetSpec, env: Record<string, string> = {}) {
  const bundles = await scenarioBundles();
  const target = await startTarget(spec);
  const reports = mkdtempSync(join(tmpdir(), 'rundun-real-k6-'));
  try {
    const r = await runK6(k6 as K6, bundles.files[scenario] as string, { RUNDUN_FIXTURES: target.fixturesFile, RUNDUN_REPORT_DIR: reports, ...SHORT[scenario], ...env }, { timeoutMs: 150_000, cwd: ROOT, extraArgs: EXTRA_ARGS[scenario] ?? [] });
    const out = `${r.stdout}\n${r.stderr}`;
    for (const key of target.secrets) expect(out.includes(key), 'a key leaked into k6 output').toBe(false);
    const junit = join(reports, `${scenario}.junit.xml`);
    expect(existsSync(join(reports, `${scenario}.summary.json`)), out).toBe(true);
    expect(existsSync(junit)).toBe(true);
    for (const key of target.secrets) expect(readFileSync(junit, 'utf8').includes(key)).toBe(false);
    return { ...r, out };
  } finally {
    await target.close();
    rmSync(reports, { recursive: true, force: true });
  }
}

describe.concurrent('bundles under a real k6', () => {
  const cases: Array<{ name: string; scenario: string; spec: TargetSpec; env?: Record<string, string>; exit: number }> = [
    ...(['fixed-window', 'sliding-window', 'token-bucket'] as const).flatMap((algorithm) =>
      ['rate-limit', 'retry-after', 'key-isolation'].map((scenario) => ({ name: `${scenario} passes on ${algorithm}`, scenario, spec: { variant: 'clean' as const, algorithm }, exit: 0 })),
    ),
    { name: 'retry-after passes with http-date Retry-After', scenario: 'retry-after', spec: { variant: 'clean', retryAfterFormat: 'http-date' }, exit: 0 },
    { name: 'smoke passes', scenario: 'smoke', spec: { variant: 'clean' }, exit: 0 },
    { name: 'rate-limit fails without rate limiting', scenario: 'rate-limit', spec: { variant: 'off' }, env: { RUNDUN_RATE_LIMIT: '10/500ms' }, exit: 99 },
    { name: 'rate-limit fails with one limit shared by two keys', scenario: 'rate-limit', spec: { variant: 'shared' }, env: { RUNDUN_KEYS_UNDER_TEST: '2' }, exit: 99 },
    { name: 'key-isolation fails without rate limiting', scenario: 'key-isolation', spec: { variant: 'off' }, env: { RUNDUN_RATE_LIMIT: '10/500ms' }, exit: 99 },
    { name: 'key-isolation fails with one limit shared by all keys', scenario: 'key-isolation', spec: { variant: 'shared' }, exit: 99 },
  ];

  it.for(cases)('$name (exit $exit)', async ({ scenario, spec, env, exit }, ctx) => {
    if (!k6) return ctx.skip(reason);
    const r = await runReal(scenario, spec, env);
    expect(r.exitCode, r.out.split('\n').slice(-40).join('\n')).toBe(exit);
    expect(r.stdout).toMatch(new RegExp(`rundun k6 ${scenario}: ${exit === 0 ? 'PASS' : 'FAIL'}`));
  });
});
