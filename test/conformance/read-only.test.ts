// Read-only mode (RUNDUN_READ_ONLY=yes, for smoke checks on production): the whole registry
// against the simulator sends no write at all (counted where the requests arrive), the write
// probes are skipped with the reason and so are the rules only they judge; a probe that writes
// without its flag is refused and failed, and a normal run's log shows every writer flagged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { parseFixtures } from '../../lib/target';
import { createProbeEnv } from '../../conformance/engine/probe-env';
import { READ_ONLY_REASON, runProbe, unflaggedWriters, type Probe, type ProbeResult } from '../../conformance/engine/probe';
import { probes } from '../../conformance/probes';
import { buildReport } from '../../conformance/report/build';
import { startBrokenProxy, type BrokenProxy } from '../support/broken-proxy';

let sim: RunningSimulator;
let proxy: BrokenProxy;
/** Every request that reached the API through the proxy, as "METHOD /v1/path". */
const arrived: string[] = [];
beforeAll(async () => {
  sim = await startSimulator({ rateLimit: { limit: 60, windowMs: 1000, algorithm: 'fixed-window' } });
  proxy = await startBrokenProxy(sim.origin, { request: (r) => (arrived.push(`${r.method} ${r.path.split('?')[0]}`), r) });
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

/** The simulator behind the counting proxy (the admin surface stays direct, as on any target). */
function env(readOnly: boolean) {
  const target = parseFixtures(JSON.stringify(sim.fixtures));
  target.baseUrl = `${proxy.origin}/v1`;
  return Object.assign(createProbeEnv({ target, overrides: {}, timeoutMs: 3000, paceRps: 30 }), { readOnly });
}

const writes = (line: string) => !/^(GET|HEAD|OPTIONS) /.test(line);

describe('the whole suite in read-only mode', () => {
  const results: ProbeResult[] = [];
  beforeAll(async () => {
    arrived.length = 0;
    const e = env(true);
    try {
      for (const p of probes) results.push(await runProbe(p, e));
    } finally {
      e.close();
    }
  }, 120_000);

  it('sends no write: every request that reached the API was a GET', () => {
    expect(arrived.length).toBeGreaterThan(50);
    expect(arrived.filter(writes)).toEqual([]);
  });

  it('skips each write probe with the reason, and nothing fails', () => {
    const writers = probes.filter((p) => p.writes).map((p) => p.id);
    expect(writers).toEqual(expect.arrayContaining(['runs.create-read', 'runs.validation', 'runs.malformed-json', 'org.lists', 'ratelimit.burst-and-recover']));
    for (const id of writers) expect(results.find((r) => r.probe === id), id).toMatchObject({ status: 'skip', reason: READ_ONLY_REASON, requests: 0 });
    expect(results.filter((r) => r.status === 'fail').map((r) => `${r.probe}: ${r.reason}`)).toEqual([]);
    // The probes with a write among reads ran their reads.
    for (const id of ['auth.missing-header', 'status.unknown-route', 'pagination.runs']) expect(results.find((r) => r.probe === id)?.status, id).toBe('pass');
  });

  it('reports the rules only write probes judge as skipped with that reason, never passed', () => {
    const report = buildReport({ events: results.map((result) => ({ kind: 'probe', result })), target: parseFixtures(JSON.stringify(sim.fixtures)), source: 'test', simulator: true, overrides: {}, durationMs: 1 });
    const owners = (rule: string) => probes.filter((p) => p.rules.includes(rule as Probe['rules'][number]));
    const writeOnly = report.rules.filter((r) => owners(r.id).length > 0 && owners(r.id).every((p) => p.writes) && r.heldOn === 0).map((r) => r.id);
    expect(writeOnly).toEqual(expect.arrayContaining(['status.201-created', 'status.402-quota-exceeded', 'runs.create-read-consistent', 'json.malformed-body', 'org.isolation-list', 'ratelimit.429-status']));
    for (const id of writeOnly) {
      const rule = report.rules.find((r) => r.id === id)!;
      expect(rule.status, id).toBe('skip');
      expect(rule.note, id).toContain(READ_ONLY_REASON);
    }
    // The keyless create was left out: its matrix cell is not claimed.
    expect(report.matrix.cells.createRun!['401']!.verdict).not.toBe('pass');
    expect(report.matrix.cells.listTemplates!['401']!.verdict).toBe('pass');
  });
});

/** Small probes, one per way of getting the flag right or wrong. */
const post = async (ctx: Parameters<Probe['run']>[0]) => {
  const ex = await ctx.call('POST', '/runs', { key: ctx.key('primary'), body: { template_id: 't-00000000-0000-4000-8000-000000000000' } });
  ctx.check('status.404-not-found', ex.status === 404, `POST → ${ex.status}`, [ex]);
};
const get = async (ctx: Parameters<Probe['run']>[0]) => {
  const ex = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key('primary') });
  ctx.check('status.200-success', ex.status === 200, `GET → ${ex.status}`, [ex]);
};
const FLAG_CASES: Array<{ name: string; probe: Probe; status: ProbeResult['status']; reason: RegExp; writesSent: number }> = [
  { name: 'a write probe not flagged: refused before it is sent, and failed', probe: { id: 'x.unflagged', title: 't', family: 'x', rules: ['status.404-not-found'], run: post }, status: 'fail', reason: /refused to send POST \/runs; a probe that writes must say so/, writesSent: 0 },
  { name: 'writesSome that forgets to leave its write out: refused, failed', probe: { id: 'x.forgot', title: 't', family: 'x', rules: ['status.404-not-found'], writesSome: true, run: post }, status: 'fail', reason: /refused to send POST/, writesSent: 0 },
  { name: 'flagged writes: skipped with the reason, nothing sent', probe: { id: 'x.flagged', title: 't', family: 'x', rules: ['status.404-not-found'], writes: true, run: post }, status: 'skip', reason: new RegExp(`^${READ_ONLY_REASON.replace(/[()]/g, '\\$&')}$`), writesSent: 0 },
  { name: 'a reading probe: runs as usual', probe: { id: 'x.reads', title: 't', family: 'x', rules: ['status.200-success'], run: get }, status: 'pass', reason: /^$/, writesSent: 0 },
];

