// Benchmark: the simulator's hot path (authenticated GET /v1/templates, rate limit off) against
// a bare node:http server that returns the identical bytes. Each server runs in its own child
// process; the load generator (autocannon, from this parent process) never shares their event
// loop. Per server: a short warm-up, max throughput at 32 connections for --duration seconds,
// then p99 latency at half of the simulator's max rate (same fixed rate for both).
//   npm run bench:sim -- [--duration 10] [--check]   (--help for every option)
// Writes reports/bench-sim.json. --check exits 1 when sim/bare throughput is below 0.75.
// Bounded: fixed durations, loopback only, children killed at the end.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../simulator/server';
import { parseOrExit, UsageError, type CommandSpec, type Parsed } from '../cli/args';

const TARGET_RATIO = 0.75;
const CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const PATH = '/v1/templates';

// ---- child side -------------------------------------------------------------------------------

type ChildHello = { origin: string; key?: string };

async function serveSimulator(): Promise<void> {
  const sim = await startSimulator({ rateLimit: null });
  send({ origin: sim.origin, key: sim.fixtures.keys.primary });
}

function serveBare(body: Buffer, contentType: string): void {
  // What a do-nothing server costs: fixed bytes, same headers (node adds Date and keep-alive).
  const headers = { 'content-type': contentType, 'content-length': body.length };
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    if (a !== null && typeof a === 'object') send({ origin: `http://127.0.0.1:${a.port}` });
  });
}

function send(msg: ChildHello): void {
  process.send?.(msg);
}

// ---- parent side ------------------------------------------------------------------------------

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram & { max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Measure {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  errors: number;
  non2xx: number;
}

function startChild(args: string[]): Promise<{ child: ChildProcess; hello: ChildHello }> {
  const child = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child ${args.join(' ')} did not start in 10 s`)), 10_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve({ child, hello: m as ChildHello });
    });
    child.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited early (${code})`)));
  });
}

async function load(url: string, headers: Record<string, string>, duration: number, overallRate?: number): Promise<Measure> {
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration, ...(overallRate === undefined ? {} : { overallRate }) });
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    total: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

// wrk (C, Debian package `wrk`) drives a node server much harder than autocannon, which is itself
// a node process and saturates first on 2 cores: with autocannon the ratio measures the load
// generator. So the max-rate phase uses wrk when it is on PATH; the fixed-rate latency phase
// needs autocannon's overallRate either way.
const hasWrk = () => spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;

function wrkMax(url: string, headers: Record<string, string>, duration: number): Measure {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '--latency', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (duration + 30) * 1000 });
  const out = r.stdout ?? '';
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`wrk gave no figures: ${out.slice(0, 300)} ${r.stderr ?? ''}`);
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? Number((Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]!).toFixed(3)) : NaN;
  };
  const total = /(\d+) requests in/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    reqPerSec: Math.round(Number(rps[1])),
    p50Ms: ms('50'),
    p99Ms: ms('99'),
    maxMs: NaN,
    total: Number(total?.[1] ?? 0),
    errors: errs ? errs.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    non2xx: Number(non2xx?.[1] ?? 0),
  };
}

type Generator = 'wrk' | 'autocannon';

const BENCH_SIM_COMMAND: CommandSpec = {
  name: 'bench:sim',
  usage: 'npm run bench:sim -- [--duration <s>] [--generator wrk|autocannon] [--out <file>] [--check]',
  about:
    "The simulator's hot path (authenticated GET /v1/templates, rate limit off) against a bare\n" +
    'node:http server returning the same bytes, each in its own child process, loopback only:\n' +
    "max throughput at 32 connections, then p99 at half the simulator's max rate.",
  options: {
    duration: { type: 'string', arg: '<s>', help: 'seconds per measurement, 1 to 120 (default 10)' },
    generator: { type: 'string', arg: '<name>', help: 'max-rate load generator: wrk | autocannon\n(default wrk when on PATH, else autocannon)' },
    out: { type: 'string', arg: '<file>', help: 'the JSON report, relative to the project (default reports/bench-sim.json)' },
    check: { type: 'boolean', help: `exit 1 when sim/bare throughput is below ${TARGET_RATIO} or any request failed` },
  },
  examples: ['npm run bench:sim -- --duration 5 --check'],
  exit: '0 done (with --check: targets met), 1 below target or a failed run, 2 bad usage',
};

function benchArgs(p: Parsed): { duration: number; check: boolean; out: string; generator?: Generator } {
  const d = p.string('duration');
  const duration = d === undefined ? 10 : /^\d+$/.test(d) ? Number(d) : NaN;
  if (!Number.isInteger(duration) || duration < 1 || duration > 120) throw new UsageError(`--duration must be an integer of seconds from 1 to 120 (got "${d}")`);
  const generator = p.string('generator');
  if (generator !== undefined && generator !== 'wrk' && generator !== 'autocannon') throw new UsageError(`--generator must be wrk or autocannon (got "${generator}")`);
  const out = p.string('out') ?? 'reports/bench-sim.json';
  if (out === '') throw new UsageError('--out needs a file path');
  return { duration, check: p.flag('check'), out, ...(generator ? { generator } : {}) };
}

