// npm run bench:k6 [-- --seconds 5 --rounds 2 --rate 3000 --steps 500,1000,2000,2500,3000,4000 --latency 50]
//
// What the harness's request path costs k6, at a network distance. The scenarios drive one key
// from one VU with http.asyncRequest on an open-model schedule driven by setTimeout
// (scenarios/lib/async-pace.ts); this bench runs that path (scripts/bench/harness-path.ts,
// bundled here into a temp folder) against the in-process simulator with rate limiting off and
// `latency: 50 ms` on every response (the simulator's --latency), loopback only:
//   (a) ratio: responses completed per second by the harness path vs a bare async k6 script
//       making the same requests (same GET, key, params) on the same schedule, at --rate
//       (default 3,000/s, where the recorded bare k6 2.2.0 completed 2,939/s), alternating rounds,
//       best of each. Target >= 0.9.
//   (b) punctual rate: the harness path stepped through the offered rates (--steps); the highest
//       step with <= 1 % late sends (a send more than max(2 intervals, 10 ms) after it was due),
//       >= 99 % of the offered sends made and >= 99 % of them answered. Target >= 2,500/s.
// Every run is bounded: one VU, --seconds of sending, a hard k6 timeout, in-flight <= 512.
// Where no k6 is found (K6_BIN or k6 on PATH) it prints one line with the reason and exits 0.
// Exit 1 when a target is missed, 2 on bad usage or a failed run. Results: reports/bench-k6.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startSimulator } from '../simulator/server';
import { parseOrExit, UsageError, type CommandSpec, type Parsed } from '../cli/args';
import { findK6, K6_INSTALL_URL, runK6, type K6 } from '../cli/k6';

const TARGET_RATIO = 0.9;
const TARGET_PUNCTUAL_RATE = 2500;
const LATE_SHARE = 0.01;
const MAX_IN_FLIGHT = 512;

const BENCH_K6_COMMAND: CommandSpec = {
  name: 'bench:k6',
  usage: 'npm run bench:k6 -- [--seconds 5] [--rounds 2] [--rate 3000] [--steps 500,1000,2000,2500,3000,4000] [--latency 50]',
  about:
    "What the harness's request path costs k6 at a network distance: (a) responses per second of\n" +
    `the harness path vs a bare async k6 script at --rate (target >= ${TARGET_RATIO}), (b) the highest\n` +
    `punctual per-key rate over --steps (target >= ${TARGET_PUNCTUAL_RATE}/s). One VU, in-process simulator on\n` +
    'loopback with rate limiting off. Without k6 it prints why and exits 0.',
  options: {
    seconds: { type: 'string', arg: '<s>', help: 'seconds of sending per run, up to 60 (default 5)' },
    rounds: { type: 'string', arg: '<n>', help: 'alternating bare/harness rounds, up to 10 (default 2)' },
    rate: { type: 'string', arg: '<per s>', help: 'offered rate of the comparison, up to 20000 (default 3000)' },
    steps: { type: 'string', arg: '<r1,r2,...>', help: 'offered rates of the punctuality steps (default 500,1000,2000,2500,3000,4000)' },
    latency: { type: 'string', arg: '<ms>', help: "the simulator's added round trip, up to 1000 (default 50)" },
  },
  env: [['K6_BIN', 'the k6 binary (default: k6 on PATH)']],
  examples: ['npm run bench:k6 -- --seconds 3 --rounds 1 --steps 1000,2500'],
  exit: '0 targets met (or no k6), 1 a target missed, 2 bad usage or a failed run',
};

