// A rule whose fixture is missing is skipped with the reason, never passed; a 429 outside the
// rate-limit probe is waited out and reported, not blamed; the reports carry verdicts,
// evidence, overrides and skip reasons, and never a key in full.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { parseFixtures, type Target } from '../../lib/target';
import { createProbeEnv } from '../../conformance/engine/probe-env';
import { runProbe, type ProbeResult } from '../../conformance/engine/probe';
import { probeById, probes } from '../../conformance/probes';
import { buildReport } from '../../conformance/report/build';
import { renderJUnit, renderMarkdown, renderSummary } from '../../conformance/report/render';
import { writeReports } from '../../conformance/report/write';
import type { RunEvent } from '../../conformance/engine/recorder';
import { startBrokenProxy } from '../support/broken-proxy';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ rateLimit: { limit: 1000, windowMs: 1000, algorithm: 'fixed-window' } });
});
afterAll(() => sim.close());

/** The simulator as staging would look: no admin surface, and only some keys. */
function stagingLike(drop: Array<keyof Target['keys']>): Target {
  const t = parseFixtures(JSON.stringify(sim.fixtures));
  delete t.admin;
  for (const role of drop) delete t.keys[role];
  return t;
}

describe('missing fixtures', () => {
  const cases: Array<[probe: string, drop: Array<keyof Target['keys']>, reason: RegExp]> = [
    ['auth.revoked-key', ['revoked'], /needs the 'revoked' key .*RUNDUN_API_KEY_REVOKED/],
    ['runs.quota-exhausted', ['exhausted'], /needs the 'exhausted' key .*RUNDUN_API_KEY_EXHAUSTED/],
    ['ratelimit.burst-and-recover', ['ratelimit'], /needs the 'ratelimit' key .*RUNDUN_API_KEY_RATELIMIT/],
    ['org.cross-org-read', ['other_org'], /needs the 'other_org' key/],
    ['runs.expired', [], /set RUNDUN_EXPIRED_RUN_ID on staging/],
    ['status.server-error', [], /only be provoked on the simulator/],
  ];
  it.each(cases)('%s is skipped with the reason when %j is missing', async (id, drop, reason) => {
    const env = createProbeEnv({ target: stagingLike(drop), overrides: {}, timeoutMs: 2000, paceRps: 0 });
    try {
      const r = await runProbe(probeById(id), env);
      expect(r.status).toBe('skip');
      expect(r.reason).toMatch(reason);
    } finally {
      env.close();
    }
  });

  it('the report marks their rules skipped with the reason, never passed', async () => {
    const target = stagingLike(['revoked', 'exhausted']);
    const env = createProbeEnv({ target, overrides: {}, timeoutMs: 2000, paceRps: 0 });
    const results: ProbeResult[] = [];
    try {
      for (const id of ['auth.revoked-key', 'runs.quota-exhausted', 'templates.list-and-get']) results.push(await runProbe(probeById(id), env));
    } finally {
      env.close();
    }
    const report = buildReport({ events: results.map((result) => ({ kind: 'probe', result })), target, source: 'test', simulator: false, overrides: {}, durationMs: 1 });
    const rule = (id: string) => report.rules.find((r) => r.id === id)!;
    expect(rule('auth.revoked-key-rejected')).toMatchObject({ status: 'skip', note: expect.stringMatching(/RUNDUN_API_KEY_REVOKED/) });
    expect(rule('status.402-quota-exceeded')).toMatchObject({ status: 'skip', note: expect.stringMatching(/RUNDUN_API_KEY_EXHAUSTED/) });
    expect(rule('status.200-success').status).toBe('pass');
    expect(report.matrix.cells.createRun!['402']!.verdict).toBe('skip');
    expect(report.matrix.cells.getRun!['410']!.verdict).toBe('not-exercised');
  });
});