describe('the flag is enforced', () => {
  it.each(FLAG_CASES.map((c) => [c.name, c] as const))('read-only: %s', async (_n, c) => {
    arrived.length = 0;
    const e = env(true);
    try {
      const r = await runProbe(c.probe, e);
      expect(r.status).toBe(c.status);
      expect(r.reason ?? '').toMatch(c.reason);
      expect(arrived.filter(writes)).toHaveLength(c.writesSent);
    } finally {
      e.close();
    }
  });

  const LOGS: Array<[name: string, sent: Array<{ probe: string; method: string }>, unflagged: string[]]> = [
    ['only GETs', [{ probe: 'x.reads', method: 'GET' }], []],
    ['a POST from an unflagged probe', [{ probe: 'x.reads', method: 'GET' }, { probe: 'x.unflagged', method: 'POST' }], ['x.unflagged']],
    ['a DELETE counts as a write too', [{ probe: 'x.unflagged', method: 'delete' }], ['x.unflagged']],
    ['POSTs from flagged probes', [{ probe: 'x.flagged', method: 'POST' }, { probe: 'x.forgot', method: 'PATCH' }], []],
  ];
  it.each(LOGS)('unflaggedWriters: %s', (_n, sent, unflagged) => {
    expect(unflaggedWriters(FLAG_CASES.map((c) => c.probe), sent)).toEqual(unflagged);
  });

  it('in a normal run, every probe that sent a write is flagged (from the recorded requests)', async () => {
    const e = env(false);
    const sent: Array<{ probe: string; method: string }> = [];
    let current = '';
    const request = e.client.request.bind(e.client);
    e.client.request = (method, path, o) => (sent.push({ probe: current, method }), request(method, path, o));
    try {
      for (const p of probes) {
        current = p.id;
        const r = await runProbe(p, e);
        expect(r.status, `${p.id}: ${r.reason}`).toBe('pass');
      }
    } finally {
      e.close();
    }
    expect(sent.filter((s) => s.method === 'POST').length).toBeGreaterThan(20);
    expect(unflaggedWriters(probes, sent)).toEqual([]);
  }, 120_000);
});