// The bare script: the same GET, key and params as the harness path, the same due times
// (start + i / rate) and the same lateness rule, with nothing else: no slot bound, no records.
const BARE = `import http from 'k6/http';
import { Counter, Gauge } from 'k6/metrics';
const f = JSON.parse(open(__ENV.BENCH_FIXTURES));
const url = f.baseUrl + '/templates?per_page=1';
const params = { headers: { Authorization: 'Bearer ' + f.keys.ratelimit }, tags: { key: 'ratelimit', name: 'GET /v1/templates' }, responseType: 'none', timeout: '10s' };
const RATE = Number(__ENV.BENCH_RATE), DUR = Number(__ENV.BENCH_DURATION_MS);
export const options = { scenarios: { bench: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: (Math.ceil(DUR / 1000) + 30) + 's' } } };
const sentC = new Counter('bench_sent'), lateC = new Counter('bench_late'), doneC = new Counter('bench_completed');
const peakG = new Gauge('bench_max_in_flight'), elapsedG = new Gauge('bench_elapsed_ms');
export default async function () {
  const start = Date.now(), interval = 1000 / RATE, tolerance = Math.max(2 * interval, 10);
  let i = 0, inflight = 0, peak = 0, done = 0, late = 0;
  const all = [];
  await new Promise((resolve) => {
    function tick() {
      const now = Date.now();
      while (start + i * interval <= now && i * interval < DUR) {
        if (now - (start + i * interval) > tolerance) late++;
        i++; inflight++; if (inflight > peak) peak = inflight;
        all.push(http.asyncRequest('GET', url, null, params).then((r) => { inflight--; if (r.status > 0) done++; }, () => { inflight--; }));
      }
      if (i * interval >= DUR) { Promise.all(all).then(resolve); return; }
      setTimeout(tick, Math.max(0, Math.ceil(start + i * interval - Date.now())));
    }
    tick();
  });
  elapsedG.add(Date.now() - start); sentC.add(i); lateC.add(late); doneC.add(done); peakG.add(peak);
}
export function handleSummary(data) {
  const v = (n, s) => (data.metrics[n] && data.metrics[n].values[s]) || 0;
  return { [__ENV.BENCH_OUT]: JSON.stringify({ sent: v('bench_sent', 'count'), late: v('bench_late', 'count'), completed: v('bench_completed', 'count'), maxInFlight: v('bench_max_in_flight', 'value'), elapsedMs: v('bench_elapsed_ms', 'value') }) };
}
`;

interface Figures {
  sent: number;
  late: number;
  completed: number;
  maxInFlight: number;
  elapsedMs: number;
}

interface Run extends Figures {
  rate: number;
  /** Responses per second, from the first send to the last response. */
  completedPerSec: number;
  lateShare: number;
  punctual: boolean;
}

function parse(p: Parsed) {
  const values = { seconds: p.string('seconds'), rounds: p.string('rounds'), rate: p.string('rate'), steps: p.string('steps'), latency: p.string('latency') };
  const positive = (name: string, v: string | undefined, dflt: number, max: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new UsageError(`--${name} must be a number in (0, ${max}], got '${v}'`);
    return n;
  };
  const steps = (values.steps ?? '500,1000,2000,2500,3000,4000').split(',').map((s) => positive('steps', s.trim(), 0, 20_000));
  return {
    seconds: positive('seconds', values.seconds, 5, 60),
    rounds: Math.round(positive('rounds', values.rounds, 2, 10)),
    rate: positive('rate', values.rate, 3000, 20_000),
    steps: [...new Set(steps)].sort((a, b) => a - b),
    latencyMs: positive('latency', values.latency, 50, 1000),
  };
}

