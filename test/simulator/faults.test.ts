// The fault catalogue: every entry names a real contract rule; the CLI lists and refuses
// faults; and, table-driven, each fault changes exactly the behaviour it is meant to: the same
// HTTP check against a clean simulator and against one with the fault gives the correct answer
// and the broken one. Time is a manual clock (no sleeps); load.latency's timer is injected.
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../lib/contract';
import { parseRetryAfter } from '../../lib/retry-after';
import { validate } from '../../lib/validate';
import { createSimulator } from '../../simulator/app';
import { createManualTime, createSimClock, type ManualTime } from '../../simulator/clock';
import { FAULT_CATALOGUE, FAULT_NAMES, listFaults, UnknownFaultError, type FaultName, type FaultSpec } from '../../simulator/faults';
import { generateKey } from '../../simulator/keys';
import { parseCli, UsageError } from '../../simulator/options';
import { startSimulator, type RunningSimulator, type StartOptions } from '../../simulator/server';
import { call, closeAgent, type CallOptions, type Reply } from './helpers';

const CATALOGUE: readonly FaultSpec[] = FAULT_CATALOGUE;
const RULE_IDS = new Set(contract.rules.map((r) => r.id));

describe('the catalogue', () => {
  it('has at least 30 faults with unique `<family>.<what>` names, one-line descriptions and existing rule ids', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(30);
    expect(new Set(FAULT_NAMES).size).toBe(FAULT_NAMES.length);
    for (const f of CATALOGUE) {
      expect(f.name, f.name).toMatch(new RegExp(`^${f.family}\\.[a-z0-9]+(-[a-z0-9]+)*$`));
      expect(RULE_IDS.has(f.breaks), `${f.name} breaks unknown rule ${f.breaks}`).toBe(true);
      expect(f.description, f.name).toMatch(/^[^\n]{10,160}$/);
      expect(f.loadOnly === undefined || f.loadOnly === true).toBe(true);
    }
  });

  it('covers every rule family of the contract that a server can break', () => {
    const families = new Set(CATALOGUE.map((f) => contract.rules.find((r) => r.id === f.breaks)?.family));
    for (const fam of new Set(contract.rules.map((r) => r.family))) expect(families, fam).toContain(fam);
  });

  it('createSimulator refuses an unknown fault, naming every valid one', () => {
    expect(() => createSimulator({ faults: ['ratelimit.off', 'ratelimit.nope'] })).toThrow(UnknownFaultError);
    expect(() => createSimulator({ faults: ['ratelimit.nope'] })).toThrow(/unknown fault "ratelimit\.nope"; valid faults: ratelimit\.off, /);
    try {
      createSimulator({ faults: ['x'] });
    } catch (e) {
      for (const name of FAULT_NAMES) expect((e as Error).message).toContain(name);
    }
    expect(createSimulator({ faults: ['ratelimit.off', 'load.latency'] }).faults.list()).toEqual(['ratelimit.off', 'load.latency']);
  });

  it('the README documents every fault', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../simulator/README.md'), 'utf8');
    for (const f of CATALOGUE) expect(readme, f.name).toContain(`\`${f.name}\``);
  });
});