describe('pacing', () => {
  it('a 429 outside the rate-limit probe is waited out, reported, and blamed on no rule', async () => {
    let throttled = 0;
    const proxy = await startBrokenProxy(sim.origin, {
      response: (_r, res) =>
        throttled++ === 0 ? { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: '{"error":"rate_limited","message":"slow down"}' } : res,
    });
    const target = parseFixtures(JSON.stringify(sim.fixtures));
    target.baseUrl = `${proxy.origin}/v1`;
    const waited: number[] = [];
    const env = createProbeEnv({ target, overrides: {}, timeoutMs: 3000, paceRps: 0, on429WaitedOut: (_ex, ms) => waited.push(ms) });
    try {
      const r = await runProbe(probeById('templates.list-and-get'), env);
      expect(r.status).toBe('pass');
      expect(waited).toEqual([1000]);
      expect(r.outcomes.filter((o) => !o.ok)).toEqual([]);
    } finally {
      env.close();
      await proxy.close();
    }
  });
});

describe('reports', () => {
  const key = 'rdk_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  const failing: ProbeResult = {
    probe: 'auth.revoked-key',
    title: 'a revoked key → 401',
    family: 'auth',
    rules: ['auth.revoked-key-rejected'],
    status: 'fail',
    reason: 'expected 401, got 200',
    outcomes: [
      {
        rule: 'auth.revoked-key-rejected',
        ok: false,
        message: `expected 401, got 200 (key ${key})`,
        evidence: [{ request: 'GET /templates (key: revoked)', status: 200, headers: { 'content-type': 'application/json' }, body: `{"echo":"Bearer ${key}","x":"<&>"}` }],
      },
    ],
    passiveHeld: { 'json.response-content-type': 1 },
    covers: [['listTemplates', 401]],
    cells: [],
    tally: [['listTemplates', 200]],
    drift: [{ schema: 'TemplateList', path: '/data/0/colour', request: 'GET /templates' }],
    requests: 1,
    durationMs: 5,
  };
  const events: RunEvent[] = [{ kind: 'probe', result: failing }];
  const target = { baseUrl: 'http://127.0.0.1:1/v1', keys: { revoked: key }, pool: [], rateLimit: null };
  const report = buildReport({ events, target, source: 'test', simulator: false, overrides: { parameters: { perPageMax: 200 } }, durationMs: 1234 });

  it('JUnit: one test case per rule, the failure with its evidence, skips with reasons, XML-escaped', () => {
    const xml = renderJUnit(report);
    expect(xml.match(/<testcase /g)).toHaveLength(report.rules.length);
    expect(xml).toMatch(/<testcase classname="conformance.auth" name="auth.revoked-key-rejected">\s*<failure message="expected 401, got 200/);
    expect(xml).toContain('&lt;&amp;&gt;');
    expect(xml).toMatch(/<testcase classname="conformance.ratelimit" name="ratelimit.enforced-per-key">\s*<skipped message="Judged by the k6 scenario rate-limit \(scenarios\/rate-limit.ts\)/);
  });

  it('Markdown and summary: overrides said plainly, matrix, failure evidence, drift', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/perPageMax overridden for this target: 100 → 200/);
    expect(md).toMatch(/\| listTemplates \| \? 1 \| · \| · \| ✗ 0 \|/); // 200 seen but no probe covers it; the 401 probe failed
    expect(md).toMatch(/### `auth.revoked-key-rejected`/);
    expect(md).toMatch(/\| TemplateList \| `\/data\/\*\/colour` \|/);
    expect(renderSummary(report, ['x'])).toMatch(/FAIL auth.revoked-key-rejected: expected 401, got 200/);
  });

  it('a probe that started but never finished fails its rules instead of vanishing', () => {
    const r = buildReport({
      events: [{ kind: 'started', probe: 'pagination.templates', title: 'walk', family: 'pagination', rules: ['pagination.total-stable', 'pagination.next-page'] }],
      target, source: 'test', simulator: false, overrides: {}, durationMs: 1,
    });
    for (const id of ['pagination.total-stable', 'pagination.next-page'])
      expect(r.rules.find((x) => x.id === id)).toMatchObject({ status: 'fail', failures: [{ message: expect.stringMatching(/started but never finished/) }] });
    expect(r.totals.fail).toBe(2);
  });

  it('no report file holds a key in full', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rundun-reports-'));
    const paths = writeReports(report, dir, [key]);
    expect(paths).toHaveLength(3);
    for (const p of paths) {
      const text = readFileSync(p, 'utf8');
      expect(text).not.toContain(key);
      expect(text).toContain('rdk_live_…2345');
    }
  });
});

it('every probe names only contract rules and has a unique id', () => {
  expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
});
