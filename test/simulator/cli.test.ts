// The CLI as a process: flag parsing (unit), then the bundled CLI spawned with --port 0 and a
// temp fixtures file, a request through it, SIGTERM; and a bad flag exits 2 with one line.
// The CLI is bundled here with the same esbuild settings as scripts/build.mjs, into a temp
// folder, so the test runs the current source and does not race a concurrent build.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEntry } from '../support/build-entry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../lib/validate';
import { parseCli, parseRateLimit, UsageError } from '../../simulator/options';
import { readConformanceConfig } from '../../conformance/engine/config';

describe('parseRateLimit', () => {
  it.each([
    ['20/1s', { limit: 20, windowMs: 1000 }],
    ['20/s', { limit: 20, windowMs: 1000 }],
    ['5/500ms', { limit: 5, windowMs: 500 }],
    ['100/1m', { limit: 100, windowMs: 60_000 }],
    ['3/10s', { limit: 3, windowMs: 10_000 }],
    ['20/1h', { limit: 20, windowMs: 3_600_000 }],
    ['20/1.5s', { limit: 20, windowMs: 1500 }],
    ['off', null],
    ['OFF', null],
  ])('%s', (spec, expected) => expect(parseRateLimit(spec)).toEqual(expected));

  it.each(['', '20', '20/', '0/1s', '20/0s', '-1/1s', '1.5/1s', '20/0.5ms', '20/1d', 'of'])('refuses "%s"', (spec) => {
    expect(() => parseRateLimit(spec)).toThrow(UsageError);
  });

  // One grammar: the standalone simulator's --rate-limit and the in-process one's
  // RUNDUN_SIM_RATE_LIMIT accept and refuse the same specs.
  it.each(['20/1s', '20/s', '5/500ms', '100/1m', '20/1h', '20/1.5s', '20/30', '', '0/1s', '20/1d', '20/0.5ms', 'OFF'])('--rate-limit %j reads as RUNDUN_SIM_RATE_LIMIT does', (spec) => {
    let cli: unknown;
    let env: unknown;
    try {
      cli = parseRateLimit(spec);
    } catch {
      cli = 'refused';
    }
    try {
      const rl = readConformanceConfig({ RUNDUN_SIM_RATE_LIMIT: spec } as NodeJS.ProcessEnv).simulator.rateLimit;
      env = rl ? { limit: rl.limit, windowMs: rl.windowMs } : rl;
    } catch {
      env = 'refused';
    }
    if (spec === '') return expect(cli).toBe('refused'); // unset in the environment means the default
    expect(cli).toEqual(env);
  });
});

describe('parseCli', () => {
  it('defaults: port 0, 20/1s fixed-window, delay-seconds, no fixtures file', () => {
    expect(parseCli([])).toEqual({
      start: { port: 0, rateLimit: { limit: 20, windowMs: 1000, algorithm: 'fixed-window' }, retryAfterFormat: 'delay-seconds' },
      fixturesPath: null,
      help: false,
    });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    const c = parseCli(['--port=8080', '--host', '127.0.0.2', '--fixtures', 'f.json', '--rate-limit', '5/500ms', '--algorithm=token-bucket',
      '--retry-after-format', 'http-date', '--run-quota', '10', '--pool-size', '3']);
    expect(c).toEqual({
      start: { port: 8080, host: '127.0.0.2', rateLimit: { limit: 5, windowMs: 500, algorithm: 'token-bucket' }, retryAfterFormat: 'http-date', runQuota: 10, poolSize: 3 },
      fixturesPath: 'f.json',
      help: false,
    });
    expect(parseCli(['--rate-limit', 'off']).start.rateLimit).toBeNull();
    expect(parseCli(['--help']).help).toBe(true);
  });

  it.each([
    [['--nope'], /unknown option/],
    [['--port'], /needs a value/],
    [['--port', '--host'], /needs a value/],
    [['--port', '70000'], /--port/],
    [['--port', 'x'], /--port/],
    [['--port', '1', '--port', '2'], /more than once/],
    [['--host', '0.0.0.0'], /loopback/],
    [['--host', '10.0.0.1'], /loopback/],
    [['--host', 'localhost'], /loopback/],
    [['--host', '::'], /loopback/],
    [['--algorithm', 'leaky-bucket'], /--algorithm/],
    [['--retry-after-format', 'seconds'], /--retry-after-format/],
    [['--rate-limit', 'lots'], /--rate-limit/],
    [['--run-quota', '-1'], /--run-quota/],
    [['--pool-size', '1.5'], /--pool-size/],
    [['--fixtures='], /--fixtures/],
    [['positional'], /unexpected argument 'positional'/],
    [['-x'], /unknown option -x/],
    [['--list-faults=yes'], /--list-faults takes no value/],
    [['--seed', '-1'], /--seed needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe('the built CLI', () => {
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rundun-sim-cli-'));
    cli = await buildEntry('simulator/cli.ts', dir, 'cli.js');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--port 0 writes the fixtures file, serves requests, prints no key, and exits 0 on SIGTERM', async () => {
    const fixturesPath = join(dir, 'fixtures.json');
    const child = spawn(process.execPath, [cli, '--port', '0', '--fixtures', fixturesPath, '--rate-limit', '5/1s', '--algorithm', 'sliding-window'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Wait for the "listening" line (bounded), which is printed after the file is written.
      for (let i = 0; i < 100 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
      const f = JSON.parse(readFileSync(fixturesPath, 'utf8'));
      expect(out).toContain(f.baseUrl);
      expect(f.rateLimit).toEqual({ limit: 5, windowSeconds: 1, algorithm: 'sliding-window', retryAfterFormat: 'delay-seconds' });
      expect(Object.keys(f.keys).sort()).toEqual(['exhausted', 'other_org', 'primary', 'ratelimit', 'revoked', 'secondary']);
      expect(f.pool).toHaveLength(8);
      expect(f.admin.baseUrl).toBe(f.baseUrl.replace(/\/v1$/, '/_sim'));
      const res = await fetch(`${f.baseUrl}/templates?per_page=2`, { headers: { authorization: `Bearer ${f.keys.primary}` } });
      expect(res.status).toBe(200);
      expect(validate('TemplateList', await res.json())).toEqual([]);
      for (const k of [...Object.values(f.keys), ...f.pool] as string[]) expect(out + err).not.toContain(k.slice(9));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM');
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--host', '0.0.0.0'], /loopback/],
    [['--rate-limit', '20/1d'], /--rate-limit/],
  ])('%j exits 2 with one line naming the problem and pointing at --help', (argv, message) => {
    const r = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sim: .* \(see --help\)\n$/);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', () => {
    const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run sim -- \[options\]/);
    for (const flag of ['--port', '--host', '--fixtures', '--rate-limit', '--algorithm', '--retry-after-format', '--run-quota', '--pool-size', '--latency', '--seed', '--fault', '--list-faults', '--help']) {
      expect(r.stdout).toContain(flag);
    }
  });
});
