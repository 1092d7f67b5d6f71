// Every environment variable the harness reads, one row each: the README's configuration table
// (scripts/settings-doc.ts renders it between the settings markers) and .env.example are made
// from these rows, and test/config/ checks that the code reads no variable missing here.
//
// `default` is the value that behaves like leaving the variable unset, and targets the
// simulator; '' where the default is "unset" or is computed (the meaning says how). Empty values
// read as unset in both engines, so a copied .env.example changes nothing.

export type SettingEngines = 'conformance' | 'k6' | 'both' | 'simulator';

export interface Setting {
  name: string;
  default: string;
  /** Who reads it: one engine, both, or the simulator the conformance suite starts in-process. */
  engines: SettingEngines;
  /** A key: never logged, never in .env.example, redacted in every error and report. */
  secret: boolean;
  meaning: string;
}

const row = (name: string, dflt: string, engines: SettingEngines, meaning: string, secret = false): Setting => ({ name, default: dflt, engines, secret, meaning });
const key = (name: string, engines: SettingEngines, meaning: string): Setting => row(name, '', engines, meaning, true);

export const SETTINGS: readonly Setting[] = [
  // The target
  row('RUNDUN_FIXTURES', '', 'both', "the simulator's fixtures file (`npm run sim -- --fixtures <file>` writes it): base URL, keys by role, pool, rate limit, admin surface. Unset, and no `RUNDUN_BASE_URL`: the conformance suite starts the simulator in-process; k6 refuses to start"),
  row('RUNDUN_BASE_URL', '', 'both', 'base URL including `/v1`, e.g. `https://staging.api.rundun.app/v1`, with the keys below (when there is no fixtures file)'),
  key('RUNDUN_API_KEY', 'both', 'primary key (org A); unset: the first `RUNDUN_API_KEYS` key'),
  key('RUNDUN_API_KEY_SECONDARY', 'both', 'a second key of org A (conformance: org probes; k6: key-isolation bystander)'),
  key('RUNDUN_API_KEY_OTHER_ORG', 'both', 'a key of another org (B) (conformance: isolation probes; k6: key-isolation bystander)'),
  key('RUNDUN_API_KEY_RATELIMIT', 'both', "a dedicated key of the primary key's org that may be throttled (rate-limit probe, rate-limit / retry-after / key-isolation scenarios); its throttled creates count in the primary org's runs"),
  key('RUNDUN_API_KEY_EXHAUSTED', 'conformance', 'a key of an org with no run quota left'),
  key('RUNDUN_API_KEY_REVOKED', 'conformance', 'a revoked key'),
  key('RUNDUN_API_KEY_SPREAD', 'k6', "key-isolation's spread key, used by no other scenario (default: the last pool key no role uses)"),
  key('RUNDUN_API_KEYS', 'both', "comma-separated key pool, replaces the fixtures' pool. k6: the load scenarios' pool; conformance: the primary key when `RUNDUN_API_KEY` is unset, redacted in reports"),
  row('RUNDUN_SECRETS', 'no', 'k6', "`yes`: read the keys from k6's secret source (`k6 run --secret-source=file=…`, names = roles, pool as `pool_0`, `pool_1`, …); k6 then redacts them in its own output"),
  row('RUNDUN_EXPIRED_RUN_ID', '', 'conformance', 'a run of org A that has expired (for 410 on a target without the admin surface)'),
  row('RUNDUN_RATE_LIMIT', '', 'both', "expected per-key limit: `20/1s`, or `20` with `RUNDUN_RATE_WINDOW`; `off` = the target has none. Overrides the fixtures'. Unset: the fixtures' limit, else unknown (k6's rate-limit scenario discovers it)"),
  row('RUNDUN_RATE_WINDOW', '', 'both', "the window of a bare `RUNDUN_RATE_LIMIT` (default `1s`; must agree with a `20/1s` form); alone: the window the rate-limit scenario's discovery assumes (default `1s`)"),
  // Safety catches
  row('RUNDUN_ALLOW_REMOTE', 'no', 'both', '`yes`: allow a target outside loopback (127.0.0.0/8, localhost, [::1]): a safety catch against typos'),
  row('RUNDUN_ALLOW_PRODUCTION', 'no', 'both', '`yes`: allow a production host (`api.rundun.app` or on `RUNDUN_PRODUCTION_HOSTS`) even for load; `RUNDUN_ALLOW_REMOTE=yes` alone never allows it'),
  row('RUNDUN_PRODUCTION_HOSTS', '', 'both', 'more production hosts besides `api.rundun.app`, comma-separated names (exact: `staging.api.rundun.app` is not production unless listed)'),
  row('RUNDUN_READ_ONLY', 'no', 'conformance', '`yes`: the suite makes no writes (write probes are skipped with the reason); lets it run against production without `RUNDUN_ALLOW_PRODUCTION`'),
  row('RUNDUN_STATE_FILE', '.rundun-state/runs.json', 'conformance', 'the record of short-lived runs the suite created, so a later run can verify they answer 410'),
  // Reports and the conformance suite's pacing
  row('RUNDUN_REPORT_DIR', 'reports', 'both', "where the reports go (k6: handleSummary's files; the folder must exist)"),
  row('RUNDUN_CONTRACT_OVERRIDES', '', 'conformance', 'a JSON file of overrides where the target differs from the contract'),
  row('RUNDUN_TIMEOUT_MS', '10000', 'conformance', 'per-request timeout, ms'),
  row('RUNDUN_PACE_RPS', '', 'conformance', 'requests/s per key for ordinary probes (default: half the expected limit, or 10 when unknown)'),
  row('RUNDUN_PROBE_BUDGET_MS', '600000', 'conformance', 'time one probe may take before it is stopped and failed, ms'),
  row('RUNDUN_PROBES', '', 'conformance', 'comma-separated probe ids to run only those (e.g. `ratelimit.burst-and-recover`)'),
  // The in-process simulator (conformance suite without a target)
  row('RUNDUN_SIM_RATE_LIMIT', '100/1s', 'simulator', 'its per-key limit, or `off`'),
  row('RUNDUN_SIM_ALGORITHM', 'fixed-window', 'simulator', '`fixed-window`, `sliding-window` or `token-bucket`'),
  row('RUNDUN_SIM_RETRY_AFTER_FORMAT', 'delay-seconds', 'simulator', '`delay-seconds` or `http-date`'),
  row('RUNDUN_SIM_FAULTS', '', 'simulator', 'comma-separated deliberate faults (see `npm run sim -- --list-faults`)'),
  row('RUNDUN_SIM_LATENCY', '', 'simulator', 'added network distance, `50:10` = 50 ms round trip ± 10 ms (seeded)'),
  row('RUNDUN_SIM_LATENCY_SEED', '', 'simulator', 'another seed for the latency sequence'),
  // k6: every scenario
  row('RUNDUN_VALIDATE_SAMPLE', '0.1', 'k6', "share of responses whose body is read and validated; all others use `responseType: 'none'`"),
  row('RUNDUN_MAX_IN_FLIGHT', '512', 'k6', 'most requests one VU keeps outstanding in an open-model phase'),
  row('RUNDUN_DURATION', '', 'k6', 'run length: retry-after `30s`, key-isolation 10 windows, soak `30m`'),
  row('RUNDUN_OVERLOAD', '3', 'k6', 'over-limit factor of the throttled key (rate-limit and key-isolation: at least 3; retry-after: at least 1.5)'),
  // k6: rate-limit
  row('RUNDUN_UNDER_DURATION', '', 'k6', 'rate-limit: under-limit phase (default 5 windows)'),
  row('RUNDUN_OVER_DURATION', '', 'k6', 'rate-limit: over-limit phase (default 10 windows; at least 5)'),
  row('RUNDUN_UNDER_FACTOR', '0.5', 'k6', 'rate-limit: under-limit rate as a share of the limit (at most 0.5)'),
  row('RUNDUN_SETTLE', '', 'k6', 'rate-limit: quiet before the phases (default one window)'),
  row('RUNDUN_TOLERANCE', '0.1', 'k6', 'rate-limit: relative tolerance of the per-window count (at most 0.5)'),
  row('RUNDUN_KEYS_UNDER_TEST', '1', 'k6', 'rate-limit: keys driven over their limit at once'),
  row('RUNDUN_DISCOVERY_RATE', '100', 'k6', 'rate-limit without a known limit: discovery rate, requests/s'),
  row('RUNDUN_DISCOVERY_DURATION', '', 'k6', 'rate-limit without a known limit: discovery length (default 10 windows)'),
  // k6: retry-after
  row('RUNDUN_RETRY_KEYS', '2', 'k6', 'retry-after: keys driven into 429'),
  row('RUNDUN_RETRY_MARGIN_MS', '50', 'k6', 'retry-after: wait this much past Retry-After before the probe, ms'),
  row('RUNDUN_PROBE_RESOLUTION_MS', '250', 'k6', 'retry-after: resolution of the tightness measurement, ms'),
  row('RUNDUN_MAX_RETRY_AFTER', '', 'k6', 'retry-after: largest acceptable Retry-After, s (default max(5, 2 × (ceil(window) + 1)), or 120 without a limit)'),
  row('RUNDUN_TIGHTNESS', '', 'k6', 'retry-after: `off` skips measuring how tight Retry-After is'),
  row('RUNDUN_OVER_RATE', '50', 'k6', 'retry-after without a known limit: the rate that drives a key into 429, requests/s'),
  // k6: key-isolation
  row('RUNDUN_BYSTANDER_RATE', '', 'k6', 'key-isolation: bystander keys\' rate, requests/s (default half the limit)'),
  row('RUNDUN_SPREAD', '', 'k6', 'key-isolation: `off` skips the spread part (one key over several source addresses)'),
  row('RUNDUN_SPREAD_VUS', '', 'k6', 'key-isolation: VUs of the spread part (default max(4, `K6_LOCAL_IPS` addresses))'),
  row('RUNDUN_SPREAD_DURATION', '', 'k6', 'key-isolation: spread part length (default 10 windows)'),
  // k6: capacity / soak / spike
  row('RUNDUN_STAGES', '10,20,40', 'k6', 'capacity: stage rates, requests/s, comma-separated whole numbers'),
  row('RUNDUN_STAGE_DURATION', '', 'k6', 'capacity / spike: hold per stage (default `30s`; spike `60s`)'),
  row('RUNDUN_RAMP_DURATION', '', 'k6', 'capacity / spike: ramp before each stage (default `5s`; spike `10s`)'),
  row('RUNDUN_SOAK_RATE', '10', 'k6', 'soak: rate, requests/s'),
  row('RUNDUN_BASE_RATE', '5', 'k6', 'spike: base rate, requests/s'),
  row('RUNDUN_SPIKE_RATE', '40', 'k6', 'spike: spike rate, requests/s'),
  row('RUNDUN_SLO_P95_MS', '300', 'k6', 'load SLO: p95 latency, ms'),
  row('RUNDUN_SLO_ERROR_RATE', '0.01', 'k6', 'load SLO: error rate'),
  row('RUNDUN_WRITE_SHARE', '', 'k6', 'load: share of requests that create runs, at most 0.25 (default 0.05 on loopback, 0 elsewhere: runs are billed)'),
  row('RUNDUN_MAX_VUS', '', 'k6', 'load: most VUs (default max(20, peak rps, 2 × pre-allocated))'),
];

export function settingNamed(name: string): Setting | undefined {
  return SETTINGS.find((s) => s.name === name);
}
