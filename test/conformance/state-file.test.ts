// 410 across suite runs: run 1 records a short-lived run in the state file (id, timestamps, key
// role, never the key), the simulator's clock moves past its expiry, run 2 reads the file back
// and verifies 410. A server that answers 404 or 200 for the expired run fails the rule; runs
// not yet expired stay; verified and vanished ones go; an unusable file is set aside with a
// message and never overwritten.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { parseFixtures } from '../../lib/target';
import { createProbeEnv } from '../../conformance/engine/probe-env';
import { runProbe, type ProbeResult } from '../../conformance/engine/probe';
import { probeById } from '../../conformance/probes';
import { EXPIRY_GRACE_MS, judgeRecorded } from '../../conformance/probes/earlier-runs';
import { RunLedger, type RecordedRun, type StateFs } from '../../conformance/engine/state-file';
import { startBrokenProxy, type BrokenProxy } from '../support/broken-proxy';

const PROBE = 'runs.expired-from-earlier-run';
let sim: RunningSimulator;
let proxy: BrokenProxy;
/** How the proxy answers GET /runs/{id} of an expired run: honestly (410), or broken. */
let expiredAs: 410 | 404 | 200 = 410;
beforeAll(async () => {
  sim = await startSimulator({ rateLimit: { limit: 1000, windowMs: 1000, algorithm: 'fixed-window' } });
  proxy = await startBrokenProxy(sim.origin, {
    response: (_r, res) =>
      res.status !== 410 || expiredAs === 410 ? res
      : expiredAs === 404 ? { ...res, status: 404, body: '{"error":"run_not_found","message":"gone"}' }
      : { ...res, status: 200, body: '{"id":"r-00000000-0000-4000-8000-000000000000","template_id":"t-00000000-0000-4000-8000-000000000000","expires_in_hours":1,"created_at":"2026-01-01T00:00:00.000Z","expires_at":"2026-01-01T01:00:00.000Z"}' },
  });
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'rundun-state-test-')), 'state', 'runs.json');
const target = () => ({ ...parseFixtures(JSON.stringify(sim.fixtures)), baseUrl: `${proxy.origin}/v1` });
const records = (path: string): RecordedRun[] => JSON.parse(readFileSync(path, 'utf8')).runs;

/** One suite run of the probe: a fresh env and the state file loaded anew, as a later process would. */
async function suiteRun(path: string, opts: { readOnly?: boolean } = {}): Promise<ProbeResult> {
  const env = Object.assign(createProbeEnv({ target: target(), overrides: {}, timeoutMs: 3000, paceRps: 0 }), { readOnly: opts.readOnly ?? false, ledger: new RunLedger(path) });
  try {
    return await runProbe(probeById(PROBE), env);
  } finally {
    env.close();
  }
}

async function advancePastExpiry(): Promise<void> {
  const env = createProbeEnv({ target: target(), overrides: {}, timeoutMs: 3000, paceRps: 0 });
  try {
    await env.sim!.advanceClock(3600 + EXPIRY_GRACE_MS / 1000 + 5);
  } finally {
    env.close();
  }
}

