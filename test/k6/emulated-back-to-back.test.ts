// Scenarios run back to back on the same keys, as a CI job does: key-isolation, then smoke at
// once, against one simulator. Key-isolation's spread part drives its own key (never smoke's),
// and a 429 smoke did not provoke is waited out and reported as pacing, never blamed on a rule.
// And keys read from k6's secret source (RUNDUN_SECRETS=yes) appear in no summary or log line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { scenarioBundles } from './support/bundles';
import { prepareBundle, run, type EmulatorBundle } from './support/emulator';
import { startTarget } from './support/targets';

vi.setConfig({ testTimeout: 180_000 });

const bundles = new Map<string, Promise<EmulatorBundle>>();
const bundle = (name: string) => {
  if (!bundles.has(name)) bundles.set(name, scenarioBundles().then((b) => prepareBundle(b.files[name] as string)));
  return bundles.get(name) as Promise<EmulatorBundle>;
};

describe('back to back on the same keys', () => {
  it('key-isolation, then smoke at once: both pass', async () => {
    const target = await startTarget({ variant: 'clean' });
    const dir = mkdtempSync(join(tmpdir(), 'rundun-b2b-'));
    try {
      const env = { RUNDUN_FIXTURES: target.fixturesFile, RUNDUN_REPORT_DIR: dir };
      const iso = await run(await bundle('key-isolation'), env, { timeoutMs: 120_000 });
      const smoke = await run(await bundle('smoke'), env, { timeoutMs: 120_000 });
      const log = [iso, smoke].map((r) => `exit ${r.exitCode}\n${r.logs.map((l) => l.message).join('\n')}`).join('\n---\n');
      expect(iso.exitCode, log).toBe(0);
      expect(smoke.exitCode, log).toBe(0);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("smoke on a key another run left throttled: the 429 is waited out as pacing, and smoke passes", async () => {
    // A 5 s window: the key must still be throttled when smoke's first request lands, however
    // long a busy machine takes to start the emulator (a 1 s window rolled over first, in CI).
    const target = await startTarget({ variant: 'clean', limit: 10, windowMs: 5000 });
    const dir = mkdtempSync(join(tmpdir(), 'rundun-b2b-'));
    try {
      const smoke = await bundle('smoke');
      // Someone else's traffic: exhaust the primary key right before smoke starts.
      const auth = { Authorization: `Bearer ${target.fixtures.keys.primary}` };
      for (let i = 0; i < 22; i++) await fetch(`${target.fixtures.baseUrl}/templates?per_page=1`, { headers: auth });
      const r = await run(smoke, { RUNDUN_FIXTURES: target.fixturesFile, RUNDUN_REPORT_DIR: dir }, { timeoutMs: 120_000 });
      const log = `exit ${r.exitCode}\n${r.logs.map((l) => l.message).join('\n')}`;
      expect(r.exitCode, log).toBe(0);
      expect(log).toMatch(/pacing: GET \/v1\/templates: 429 outside any judged phase \(attempt 1\): Retry-After \d+ s; waited out, not judged/);
      expect(r.samples.filter((x) => x.metric === 'pacing_429s').length, log).toBeGreaterThan(0);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("keys from k6's secret source", () => {
  it('no key appears in any summary, log line or tag; the run passes', async () => {
    const target = await startTarget({ variant: 'clean' });
    const dir = mkdtempSync(join(tmpdir(), 'rundun-secrets-'));
    try {
      const f = target.fixtures;
      const secretSource: Record<string, string> = { primary: f.keys.primary, secondary: f.keys.secondary, other_org: f.keys.other_org, ratelimit: f.keys.ratelimit };
      f.pool.forEach((k, i) => (secretSource[`pool_${i}`] = k));
      const env = { RUNDUN_BASE_URL: f.baseUrl, RUNDUN_SECRETS: 'yes', RUNDUN_RATE_LIMIT: '10/500ms', RUNDUN_REPORT_DIR: dir, RUNDUN_UNDER_DURATION: '1500ms', RUNDUN_OVER_DURATION: '3s' };
      for (const scenario of ['smoke', 'rate-limit']) {
        const r = await run(await bundle(scenario), env, { timeoutMs: 120_000, secretSource });
        const everything = [JSON.stringify(r.logs), JSON.stringify(r.summaryFiles), JSON.stringify(r.samples.map((x) => x.tags)), r.iterationErrors.join('\n')].join('\n');
        expect(r.exitCode, `${scenario}: ${r.initError ?? ''}\n${r.logs.map((l) => l.message).join('\n')}`).toBe(0);
        for (const k of target.secrets) expect(everything.includes(k.slice(-12)), `${scenario}: a key leaked`).toBe(false);
        expect(r.summaryFiles?.[`${dir}/${scenario}.summary.json`]).toContain("keys from k6's secret source (primary, secondary, other_org, ratelimit, pool)");
      }
      // RUNDUN_SECRETS=yes without a secret source refuses to start, saying how to fix it.
      const none = await run(await bundle('smoke'), env, { timeoutMs: 60_000 });
      expect(none.exitCode).toBe(107);
      expect(none.initError).toMatch(/RUNDUN_SECRETS=yes but k6's secret source gave no key/);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a key still throttled after every wait', () => {
  it('smoke reports its rules as not judged, never as a wrong status, and fails', async () => {
    // A target that answers every request 429 with Retry-After: 1 (someone else keeps the key busy).
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end(JSON.stringify({ error: 'rate_limited', message: 'Too many requests.' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address() as { port: number };
    const dir = mkdtempSync(join(tmpdir(), 'rundun-b2b-'));
    try {
      const key = `rdk_live_${'q'.repeat(32)}`;
      const r = await run(await bundle('smoke'), { RUNDUN_BASE_URL: `http://127.0.0.1:${addr.port}/v1`, RUNDUN_API_KEY: key, RUNDUN_REPORT_DIR: dir }, { timeoutMs: 120_000 });
      const log = r.logs.map((l) => l.message).join('\n');
      expect(r.exitCode, log).toBe(99);
      expect(log).toMatch(/GET \/v1\/templates: not judged: still throttled \(429\) after waiting Retry-After out/);
      expect(log).toMatch(/status\.200-success: FAILED: not judged/);
      expect(log).not.toMatch(/expected 200|no template to continue with/);
      expect(r.samples.filter((x) => x.metric === 'pacing_429s').length).toBe(3);
      expect(JSON.stringify(r.logs).includes(key.slice(-12))).toBe(false);
    } finally {
      server.close();
      server.closeAllConnections();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