async function main(): Promise<void> {
  const args = parseOrExit(BENCH_SIM_COMMAND, process.argv.slice(2), benchArgs);
  if (args.generator === 'wrk' && !hasWrk()) throw new Error('--generator wrk: wrk is not on PATH (Debian: apt-get install wrk)');
  const { duration, check, out } = args;
  const generator: Generator = args.generator ?? (hasWrk() ? 'wrk' : 'autocannon');
  process.stderr.write(`bench-sim: max-rate load generator: ${generator}${generator === 'autocannon' ? ' (install wrk for a generator that outruns the servers)' : ''}\n`);
  const children: ChildProcess[] = [];
  try {
    const sim = await startChild(['--serve', 'sim']);
    children.push(sim.child);
    const simHeaders = { authorization: `Bearer ${sim.hello.key ?? ''}` };
    const sample = await fetch(`${sim.hello.origin}${PATH}`, { headers: simHeaders });
    if (sample.status !== 200) throw new Error(`simulator answered ${sample.status} to the sample request`);
    const body = Buffer.from(await sample.arrayBuffer());
    const contentType = sample.headers.get('content-type') ?? 'application/json; charset=utf-8';

    const bare = await startChild(['--serve', 'bare', body.toString('base64'), contentType]);
    children.push(bare.child);
    const bareSample = Buffer.from(await (await fetch(`${bare.hello.origin}${PATH}`)).arrayBuffer());
    if (!bareSample.equals(body)) throw new Error('bare server does not return the same bytes');

    const targets = [
      { name: 'sim', url: `${sim.hello.origin}${PATH}`, headers: simHeaders },
      // Same Authorization header, so both see the same request bytes.
      { name: 'bare', url: `${bare.hello.origin}${PATH}`, headers: simHeaders },
    ] as const;
    const max: Record<string, Measure> = {};
    for (const t of targets) {
      process.stderr.write(`bench-sim: ${t.name}: warm-up ${WARMUP_SECONDS} s, then max rate for ${duration} s\n`);
      await load(t.url, t.headers, WARMUP_SECONDS);
      max[t.name] = generator === 'wrk' ? wrkMax(t.url, t.headers, duration) : await load(t.url, t.headers, duration);
    }
    const halfRate = Math.max(1, Math.floor((max['sim']?.reqPerSec ?? 0) / 2));
    const half: Record<string, Measure> = {};
    for (const t of targets) {
      process.stderr.write(`bench-sim: ${t.name}: ${halfRate} req/s (half the simulator's max) for ${duration} s\n`);
      half[t.name] = await load(t.url, t.headers, duration, halfRate);
    }

    const ratio = (max['sim']?.reqPerSec ?? 0) / Math.max(1, max['bare']?.reqPerSec ?? 0);
    const failures = Object.values({ ...max, ...half }).reduce((n, m) => n + m.errors + m.non2xx, 0);
    const rows = [
      ['', 'max req/s', 'p50 ms', 'p99 ms', `@${halfRate}/s p50`, `@${halfRate}/s p99`],
      ...targets.map((t) => [
        t.name,
        String(max[t.name]?.reqPerSec),
        String(max[t.name]?.p50Ms),
        String(max[t.name]?.p99Ms),
        String(half[t.name]?.p50Ms),
        String(half[t.name]?.p99Ms),
      ]),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')}\n`);
    const verdict = ratio >= TARGET_RATIO ? 'meets' : 'BELOW';
    process.stdout.write(`sim/bare throughput ratio: ${ratio.toFixed(3)} (${verdict} the ${TARGET_RATIO} target; max rate by ${generator}); errors+non-2xx: ${failures}\n`);
    const p99Verdict = (half['sim']?.p99Ms ?? Infinity) < 10 ? 'meets' : 'BELOW';
    process.stdout.write(`sim p99 at ${halfRate} req/s: ${half['sim']?.p99Ms} ms (${p99Verdict} the < 10 ms target)\n`);

    const report = {
      generatedAt: new Date().toISOString(),
      node: process.version,
      path: `GET ${PATH} (authenticated, rate limit off, ${body.length}-byte body)`,
      connections: CONNECTIONS,
      maxRateGenerator: generator,
      durationSeconds: duration,
      warmupSeconds: WARMUP_SECONDS,
      max,
      halfRate: { requestsPerSecond: halfRate, ...half },
      ratio: Number(ratio.toFixed(4)),
      target: TARGET_RATIO,
      meetsTarget: ratio >= TARGET_RATIO,
      errorsAndNon2xx: failures,
    };
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const outPath = join(root, out);
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${out}\n`);
    if (check && (ratio < TARGET_RATIO || failures > 0)) process.exitCode = 1;
  } finally {
    for (const c of children) c.kill();
  }
}

// Child mode is only for the children this script forks (IPC channel, `--serve` first): anywhere
// else --serve is an unknown option like any other.
const serveAt = process.argv[2] === '--serve' && process.send !== undefined ? 2 : -1;
if (serveAt !== -1) {
  // Child mode: exit with the parent.
  process.on('disconnect', () => process.exit(0));
  const mode = process.argv[serveAt + 1];
  if (mode === 'sim') void serveSimulator();
  else serveBare(Buffer.from(process.argv[serveAt + 2] ?? '', 'base64'), process.argv[serveAt + 3] ?? 'application/json');
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`bench-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