describe('410 across runs, on the simulator clock', () => {
  it('run 1 records, the clock passes expiry, run 2 verifies 410 and drops the record', async () => {
    expiredAs = 410;
    const path = tempFile();
    const first = await suiteRun(path);
    expect(first.status).toBe('skip');
    expect(first.reason).toMatch(/no recorded run has expired yet on this target: recorded run r-[0-9a-f-]{36} \(expires .*\) in .*runs\.json for a later run/);
    const [rec, ...more] = records(path);
    expect(more).toEqual([]);
    expect(Object.keys(rec!).sort()).toEqual(['base_url', 'created_at', 'expires_at', 'id', 'key_hint', 'key_role']);
    expect(rec!.key_hint).toMatch(/^rdk_live_…\w{4}$/);
    expect(rec).toMatchObject({ base_url: `${proxy.origin}/v1`, key_role: 'primary' });
    expect(Date.parse(rec!.expires_at) - Date.parse(rec!.created_at)).toBe(3600_000);
    const text = readFileSync(path, 'utf8');
    for (const key of Object.values(sim.fixtures.keys)) expect(text).not.toContain(key.slice(9, 17));

    // Not yet expired: kept, and no second run recorded.
    const early = await suiteRun(path);
    expect(early.status).toBe('skip');
    expect(early.reason).toMatch(/1 recorded run\(s\) not yet expired/);
    expect(records(path).map((r) => r.id)).toEqual([rec!.id]);

    await advancePastExpiry();
    const second = await suiteRun(path);
    expect(second.status, second.reason).toBe('pass');
    expect(second.outcomes.filter((o) => o.rule === 'status.410-gone').map((o) => [o.ok, o.message])).toEqual([
      [true, expect.stringMatching(new RegExp(`run ${rec!.id} \\(expired at .*\\) → 410`))],
      [true, 'error code run_expired'],
    ]);
    // Verified: dropped; a fresh one recorded for the next run.
    const after = records(path);
    expect(after.map((r) => r.id)).not.toContain(rec!.id);
    expect(after).toHaveLength(1);
  }, 30_000);

  it.each([
    [404, /→ 404: an expired run must answer 410 run_expired, not 404/, false],
    [200, /→ 200: still served after its expiry/, true],
  ] as const)('a server that answers %i for the expired run fails status.410-gone', async (status, message, kept) => {
    const path = tempFile();
    expiredAs = 410;
    await suiteRun(path);
    const [rec] = records(path);
    await advancePastExpiry();
    expiredAs = status;
    try {
      const r = await suiteRun(path);
      expect(r.status).toBe('fail');
      const failed = r.outcomes.filter((o) => !o.ok);
      expect(failed.map((o) => o.rule)).toEqual(['status.410-gone']);
      expect(failed[0]!.message).toMatch(message);
      expect(records(path).some((x) => x.id === rec!.id)).toBe(kept);
    } finally {
      expiredAs = 410;
    }
  }, 30_000);

  it('read-only mode verifies what earlier runs recorded and records nothing new', async () => {
    const path = tempFile();
    await suiteRun(path);
    await advancePastExpiry();
    const r = await suiteRun(path, { readOnly: true });
    expect(r.status, r.reason).toBe('pass');
    expect(records(path)).toEqual([]);
  }, 30_000);

  it('a record made with another key under the same role is not comparable: dropped, no verdict (another org would answer 404)', async () => {
    const path = tempFile();
    const other: RecordedRun = { id: 'r-00000000-0000-4000-8000-00000000000e', base_url: `${proxy.origin}/v1`, key_role: 'primary', key_hint: 'rdk_live_…zzzz', created_at: '2020-01-01T00:00:00.000Z', expires_at: '2020-01-01T01:00:00.000Z' };
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, JSON.stringify({ version: 1, runs: [other] }));
    expiredAs = 404;
    try {
      const r = await suiteRun(path);
      expect(r.outcomes.filter((o) => !o.ok)).toEqual([]);
      expect(r.reason).toMatch(/created with another 'primary' key \(rdk_live_…zzzz\): not comparable, dropped/);
      expect(records(path).some((x) => x.id === other.id)).toBe(false);
    } finally {
      expiredAs = 410;
    }
  });

  it("another target's records are left as they are", async () => {
    const path = tempFile();
    const foreign: RecordedRun = { id: 'r-00000000-0000-4000-8000-00000000000f', base_url: 'https://staging.example/v1', key_role: 'primary', created_at: '2020-01-01T00:00:00.000Z', expires_at: '2020-01-01T01:00:00.000Z' };
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, JSON.stringify({ version: 1, runs: [foreign] }));
    await suiteRun(path);
    expect(records(path)[0]).toEqual(foreign);
    expect(records(path)).toHaveLength(2);
  });

  it('without a state file, on the simulator: two runs in one, and a 404 still fails', async () => {
    for (const [as, status] of [[410, 'pass'], [404, 'fail']] as const) {
      expiredAs = as;
      const env = Object.assign(createProbeEnv({ target: target(), overrides: {}, timeoutMs: 3000, paceRps: 0 }));
      try {
        const r = await runProbe(probeById(PROBE), env);
        expect(r.status, r.reason).toBe(status);
      } finally {
        env.close();
        expiredAs = 410;
      }
    }
  }, 30_000);
});

