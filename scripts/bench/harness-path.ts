// The harness's request path for `npm run bench:k6`, as a k6 script: one VU drives one key with
// the scenarios' open-model pacer (scenarios/lib/async-pace.ts: http.asyncRequest on a
// setTimeout-driven schedule, bounded in flight), the same GET, key and params as the
// rate-limit scenario's unsampled requests. scripts/bench-k6.ts bundles it (esbuild, k6 modules
// external) into a temp folder and runs it next to a bare async script on the same schedule.
// Not a scenario: it is never in dist/, and it judges nothing.
//
// Env (set by the bench): BENCH_FIXTURES (simulator fixtures file), BENCH_RATE (sends/s),
// BENCH_DURATION_MS, BENCH_MAX_IN_FLIGHT, BENCH_OUT (where handleSummary writes the figures).
import http from 'k6/http';
import { Counter, Gauge } from 'k6/metrics';
import { runOpenModel } from '../../scenarios/lib/async-pace';

const fx = JSON.parse(open(__ENV.BENCH_FIXTURES ?? '')) as { baseUrl: string; keys: Record<string, string> };
const url = `${fx.baseUrl}/templates?per_page=1`;
const params = {
  headers: { Authorization: `Bearer ${fx.keys.ratelimit ?? ''}` },
  tags: { key: 'ratelimit', name: 'GET /v1/templates' },
  responseType: 'none' as const,
  timeout: '10s',
};
const RATE = Number(__ENV.BENCH_RATE ?? 1000);
const DURATION_MS = Number(__ENV.BENCH_DURATION_MS ?? 5000);
const MAX_IN_FLIGHT = Number(__ENV.BENCH_MAX_IN_FLIGHT ?? 512);

export const options = {
  scenarios: { bench: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: `${Math.ceil(DURATION_MS / 1000) + 30}s` } },
};

const sent = new Counter('bench_sent');
const late = new Counter('bench_late');
const completed = new Counter('bench_completed');
const peak = new Gauge('bench_max_in_flight');
const elapsed = new Gauge('bench_elapsed_ms');

export default async function (): Promise<void> {
  const started = Date.now();
  const r = await runOpenModel({ rate: RATE, durationMs: DURATION_MS, maxInFlight: MAX_IN_FLIGHT }, (_i, _sentAt) =>
    http.asyncRequest('GET', url, null, params).then((res) => ({ status: res.status })),
  );
  elapsed.add(Date.now() - started);
  sent.add(r.sent);
  late.add(r.late);
  completed.add(r.records.filter((x) => x.status > 0).length);
  peak.add(r.maxInFlight);
}

type Data = { metrics: Record<string, { values: Record<string, number> } | undefined> };

export function handleSummary(data: Data): Record<string, string> {
  const v = (name: string, stat: string) => data.metrics[name]?.values[stat] ?? 0;
  const figures = {
    sent: v('bench_sent', 'count'),
    late: v('bench_late', 'count'),
    completed: v('bench_completed', 'count'),
    maxInFlight: v('bench_max_in_flight', 'value'),
    elapsedMs: v('bench_elapsed_ms', 'value'),
  };
  return { [__ENV.BENCH_OUT ?? 'bench-out.json']: JSON.stringify(figures) };
}
