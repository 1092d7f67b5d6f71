// npm run -s build && node build/scripts/bench-k6.js [--seconds 10] [--rounds 2]
//
// How much the harness costs k6: requests per second of the rate-limit scenario's request path
// (dist/rate-limit.js, over-limit phase unpaced: pacing, observation recording, 429 handling,
// the judge at the end) against a bare k6 script making the same request with the same key and
// params, one VU each, against the same in-process simulator with rate limiting off, in the same
// invocation, alternating rounds. Target: at least 0.8 of bare. Where k6 is absent it says so in
// one line and exits 0. Results also go to reports/bench-k6.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../simulator/server';
import { findK6, K6_INSTALL_URL, runK6, type K6 } from './lib/k6';

const TARGET_RATIO = 0.8;

// The bare script: the same GET, key, params and responseType as the scenario's unsampled path.
const BARE = `import http from 'k6/http';
const f = JSON.parse(open(__ENV.RUNDUN_FIXTURES));
const url = f.baseUrl + '/templates?per_page=1';
const params = { headers: { Authorization: 'Bearer ' + f.keys.ratelimit }, tags: { key: 'ratelimit', name: 'GET /v1/templates' }, responseType: 'none', timeout: '10s' };
export const options = { scenarios: { bare: { executor: 'per-vu-iterations', vus: 1, iterations: 100000000, maxDuration: __ENV.BENCH_DURATION } } };
export default function () { http.get(url, params); }
export function handleSummary(data) {
  return { [__ENV.BENCH_OUT]: JSON.stringify({ reqs: data.metrics.http_reqs.values.count, ms: data.state.testRunDurationMs }) };
}
`;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : dflt;
}

interface Round {
  reqs: number;
  ms: number;
  rps: number;
}

async function main(): Promise<number> {
  const found = findK6();
  if ('missing' in found) {
    console.log(`bench-k6: cannot run: ${found.missing}; install k6 from ${K6_INSTALL_URL}`);
    return 0;
  }
  const k6: K6 = found;
  const seconds = arg('seconds', 10);
  const rounds = arg('rounds', 2);
  const root = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'rundun-bench-k6-'));
  const sim = await startSimulator({ rateLimit: null });
  try {
    const fixtures = join(dir, 'fixtures.json');
    writeFileSync(fixtures, JSON.stringify(sim.fixtures), { mode: 0o600 });
    const bare = join(dir, 'bare.js');
    writeFileSync(bare, BARE);
    const scenario = join(root, 'dist', 'rate-limit.js');

    const runBare = async (i: number): Promise<Round> => {
      const out = join(dir, `bare-${i}.json`);
      const r = await runK6(k6, bare, { RUNDUN_FIXTURES: fixtures, BENCH_DURATION: `${seconds}s`, BENCH_OUT: out }, { timeoutMs: (seconds + 60) * 1000, cwd: dir });
      if (r.exitCode !== 0) throw new Error(`bare run failed (exit ${r.exitCode}): ${r.stderr.slice(-500)}`);
      const j = JSON.parse(readFileSync(out, 'utf8')) as { reqs: number; ms: number };
      return { ...j, rps: j.reqs / (j.ms / 1000) };
    };
    const runScenario = async (i: number): Promise<Round> => {
      const reports = join(dir, `scenario-${i}`);
      mkdirSync(reports);
      // A limit nobody reaches: known-limit mode, over-limit phase with pacing that never sleeps.
      const vars = {
        RUNDUN_FIXTURES: fixtures,
        RUNDUN_REPORT_DIR: reports,
        RUNDUN_RATE_LIMIT: '100000000/1s',
        RUNDUN_SETTLE: '0',
        RUNDUN_UNDER_DURATION: '0',
        RUNDUN_OVER_DURATION: `${Math.max(seconds, 5)}s`,
        RUNDUN_VALIDATE_SAMPLE: '0',
      };
      // The verdicts fail (nothing is throttled): only the throughput matters here.
      const r = await runK6(k6, scenario, vars, { timeoutMs: (seconds + 90) * 1000, cwd: dir, extraArgs: ['--no-thresholds'] });
      if (r.exitCode !== 0) throw new Error(`scenario run failed (exit ${r.exitCode}): ${r.stderr.slice(-500)}`);
      const j = JSON.parse(readFileSync(join(reports, 'rate-limit.summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }>; testRunDurationMs: number };
      const reqs = j.metrics.http_reqs?.values.count ?? 0;
      return { reqs, ms: j.testRunDurationMs, rps: reqs / (j.testRunDurationMs / 1000) };
    };

    const bareRounds: Round[] = [];
    const scenarioRounds: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      bareRounds.push(await runBare(i));
      scenarioRounds.push(await runScenario(i));
    }
    const best = (rs: Round[]) => Math.max(...rs.map((r) => r.rps));
    const ratio = best(scenarioRounds) / best(bareRounds);
    const ok = ratio >= TARGET_RATIO;
    const result = { k6: k6.version, seconds, rounds, bare: bareRounds, scenario: scenarioRounds, ratio, target: TARGET_RATIO, ok };
    mkdirSync(join(root, 'reports'), { recursive: true });
    writeFileSync(join(root, 'reports', 'bench-k6.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `bench-k6 (${k6.version}, 1 VU, ${seconds} s x ${rounds}): rate-limit request path ${Math.round(best(scenarioRounds))} req/s vs bare ${Math.round(best(bareRounds))} req/s = ${ratio.toFixed(2)} of bare (target >= ${TARGET_RATIO}): ${ok ? 'ok' : 'BELOW TARGET'}`,
    );
    return ok ? 0 : 1;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench-k6 failed: ${(e as Error).message}`);
    process.exit(2);
  },
);