describe('--fault and --list-faults', () => {
  it('parseCli reads repeated --fault (deduplicated) and --list-faults; no faults, no key', () => {
    expect(parseCli(['--fault', 'ratelimit.off', '--fault=auth.revoked-accepted', '--fault', 'ratelimit.off']).start.faults).toEqual([
      'ratelimit.off',
      'auth.revoked-accepted',
    ]);
    expect(parseCli([]).start.faults).toBeUndefined();
    expect(parseCli(['--list-faults']).listFaults).toBe(true);
    expect(parseCli([]).listFaults).toBeUndefined();
  });

  it.each([[['--fault', 'nope']], [['--fault']], [['--fault=']]])('parseCli refuses %j', (argv) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
  });

  it('listFaults: one line per fault, name first, then its description', () => {
    const lines = listFaults().split('\n');
    expect(lines).toHaveLength(CATALOGUE.length);
    CATALOGUE.forEach((f, i) => {
      expect(lines[i]).toMatch(new RegExp(`^${f.name.replaceAll('.', '\\.')} +${f.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(lines[i]!.endsWith(' [load only]')).toBe(f.loadOnly === true);
    });
  });

  describe('the built CLI', () => {
    let dir: string;
    let cli: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rundun-sim-faults-'));
      cli = join(dir, 'cli.js');
      await build({ entryPoints: [join(import.meta.dirname, '../../simulator/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('--list-faults prints every fault and exits 0', () => {
      const r = spawnSync(process.execPath, [cli, '--list-faults'], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status).toBe(0);
      expect(r.stdout.trimEnd()).toBe(listFaults());
    });

    it('an unknown --fault exits 2 with one error line listing the valid names and pointing at --help', () => {
      const r = spawnSync(process.execPath, [cli, '--fault', 'ratelimit.nope'], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^sim: unknown fault "ratelimit\.nope"; valid faults: .*\(see --help\)$/);
      for (const name of FAULT_NAMES) expect(lines[0]).toContain(name);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Each fault, against a clean simulator and a faulty one.

interface Sim {
  s: RunningSimulator;
  keys: RunningSimulator['fixtures']['keys'];
  time: ManualTime;
  /** load.latency's requested delays. */
  delays: number[];
}

const LIMIT = 3;
const LIMITED: StartOptions = { rateLimit: { limit: LIMIT, windowMs: 1000, algorithm: 'fixed-window' } };
const HOUR = 3_600_000;

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
afterAll(() => closeAgent());

async function start(faults: FaultName[], options: StartOptions = {}): Promise<Sim> {
  const time = createManualTime();
  const delays: number[] = [];
  const s = await startSimulator({
    rateLimit: null,
    clock: createSimClock({ wall: time.wall, monotonic: time.monotonic }),
    delay: async (ms) => {
      delays.push(ms);
    },
    ...options,
    faults,
  });
  running.push(s);
  return { s, keys: s.fixtures.keys, time, delays };
}

/** Path relative to the API base (fixtures.baseUrl, which includes /v1 unless unversioned). */
const api = (m: Sim, path: string, opts: CallOptions = {}): Promise<Reply> => call(m.s.origin, `${new URL(m.s.baseUrl).pathname.replace(/\/$/, '')}${path}`, opts);
/** key null: no Authorization header. */
const get = (m: Sim, path: string, key: string | null = m.keys.primary) => api(m, path, key === null ? {} : { key });
const post = (m: Sim, body: unknown, key = m.keys.primary, contentType: string | null = 'application/json') =>
  api(m, '/runs', { method: 'POST', key, headers: contentType === null ? {} : { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const code = (r: Reply) => (r.json as { error?: unknown } | undefined)?.error;
const sc = (r: Reply) => [r.status, code(r)];

async function templateOf(m: Sim, key = m.keys.primary): Promise<string> {
  return ((await get(m, '/templates?per_page=1', key)).json as { data: { id: string }[] }).data[0]!.id;
}
async function createdRun(m: Sim, hours = 24, key = m.keys.primary): Promise<{ id: string; created_at: string; expires_at: string }> {
  const r = await post(m, { template_id: await templateOf(m, key), expires_in_hours: hours }, key);
  expect(r.status).toBeGreaterThanOrEqual(200);
  return r.json as { id: string; created_at: string; expires_at: string };
}
/** Statuses of n sequential template lists on one key. */
async function burst(m: Sim, n: number, key = m.keys.ratelimit): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await get(m, '/templates?per_page=1', key)).status);
  return out;
}
/** The first 429 on the rate-limit key (after LIMIT accepted requests). */
async function throttled(m: Sim): Promise<Reply> {
  await burst(m, LIMIT);
  return get(m, '/templates?per_page=1', m.keys.ratelimit);
}
/** A request from another loopback address (127.0.0.2). */
function getFrom(m: Sim, localAddress: string, path: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${m.s.baseUrl}${path}`, { localAddress, agent: false, headers: { authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
/** Pages 1-3 of the 123 templates at per_page 50, read page by page (not following next_page). */
async function walk(m: Sim) {
  const pages = [];
  for (const page of [1, 2, 3]) pages.push((await get(m, `/templates?page=${page}&per_page=50`)).json as { data: { id: string }[]; pagination: { total: number; next_page: number | null } });
  const ids = pages.flatMap((p) => p.data.map((d) => d.id));
  return {
    lengths: pages.map((p) => p.data.length),
    distinct: new Set(ids).size,
    totals: [...new Set(pages.map((p) => p.pagination.total))],
    next: pages.map((p) => p.pagination.next_page),
  };
}
const CLEAN_WALK = { lengths: [50, 50, 23], distinct: 123, totals: [123], next: [2, 3, null] };
const keysOf = (r: Reply) => Object.keys(r.json as object).sort();
/** The status, or how the exchange failed: 'reset' (connection dropped), 'no answer' (within 2 s: generous, so a slow answer on a busy machine is never read as a hang). */
function outcome(m: Sim, path: string): Promise<number | string> {
  const reply = get(m, path).then((r) => r.status, () => 'reset');
  return Promise.race([reply, new Promise<string>((resolve) => setTimeout(resolve, 2000, 'no answer'))]);
}
const UNKNOWN_TEMPLATE = '/templates/t-00000000-0000-4000-8000-000000000000';
const JSON_CT = 'application/json; charset=utf-8';

interface Case {
  fault: FaultName;
  options?: StartOptions;
  /** The check; its result must equal `clean` on a clean simulator and `faulty` with the fault. */
  observe(m: Sim): Promise<unknown>;
  clean: unknown;
  faulty: unknown;
}

const CASES: Case[] = [
  // --- rate limiting
  { fault: 'ratelimit.off', options: LIMITED, observe: (m) => burst(m, 5), clean: [200, 200, 200, 429, 429], faulty: [200, 200, 200, 200, 200] },
  {
    fault: 'ratelimit.shared-bucket', options: LIMITED,
    observe: async (m) => [(await throttled(m)).status, (await get(m, '/templates', m.keys.other_org)).status],
    clean: [429, 200], faulty: [429, 429],
  },
  {
    fault: 'ratelimit.per-source-address', options: LIMITED,
    observe: async (m) => ({
      throttled: (await throttled(m)).status,
      sameKeyFromAnotherAddress: await getFrom(m, '127.0.0.2', '/templates', m.keys.ratelimit),
      otherKeySameAddress: (await get(m, '/templates', m.keys.secondary)).status,
    }),
    clean: { throttled: 429, sameKeyFromAnotherAddress: 429, otherKeySameAddress: 200 },
    faulty: { throttled: 429, sameKeyFromAnotherAddress: 200, otherKeySameAddress: 429 },
  },
  {
    fault: 'ratelimit.per-org', options: LIMITED,
    observe: async (m) => [(await throttled(m)).status, (await get(m, '/templates', m.keys.secondary)).status, (await get(m, '/templates', m.keys.other_org)).status],
    clean: [429, 200, 200], faulty: [429, 429, 200],
  },
  {
    fault: 'ratelimit.double-limit', options: LIMITED,
    observe: async (m) => ({ stated: m.s.fixtures.rateLimit?.limit, accepted: (await burst(m, 8)).filter((s) => s === 200).length }),
    clean: { stated: LIMIT, accepted: LIMIT }, faulty: { stated: LIMIT, accepted: 2 * LIMIT },
  },
  {
    fault: 'ratelimit.limit-too-low', options: { rateLimit: { limit: 8, windowMs: 1000, algorithm: 'fixed-window' } },
    observe: async (m) => ({ stated: m.s.fixtures.rateLimit?.limit, accepted: (await burst(m, 10)).filter((s) => s === 200).length }),
    clean: { stated: 8, accepted: 8 }, faulty: { stated: 8, accepted: 2 },
  },
  { fault: 'ratelimit.retry-after-missing', options: LIMITED, observe: async (m) => (await throttled(m)).headers['retry-after'], clean: '1', faulty: undefined },
  { fault: 'ratelimit.retry-after-zero', options: LIMITED, observe: async (m) => (await throttled(m)).headers['retry-after'], clean: '1', faulty: '0' },
  { fault: 'ratelimit.retry-after-non-numeric', options: LIMITED, observe: async (m) => (await throttled(m)).headers['retry-after'], clean: '1', faulty: 'soon' },
  { fault: 'ratelimit.retry-after-fractional', options: LIMITED, observe: async (m) => (await throttled(m)).headers['retry-after'], clean: '1', faulty: '1.5' },
  { fault: 'ratelimit.retry-after-long', options: LIMITED, observe: async (m) => (await throttled(m)).headers['retry-after'], clean: '1', faulty: '11' },
  { fault: 'ratelimit.retry-after-loose', options: LIMITED, observe: async (m) => (await throttled(m)).headers['retry-after'], clean: '1', faulty: '2' },
  {
    fault: 'ratelimit.503-for-throttled-write', options: LIMITED,
    observe: async (m) => {
      const body = { template_id: await templateOf(m) };
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT; i++) statuses.push((await post(m, body, m.keys.ratelimit)).status);
      const write = await post(m, body, m.keys.ratelimit);
      return { statuses, write: [...sc(write), write.headers['retry-after']], read: (await get(m, '/templates', m.keys.ratelimit)).status };
    },
    clean: { statuses: [201, 201, 201], write: [429, 'rate_limited', '1'], read: 429 },
    faulty: { statuses: [201, 201, 201], write: [503, 'unavailable', '1'], read: 429 },
  },
  {
    // The real wait is 1 s (the window) + 2.9 s; Retry-After says 2. A retry after it is still
    // throttled (and told 1 s more); only after the real wait does the key come back.
    fault: 'ratelimit.retry-after-short', options: LIMITED,
    observe: async (m) => {
      const first = await throttled(m);
      const ra = Number(first.headers['retry-after']);
      m.time.tick(ra * 1000);
      const retry = await get(m, '/templates', m.keys.ratelimit);
      m.time.tick(3900 - ra * 1000);
      const afterRealWait = (await get(m, '/templates', m.keys.ratelimit)).status;
      return { retryAfter: ra, retry: [retry.status, retry.headers['retry-after']], afterRealWait };
    },
    clean: { retryAfter: 1, retry: [200, undefined], afterRealWait: 200 },
    faulty: { retryAfter: 2, retry: [429, '1'], afterRealWait: 200 },
  },
  {
    fault: 'ratelimit.no-error-body', options: LIMITED,
    observe: async (m) => {
      const r = await throttled(m);
      return { status: r.status, retryAfter: r.headers['retry-after'], body: r.text === '' ? '' : code(r) };
    },
    clean: { status: 429, retryAfter: '1', body: 'rate_limited' }, faulty: { status: 429, retryAfter: '1', body: '' },
  },
  {
    fault: 'ratelimit.plain-text-429', options: LIMITED,
    observe: async (m) => {
      const r = await throttled(m);
      return { status: r.status, type: r.headers['content-type'], body: r.text.startsWith('{') ? code(r) : r.text };
    },
    clean: { status: 429, type: JSON_CT, body: 'rate_limited' }, faulty: { status: 429, type: 'text/plain', body: 'Too Many Requests' },
  },
  {
    fault: 'ratelimit.throttled-write-creates', options: LIMITED,
    observe: async (m) => {
      const body = { template_id: await templateOf(m) };
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push((await post(m, body, m.keys.ratelimit)).status);
      const total = ((await get(m, '/runs?per_page=1', m.keys.secondary)).json as { pagination: { total: number } }).pagination.total;
      return { statuses, runs: total, quotaSpent: 10_000 - m.s.simulator.store.org('a').runQuota };
    },
    clean: { statuses: [201, 201, 201, 429], runs: 3, quotaSpent: 3 }, faulty: { statuses: [201, 201, 201, 429], runs: 4, quotaSpent: 4 },
  },
  // --- versioning, JSON, envelopes, org
  {
    fault: 'versioning.unversioned',
    observe: async (m) => ({ baseUrl: new URL(m.s.baseUrl).pathname, v1: (await call(m.s.origin, '/v1/templates', { key: m.keys.primary })).status, root: (await call(m.s.origin, '/templates', { key: m.keys.primary })).status }),
    clean: { baseUrl: '/v1', v1: 200, root: 404 }, faulty: { baseUrl: '/', v1: 404, root: 200 },
  },
  {
    fault: 'versioning.new-field',
    observe: async (m) => {
      const list = await get(m, '/templates?per_page=1');
      const page = list.json as { data: object[]; pagination: object };
      return [keysOf(list), Object.keys(page.data[0]!).includes('region'), Object.keys(page.pagination).includes('region'), keysOf(await get(m, '/runs/r-x'))];
    },
    clean: [['data', 'pagination'], false, false, ['error', 'message']], faulty: [['data', 'pagination', 'region'], true, true, ['error', 'message', 'region']],
  },
  {
    fault: 'json.content-type-ignored',
    observe: async (m) => {
      const body = { template_id: await templateOf(m) };
      return [(await post(m, body, m.keys.primary, null)).status, (await post(m, body, m.keys.primary, 'text/plain')).status, (await post(m, body)).status];
    },
    clean: [400, 400, 201], faulty: [201, 201, 201],
  },
  {
    fault: 'json.text-plain-lists',
    observe: async (m) => ['/templates', '/runs', `/templates/${await templateOf(m)}`].reduce(async (acc, p) => [...(await acc), (await get(m, p)).headers['content-type']], Promise.resolve([] as unknown[])),
    clean: [JSON_CT, JSON_CT, JSON_CT], faulty: ['text/plain; charset=utf-8', 'text/plain; charset=utf-8', JSON_CT],
  },
  {
    fault: 'envelope.no-pagination',
    observe: async (m) => [keysOf(await get(m, '/templates')), keysOf(await get(m, '/templates?page=1')), keysOf(await get(m, '/runs'))],
    clean: [['data', 'pagination'], ['data', 'pagination'], ['data', 'pagination']], faulty: [['data'], ['data', 'pagination'], ['data', 'pagination']],
  },
  {
    fault: 'ids.uppercase-template-ids',
    observe: async (m) => {
      const id = await templateOf(m);
      const format = /^t-[0-9a-f-]{36}$/.test(id) ? 'lower' : /^T-[0-9A-F-]{36}$/.test(id) ? 'upper' : id;
      return { format, get: (await get(m, `/templates/${id}`)).status, create: (await post(m, { template_id: id })).status };
    },
    clean: { format: 'lower', get: 200, create: 201 }, faulty: { format: 'upper', get: 200, create: 201 },
  },
  {
    fault: 'envelope.wrapped-resource',
    observe: async (m) => keysOf(await get(m, `/templates/${await templateOf(m)}`)),
    clean: ['created_at', 'description', 'id', 'name'], faulty: ['data'],
  },
  {
    fault: 'org.list-all-orgs',
    observe: async (m) => {
      const mine = await createdRun(m);
      const theirs = (await get(m, '/runs', m.keys.other_org)).json as { data: { id: string }[] };
      return { listedForOrgB: theirs.data.some((r) => r.id === mine.id), readableByOrgB: (await get(m, `/runs/${mine.id}`, m.keys.other_org)).status };
    },
    clean: { listedForOrgB: false, readableByOrgB: 404 }, faulty: { listedForOrgB: true, readableByOrgB: 404 },
  },
  // --- error bodies
  {
    fault: 'errors.no-error-field',
    observe: async (m) => ({ body: keysOf(await post(m, { template_id: 123 })), query: keysOf(await get(m, '/runs?per_page=0')), other: keysOf(await get(m, '/runs/r-x')) }),
    clean: { body: ['error', 'message'], query: ['error', 'message'], other: ['error', 'message'] },
    faulty: { body: ['message'], query: ['message'], other: ['error', 'message'] },
  },
  {
    fault: 'errors.no-message-field',
    observe: async (m) => ({ run: keysOf(await get(m, '/runs/r-x')), route: keysOf(await get(m, '/nope')), other: keysOf(await get(m, '/runs?page=0')) }),
    clean: { run: ['error', 'message'], route: ['error', 'message'], other: ['error', 'message'] },
    faulty: { run: ['error'], route: ['error'], other: ['error', 'message'] },
  },
  {
    fault: 'errors.non-json-body',
    observe: async (m) => {
      const r = await post(m, '{');
      return { status: r.status, type: r.headers['content-type'], json: r.json !== undefined, other: sc(await get(m, '/runs/r-x')) };
    },
    clean: { status: 400, type: JSON_CT, json: true, other: [404, 'run_not_found'] },
    faulty: { status: 400, type: JSON_CT, json: false, other: [404, 'run_not_found'] },
  },
  {
    fault: 'errors.wrong-content-type',
    observe: async (m) => {
      const r = await get(m, '/templates', null);
      return { status: r.status, code: code(r), type: r.headers['content-type'], other: (await get(m, '/nope')).headers['content-type'] };
    },
    clean: { status: 401, code: 'unauthorized', type: JSON_CT, other: JSON_CT },
    faulty: { status: 401, code: 'unauthorized', type: 'text/plain; charset=utf-8', other: JSON_CT },
  },
  {
    fault: 'errors.unknown-code',
    observe: async (m) => [sc(await get(m, '/runs/r-x')), sc(await get(m, '/templates/t-x'))],
    clean: [[404, 'run_not_found'], [404, 'template_not_found']], faulty: [[404, 'missing'], [404, 'template_not_found']],
  },
  {
    fault: 'errors.stack-in-500',
    observe: async (m) => {
      m.s.simulator.failNext.arm(1, null);
      const r = await get(m, '/templates');
      return [r.status, code(r), /\bat [\w.<>]+ \(|\.ts:\d+|node:internal|Error: /.test(r.text)];
    },
    clean: [500, 'internal_error', false], faulty: [500, 'internal_error', true],
  },
  {
    fault: 'errors.html-error-page',
    observe: async (m) => {
      const missing = await get(m, '/runs/r-x');
      return [missing.status, missing.headers['content-type'], missing.text.startsWith('<!DOCTYPE html>'), (await post(m, { template_id: 1 })).headers['content-type']];
    },
    clean: [404, JSON_CT, false, JSON_CT], faulty: [404, 'text/html; charset=utf-8', true, JSON_CT],
  },
  // --- status codes
  {
    fault: 'status.404-for-expired',
    observe: async (m) => {
      const run = await createdRun(m, 1);
      m.s.simulator.clock.advance(HOUR);
      return [sc(await get(m, `/runs/${run.id}`)), sc(await get(m, '/runs/r-x'))];
    },
    clean: [[410, 'run_expired'], [404, 'run_not_found']], faulty: [[404, 'run_not_found'], [404, 'run_not_found']],
  },
  {
    fault: 'status.400-for-validation',
    observe: async (m) => [sc(await post(m, { template_id: 'abc' })), sc(await post(m, {})), sc(await get(m, '/runs?per_page=0'))],
    clean: [[422, 'validation_failed'], [400, 'bad_request'], [422, 'validation_failed']],
    faulty: [[400, 'bad_request'], [400, 'bad_request'], [422, 'validation_failed']],
  },
  {
    fault: 'status.403-cross-org',
    observe: async (m) => {
      const run = await createdRun(m);
      return [sc(await get(m, `/runs/${run.id}`, m.keys.other_org)), sc(await get(m, '/runs/r-x', m.keys.other_org)), (await get(m, `/runs/${run.id}`)).status];
    },
    clean: [[404, 'run_not_found'], [404, 'run_not_found'], 200], faulty: [[403, 'forbidden'], [404, 'run_not_found'], 200],
  },
  {
    fault: 'status.200-on-create',
    observe: async (m) => {
      const r = await post(m, { template_id: await templateOf(m) });
      return [r.status, validate('Run', r.json)];
    },
    clean: [201, []], faulty: [200, []],
  },
  {
    fault: 'status.no-quota',
    observe: async (m) => sc(await post(m, { template_id: await templateOf(m, m.keys.exhausted) }, m.keys.exhausted)),
    clean: [402, 'quota_exceeded'], faulty: [201, undefined],
  },
  {
    fault: 'status.500-on-bad-input',
    observe: async (m) => [sc(await post(m, '{')), sc(await post(m, '[1]'))],
    clean: [[400, 'bad_request'], [400, 'bad_request']], faulty: [[500, 'internal_error'], [400, 'bad_request']],
  },
  {
    fault: 'status.405-unknown-method',
    observe: async (m) => [sc(await api(m, '/templates', { method: 'DELETE', key: m.keys.primary })), sc(await api(m, '/nope', { method: 'DELETE', key: m.keys.primary }))],
    clean: [[404, 'not_found'], [404, 'not_found']], faulty: [[405, 'method_not_allowed'], [404, 'not_found']],
  },
  {
    fault: 'status.422-for-bad-request',
    observe: async (m) => [sc(await post(m, '{')), sc(await post(m, [1])), sc(await post(m, {})), sc(await post(m, { template_id: 123 })), sc(await post(m, { template_id: await templateOf(m) }, m.keys.primary, 'text/plain'))],
    clean: [[400, 'bad_request'], [400, 'bad_request'], [400, 'bad_request'], [422, 'validation_failed'], [400, 'bad_request']],
    faulty: [[422, 'validation_failed'], [422, 'validation_failed'], [422, 'validation_failed'], [422, 'validation_failed'], [400, 'bad_request']],
  },
  {
    fault: 'status.401-forbidden-code',
    observe: async (m) => [sc(await get(m, '/templates', null)), sc(await get(m, '/templates', m.keys.revoked)), (await get(m, '/templates')).status],
    clean: [[401, 'unauthorized'], [401, 'unauthorized'], 200], faulty: [[401, 'forbidden'], [401, 'forbidden'], 200],
  },
  {
    fault: 'status.200-for-unknown-template',
    observe: async (m) => [sc(await get(m, UNKNOWN_TEMPLATE)), (await get(m, `/templates/${await templateOf(m)}`)).status, sc(await get(m, '/runs/r-x'))],
    clean: [[404, 'template_not_found'], 200, [404, 'run_not_found']], faulty: [[200, undefined], 200, [404, 'run_not_found']],
  },
  {
    fault: 'status.415-for-content-type',
    observe: async (m) => {
      const body = { template_id: await templateOf(m) };
      return [sc(await post(m, body, m.keys.primary, null)), sc(await post(m, body, m.keys.primary, 'text/plain')), (await post(m, body)).status];
    },
    clean: [[400, 'bad_request'], [400, 'bad_request'], 201], faulty: [[415, 'unsupported_media_type'], [415, 'unsupported_media_type'], 201],
  },
  {
    fault: 'status.500-on-template-get',
    observe: async (m) => [sc(await get(m, `/templates/${await templateOf(m)}`)), sc(await get(m, UNKNOWN_TEMPLATE)), (await get(m, '/templates')).status],
    clean: [[200, undefined], [404, 'template_not_found'], 200], faulty: [[500, 'internal_error'], [404, 'template_not_found'], 200],
  },
  {
    fault: 'status.reset-on-template-get',
    observe: async (m) => [await outcome(m, `/templates/${await templateOf(m)}`), await outcome(m, UNKNOWN_TEMPLATE), await outcome(m, '/templates')],
    clean: [200, 404, 200], faulty: ['reset', 404, 200],
  },
  {
    fault: 'status.hang-on-template-get',
    observe: async (m) => [await outcome(m, `/templates/${await templateOf(m)}`), await outcome(m, UNKNOWN_TEMPLATE), await outcome(m, '/templates')],
    clean: [200, 404, 200], faulty: ['no answer', 404, 200],
  },
  // --- auth
  { fault: 'auth.revoked-accepted', observe: async (m) => (await get(m, '/templates', m.keys.revoked)).status, clean: 401, faulty: 200 },
  {
    fault: 'auth.malformed-accepted',
    observe: async (m) => {
      const k = m.keys.primary;
      const tokens = [`${k}x`, k.slice(0, -1), k.slice(0, 20), k.slice(0, 19), `rdk_test_${k.slice(9)}`, generateKey()];
      return Promise.all(tokens.map(async (t) => (await get(m, '/templates', t)).status));
    },
    clean: [401, 401, 401, 401, 401, 401], faulty: [200, 200, 200, 401, 401, 401],
  },
  {
    fault: 'auth.missing-accepted',
    observe: async (m) => [(await get(m, '/templates', null)).status, (await api(m, '/templates', { headers: { authorization: 'Basic eDp5' } })).status],
    clean: [401, 401], faulty: [200, 401],
  },
  {
    fault: 'auth.scheme-case-sensitive',
    observe: (m) => Promise.all(['Bearer', 'bearer', 'BEARER'].map(async (s) => (await api(m, '/templates', { headers: { authorization: `${s} ${m.keys.primary}` } })).status)),
    clean: [200, 200, 200], faulty: [200, 401, 401],
  },
  {
    fault: 'auth.other-scheme-accepted',
    observe: (m) => Promise.all([`Token ${m.keys.primary}`, m.keys.primary, `Basic ${Buffer.from(`${m.keys.primary}:`).toString('base64')}`, `Bearer${m.keys.primary}`].map(async (a) => (await api(m, '/templates', { headers: { authorization: a } })).status)),
    clean: [401, 401, 401, 401], faulty: [200, 200, 401, 401],
  },
  {
    fault: 'auth.unknown-accepted',
    observe: (m) => Promise.all([generateKey(), 'rdk_live_short', m.keys.revoked].map(async (k) => (await get(m, '/templates', k)).status)),
    clean: [401, 401, 401], faulty: [200, 401, 401],
  },
  {
    fault: 'auth.cross-org-readable',
    observe: async (m) => {
      const run = await createdRun(m);
      const theirs = await get(m, `/runs/${run.id}`, m.keys.other_org);
      return [theirs.status, (theirs.json as { id?: string }).id === run.id, (await get(m, '/runs/r-x', m.keys.other_org)).status];
    },
    clean: [404, false, 404], faulty: [200, true, 404],
  },
  {
    fault: 'auth.credential-echo',
    observe: async (m) => {
      const unknown = generateKey();
      const echoes = async (token: string, authorization = `Bearer ${token}`) => {
        const r = await api(m, '/templates', { headers: { authorization } });
        return [r.status, r.text.includes(token.slice(9, 17))];
      };
      return [await echoes(unknown), await echoes(m.keys.revoked), await echoes('rdk_live_abc123'), await echoes(m.keys.primary, `Basic ${m.keys.primary}`), await echoes(m.keys.primary)];
    },
    clean: [[401, false], [401, false], [401, false], [401, false], [200, false]],
    faulty: [[401, true], [401, true], [401, true], [401, false], [200, false]],
  },
  // --- pagination
  { fault: 'pagination.repeat-item', observe: walk, clean: CLEAN_WALK, faulty: { ...CLEAN_WALK, distinct: 122 } },
  { fault: 'pagination.skip-item', observe: walk, clean: CLEAN_WALK, faulty: { ...CLEAN_WALK, lengths: [50, 50, 22], distinct: 122 } },
  { fault: 'pagination.wrong-total', observe: walk, clean: CLEAN_WALK, faulty: { ...CLEAN_WALK, totals: [123, 124] } },
  { fault: 'pagination.next-on-last', observe: walk, clean: CLEAN_WALK, faulty: { ...CLEAN_WALK, next: [2, 3, 4] } },
  { fault: 'pagination.short-pages', observe: walk, clean: CLEAN_WALK, faulty: { ...CLEAN_WALK, lengths: [50, 49, 22], distinct: 121 } },
  {
    fault: 'pagination.default-per-page-25',
    observe: async (m) => {
      const page = (q: string) => get(m, `/templates${q}`).then((r) => r.json as { data: unknown[]; pagination: { per_page: number } });
      const [none, first, fifty] = [await page(''), await page('?page=1'), await page('?per_page=50')];
      return [none.data.length, none.pagination.per_page, first.data.length, fifty.data.length];
    },
    clean: [50, 50, 50, 50], faulty: [25, 25, 25, 50],
  },
  {
    fault: 'pagination.per-page-ignored',
    observe: async (m) => {
      const r = (await get(m, '/templates?per_page=7')).json as { data: unknown[]; pagination: { per_page: number } };
      return [r.data.length, r.pagination.per_page, (await get(m, '/templates?per_page=0')).status];
    },
    clean: [7, 7, 422], faulty: [50, 50, 422],
  },
  {
    fault: 'pagination.past-end-404',
    observe: async (m) => [sc(await get(m, '/templates?page=4&per_page=50')), sc(await get(m, '/runs?page=2')), (await get(m, '/runs?page=1')).status, (await get(m, '/templates?page=3&per_page=50')).status],
    clean: [[200, undefined], [200, undefined], 200, 200], faulty: [[404, 'not_found'], [404, 'not_found'], 200, 200],
  },
  {
    fault: 'pagination.clamp-per-page',
    observe: async (m) => [sc(await get(m, '/templates?per_page=101')), (await get(m, '/templates?per_page=0')).status],
    clean: [[422, 'validation_failed'], 422], faulty: [[200, undefined], 422],
  },
  // --- runs
  {
    fault: 'runs.read-back-differs',
    observe: async (m) => {
      const run = await createdRun(m);
      const back = (await get(m, `/runs/${run.id}`)).json as typeof run;
      const listed = ((await get(m, '/runs')).json as { data: (typeof run)[] }).data.find((r) => r.id === run.id);
      return { readBackEqual: JSON.stringify(back) === JSON.stringify(run), listedEqual: JSON.stringify(listed) === JSON.stringify(run) };
    },
    clean: { readBackEqual: true, listedEqual: true }, faulty: { readBackEqual: false, listedEqual: true },
  },
  {
    fault: 'runs.expiry-off-by-one-hour',
    observe: async (m) => {
      const run = await createdRun(m, 2);
      m.s.simulator.clock.advance(2 * HOUR);
      return { spanHours: (Date.parse(run.expires_at) - Date.parse(run.created_at)) / HOUR, afterTwoHours: (await get(m, `/runs/${run.id}`)).status };
    },
    clean: { spanHours: 2, afterTwoHours: 410 }, faulty: { spanHours: 3, afterTwoHours: 410 },
  },
  {
    fault: 'runs.hours-bound-off-by-one',
    observe: async (m) => {
      const t = await templateOf(m);
      return Promise.all([168, 169, 170, 0].map(async (h) => (await post(m, { template_id: t, expires_in_hours: h })).status));
    },
    clean: [201, 422, 422, 422], faulty: [201, 201, 422, 422],
  },
  // --- load
  {
    fault: 'load.latency',
    observe: async (m) => [(await get(m, '/templates')).status, (await get(m, '/templates', null)).status, [...m.delays]],
    clean: [200, 401, []], faulty: [200, 401, [50]],
  },
  {
    fault: 'load.sporadic-500',
    observe: async (m) => {
      const failed: number[] = [];
      for (let i = 1; i <= 100; i++) if ((await get(m, '/templates?per_page=1')).status === 500) failed.push(i);
      return failed;
    },
    clean: [], faulty: [50, 100],
  },
  {
    // The manual clock stands still: every key stays active. From org A's 5th key on (the 4th
    // request of the second loop), every 10th request fails; org B is unaffected.
    fault: 'load.org-cache-thrash',
    observe: async (m) => {
      const failedWith = async (keys: string[], n: number) => {
        const failed: number[] = [];
        for (let i = 1; i <= n; i++) if ((await get(m, '/templates?per_page=1', keys[i % keys.length])).status === 500) failed.push(i);
        return failed;
      };
      const a = [m.keys.primary, m.keys.secondary, m.keys.ratelimit];
      return { threeKeys: await failedWith(a, 30), fiveKeys: await failedWith([...a, ...m.s.fixtures.pool.slice(0, 2)], 30), otherOrg: await failedWith([m.keys.other_org], 10) };
    },
    clean: { threeKeys: [], fiveKeys: [], otherOrg: [] }, faulty: { threeKeys: [], fiveKeys: [13, 23], otherOrg: [] },
  },
];

describe('each fault breaks exactly its behaviour', () => {
  it('every catalogue fault has a case here, once', () => {
    expect(CASES.map((c) => c.fault).sort()).toEqual([...FAULT_NAMES].sort());
  });

  it.each(CASES.map((c) => [c.fault, c] as const))('%s', async (_name, c) => {
    expect(c.faulty).not.toEqual(c.clean);
    const [clean, faulty] = await Promise.all([start([], c.options), start([c.fault], c.options)]);
    expect(await c.observe(clean)).toEqual(c.clean);
    expect(await c.observe(faulty)).toEqual(c.faulty);
  });
});

describe('fault details', () => {
  it('retry-after-zero, -short and -loose in HTTP-date form: Date + 0 s; Date + 2 s while the real wait is 3.9 s; Date + 2 s (never past ceil(window) + 1) for a 1 s wait', async () => {
    for (const [fault, seconds] of [['ratelimit.retry-after-zero', 0], ['ratelimit.retry-after-short', 2], ['ratelimit.retry-after-loose', 2]] as const) {
      const m = await start([fault], { ...LIMITED, retryAfterFormat: 'http-date' });
      const r = await throttled(m);
      const parsed = parseRetryAfter(r.headers['retry-after'] as string, r.headers['date'] as string);
      expect(parsed).toMatchObject({ ok: true, delaySeconds: seconds });
    }
  });

  it('load.latency really waits (default timer): at least 50 ms per authenticated request', async () => {
    const s = await startSimulator({ rateLimit: null, faults: ['load.latency'] });
    running.push(s);
    const t0 = performance.now();
    expect((await call(s.origin, '/v1/templates?per_page=1', { key: s.fixtures.keys.primary })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it('throttled-write-creates: the stats count the 429, not the hidden create', async () => {
    const m = await start(['ratelimit.throttled-write-creates'], LIMITED);
    const body = { template_id: await templateOf(m) };
    for (let i = 0; i <= LIMIT; i++) await post(m, body, m.keys.ratelimit);
    expect(m.s.simulator.counter.snapshot()).toEqual({ '200': 1, '201': LIMIT, '429': 1 });
  });

  it('faults combine: two at once each keep their behaviour', async () => {
    const m = await start(['auth.revoked-accepted', 'status.200-on-create']);
    expect((await get(m, '/templates', m.keys.revoked)).status).toBe(200);
    expect((await post(m, { template_id: await templateOf(m) })).status).toBe(200);
  });
});