async function main(argv: string[]): Promise<number> {
  const opts = parseOrExit(BENCH_K6_COMMAND, argv, parse);
  const found = findK6();
  if ('missing' in found) {
    console.log(`bench-k6: skipped, no k6 to measure: ${found.missing}; install k6 from ${K6_INSTALL_URL}`);
    return 0;
  }
  const k6: K6 = found;
  const root = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'rundun-bench-k6-'));
  const sim = await startSimulator({ rateLimit: null, latency: { ms: opts.latencyMs } });
  try {
    const fixtures = join(dir, 'fixtures.json');
    writeFileSync(fixtures, JSON.stringify(sim.fixtures), { mode: 0o600 });
    const bare = join(dir, 'bare.js');
    writeFileSync(bare, BARE);
    const harness = join(dir, 'harness-path.js');
    await build({
      absWorkingDir: root,
      entryPoints: ['scripts/bench/harness-path.ts'],
      outfile: harness,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      external: ['k6', 'k6/*'],
      logLevel: 'warning',
    });

    let n = 0;
    const runOnce = async (which: 'bare' | 'harness', rate: number): Promise<Run> => {
      const out = join(dir, `${which}-${n++}.json`);
      const durationMs = opts.seconds * 1000;
      const vars = { BENCH_FIXTURES: fixtures, BENCH_RATE: String(rate), BENCH_DURATION_MS: String(durationMs), BENCH_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), BENCH_OUT: out };
      const r = await runK6(k6, which === 'bare' ? bare : harness, vars, { timeoutMs: durationMs + 60_000, cwd: dir });
      if (r.exitCode !== 0) throw new Error(`${which} run at ${rate}/s failed (exit ${r.exitCode}): ${r.stderr.slice(-500)}`);
      const f = JSON.parse(readFileSync(out, 'utf8')) as Figures;
      const offered = Math.ceil((durationMs / 1000) * rate);
      const lateShare = f.sent === 0 ? 1 : f.late / f.sent;
      return {
        ...f,
        rate,
        completedPerSec: f.elapsedMs > 0 ? f.completed / (f.elapsedMs / 1000) : 0,
        lateShare,
        punctual: lateShare <= LATE_SHARE && f.sent >= 0.99 * offered && f.completed >= 0.99 * f.sent,
      };
    };

    // (a) harness path vs bare, same offered rate, alternating rounds.
    const bareRounds: Run[] = [];
    const harnessRounds: Run[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      bareRounds.push(await runOnce('bare', opts.rate));
      harnessRounds.push(await runOnce('harness', opts.rate));
    }
    const best = (rs: Run[]) => Math.max(...rs.map((r) => r.completedPerSec));
    const ratio = best(bareRounds) > 0 ? best(harnessRounds) / best(bareRounds) : 0;

    // (b) the highest punctual offered rate of the harness path (stops at the first step that is not).
    const steps: Run[] = [];
    for (const rate of opts.steps) {
      const r = await runOnce('harness', rate);
      steps.push(r);
      if (!r.punctual) break;
    }
    const punctual = steps.filter((s) => s.punctual).map((s) => s.rate);
    const highest = punctual.length > 0 ? Math.max(...punctual) : 0;

    const ratioOk = ratio >= TARGET_RATIO;
    const punctualOk = highest >= TARGET_PUNCTUAL_RATE;
    const result = {
      k6: k6.version,
      latencyMs: opts.latencyMs,
      seconds: opts.seconds,
      comparison: { rate: opts.rate, rounds: opts.rounds, bare: bareRounds, harness: harnessRounds, ratio, target: TARGET_RATIO, ok: ratioOk },
      punctual: { steps, highest, target: TARGET_PUNCTUAL_RATE, lateShareMax: LATE_SHARE, ok: punctualOk },
    };
    mkdirSync(join(root, 'reports'), { recursive: true });
    writeFileSync(join(root, 'reports', 'bench-k6.json'), `${JSON.stringify(result, null, 2)}\n`);
    const rps = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(
      `bench-k6 (${k6.version}, 1 VU, ${opts.latencyMs} ms, ${opts.seconds} s x ${opts.rounds}): at ${rps(opts.rate)}/s offered the harness path completed ${rps(best(harnessRounds))}/s vs bare async ${rps(best(bareRounds))}/s = ${ratio.toFixed(2)} of bare (target >= ${TARGET_RATIO}): ${ratioOk ? 'ok' : 'BELOW TARGET'}`,
    );
    for (const s of steps) {
      console.log(`  ${rps(s.rate)}/s offered: sent ${s.sent}, late ${(s.lateShare * 100).toFixed(2)} %, completed ${rps(s.completedPerSec)}/s, max in flight ${s.maxInFlight}: ${s.punctual ? 'punctual' : 'NOT punctual'}`);
    }
    console.log(
      `bench-k6: highest punctual per-key rate (<= ${LATE_SHARE * 100} % late sends at ${opts.latencyMs} ms) ${rps(highest)}/s (target >= ${rps(TARGET_PUNCTUAL_RATE)}/s): ${punctualOk ? 'ok' : 'BELOW TARGET'}`,
    );
    return ratioOk && punctualOk ? 0 : 1;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench-k6 failed: ${(e as Error).message}`);
    process.exit(2);
  },
);