describe('judging one recorded run', () => {
  const rec: RecordedRun = { id: 'r-00000000-0000-4000-8000-000000000001', base_url: 'x', key_role: 'primary', created_at: '2026-01-01T00:00:00.000Z', expires_at: '2026-01-01T01:00:00.000Z' };
  const after = new Date(Date.parse(rec.expires_at) + EXPIRY_GRACE_MS).toUTCString();
  const before = new Date(Date.parse(rec.expires_at) - 1000).toUTCString();
  const CASES: Array<[name: string, status: number, date: string | undefined, localNow: number, kind: string, keep: boolean]> = [
    ['410 once expired (server clock): verified, dropped', 410, after, 0, 'pass', false],
    ['404 once expired: fails, dropped (vanished)', 404, after, 0, 'fail', false],
    ['200 once expired: fails, kept to ask again', 200, after, 0, 'fail', true],
    ['401 once expired: fails (expected 410), kept', 401, after, 0, 'fail', true],
    ['200 before expiry: pending, kept', 200, before, 0, 'pending', true],
    ['the server clock wins over the local one', 200, before, Date.parse(after) + 1e9, 'pending', true],
    ['no Date header: the local clock', 410, undefined, Date.parse(after), 'pass', false],
    ['within the grace after expiry: not yet judged', 200, new Date(Date.parse(rec.expires_at) + 1000).toUTCString(), 0, 'pending', true],
    ['404 before expiry: vanished, dropped, not judged', 404, before, 0, 'unjudged', false],
    ['503: not judged, kept', 503, after, 0, 'unjudged', true],
    ['no response: not judged, kept', 0, undefined, Date.parse(after), 'unjudged', true],
  ];
  it.each(CASES)('%s', (_n, status, date, localNow, kind, keep) => {
    const v = judgeRecorded(rec, { status, headers: date ? { date } : {}, error: status === 0 ? 'ECONNREFUSED' : undefined }, localNow);
    expect([v.kind, v.keep]).toEqual([kind, keep]);
  });
});

describe('an unusable state file', () => {
  const CASES: Array<[name: string, content: string, problem: RegExp]> = [
    ['not JSON', '{"version": 1, "runs": [', /is not valid JSON/],
    ['JSON of another shape', '[1, 2]', /is not a state file: not a JSON object/],
    ['a record without its fields', '{"version":1,"runs":[{"id":"r-1"}]}', /is not a state file: runs\[0\] is not a recorded run/],
    ['a future version', '{"version":2,"runs":[]}', /is not a state file: version 2, expected 1/],
  ];
  it.each(CASES)('%s: set aside with a clear message in the report, never overwritten', async (_n, content, problem) => {
    const path = tempFile();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    const r = await suiteRun(path);
    expect(r.status).toBe('skip');
    expect(r.reason).toMatch(problem);
    const aside = readdirSync(join(path, '..')).filter((f) => f.startsWith('runs.json.unusable-'));
    expect(aside).toHaveLength(1);
    expect(r.reason).toContain(aside[0]);
    expect(readFileSync(join(path, '..', aside[0]!), 'utf8')).toBe(content);
    expect(records(path)).toHaveLength(1); // a new file, with this run's record
  });

  it('unreadable (a directory where the file should be): set aside too', () => {
    const path = tempFile();
    mkdirSync(path, { recursive: true });
    const ledger = new RunLedger(path);
    expect(ledger.problem).toMatch(/cannot be read \(EISDIR\): kept as .*runs\.json\.unusable-/);
    expect(existsSync(path)).toBe(false);
  });

  it('one that cannot be set aside is left alone: nothing written over it', () => {
    const writes: string[] = [];
    const fs: StateFs = { read: () => 'garbage', write: (p) => void writes.push(p), rename: () => { throw Object.assign(new Error('nope'), { code: 'EACCES' }); } };
    const ledger = new RunLedger('/x/runs.json', fs);
    expect(ledger.problem).toMatch(/could not be set aside \(EACCES\): left as it is, nothing recorded this run/);
    expect(ledger.writable).toBe(false);
    ledger.record({ id: 'r-00000000-0000-4000-8000-000000000002', base_url: 'x', key_role: 'primary', created_at: '2026-01-01T00:00:00Z', expires_at: '2026-01-01T01:00:00Z' });
    expect(ledger.save()).toBe(false);
    expect(writes).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('a file without read permission', () => {
    const path = tempFile();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"version":1,"runs":[]}');
    chmodSync(path, 0o000);
    expect(new RunLedger(path).problem).toMatch(/cannot be read \(EACCES\)/);
  });
});
