// Proof that the conformance checks can fail: every rule family's probe is run against a
// simulator started with one fault of the catalogue (simulator/faults.ts: a server bug at the
// stage where a real server would have it), and must fail on that rule with a useful message.
// The control run shows the same probes pass against the simulator without faults, so every
// failure comes from the fault alone. (The self-test's detection matrix runs every fault against
// every probe; this table pins, per case, the probe, the rule and the message.)
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type StartOptions } from '../../simulator/server';
import { FAULT_NAMES, type FaultName } from '../../simulator/faults';
import { NEW_FIELD } from '../../simulator/json-faults';
import { parseFixtures } from '../../lib/target';
import { createProbeEnv } from '../../conformance/engine/probe-env';
import { runProbe, type ProbeResult } from '../../conformance/engine/probe';
import { probeById, probes } from '../../conformance/probes';

const FAST: StartOptions = { rateLimit: { limit: 1000, windowMs: 1000, algorithm: 'fixed-window' } };
const BURSTABLE: StartOptions = { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface RunOptions {
  sim?: StartOptions;
  /** false: the target states no rate limit (the burst falls back to its cap). */
  statedLimit?: boolean;
  timeoutMs?: number;
  paceRps?: number;
}

async function runAgainst(probeIds: readonly string[], faults: readonly FaultName[], o: RunOptions = {}): Promise<ProbeResult[]> {
  const s = await startSimulator({ ...(o.sim ?? FAST), faults });
  cleanups.push(() => s.close());
  const target = parseFixtures(JSON.stringify(s.fixtures));
  if (o.statedLimit === false) target.rateLimit = null;
  const env = createProbeEnv({ target, overrides: {}, timeoutMs: o.timeoutMs ?? 2000, paceRps: o.paceRps ?? 0 });
  cleanups.push(async () => env.close());
  const results: ProbeResult[] = [];
  for (const id of probeIds) results.push(await runProbe(probeById(id), env));
  return results;
}

interface Case {
  fault: FaultName;
  probe: string;
  rule: string;
  message: RegExp;
  run?: RunOptions;
}

// One row per proof: the fault, the probe that must fail, the rule it must fail and the message.
const CASES: Case[] = [
  // auth
  { fault: 'auth.missing-accepted', probe: 'auth.missing-header', rule: 'auth.bearer-required', message: /without Authorization → 200/ },
  { fault: 'auth.revoked-accepted', probe: 'auth.revoked-key', rule: 'auth.revoked-key-rejected', message: /expected 401, got 200/ },
  { fault: 'auth.scheme-case-sensitive', probe: 'auth.scheme-case', rule: 'auth.scheme-case-insensitive', message: /scheme 'bearer' with a valid key → 401/ },
  { fault: 'auth.malformed-accepted', probe: 'auth.malformed-key', rule: 'auth.key-format', message: /too short → 200/ },
  { fault: 'status.401-forbidden-code', probe: 'auth.missing-header', rule: 'status.401-unauthorized', message: /expected error code unauthorized, got "forbidden"/ },
  { fault: 'auth.credential-echo', probe: 'auth.unknown-key', rule: 'auth.no-credential-echo', message: /body carries the presented API key rdk_live_…\w{4} in full/ },
  // errors and JSON
  { fault: 'errors.no-message-field', probe: 'templates.unknown-id', rule: 'errors.body-shape', message: /must have required property 'message'/ },
  { fault: 'errors.no-error-field', probe: 'runs.validation', rule: 'errors.body-shape', message: /error body does not match the Error schema: \(root\) must have required property 'error'/ },
  { fault: 'errors.unknown-code', probe: 'runs.unknown-id', rule: 'errors.known-code', message: /error code 'missing' is not one the contract lists for 404/ },
  { fault: 'errors.html-error-page', probe: 'runs.unknown-id', rule: 'json.response-content-type', message: /Content-Type is 'text\/html/ },
  { fault: 'json.text-plain-lists', probe: 'templates.list-and-get', rule: 'json.response-content-type', message: /Content-Type is 'text\/plain/ },
  { fault: 'status.422-for-bad-request', probe: 'runs.malformed-json', rule: 'json.malformed-body', message: /body "\{" → 422/ },
  { fault: 'json.content-type-ignored', probe: 'runs.content-type', rule: 'json.request-content-type', message: /Content-Type \(none\) → 201/ },
  // status codes
  { fault: 'status.404-for-expired', probe: 'runs.expired', rule: 'status.410-gone', message: /expected 410, got 404/ },
  { fault: 'status.400-for-validation', probe: 'runs.validation', rule: 'status.422-validation', message: /→ 400/ },
  { fault: 'status.200-on-create', probe: 'runs.create-read', rule: 'status.201-created', message: /expected 201, got 200/ },
  { fault: 'status.no-quota', probe: 'runs.quota-exhausted', rule: 'status.402-quota-exceeded', message: /expected 402, got 201/ },
  { fault: 'errors.stack-in-500', probe: 'status.server-error', rule: 'status.500-server-error', message: /leaks a stack trace/ },
  { fault: 'status.500-on-template-get', probe: 'templates.list-and-get', rule: 'status.no-unprovoked-5xx', message: /unprovoked 500/ },
  { fault: 'status.405-unknown-method', probe: 'status.unknown-route', rule: 'status.unknown-route', message: /DELETE \/templates → 405/ },
  { fault: 'status.405-unknown-method', probe: 'status.unknown-route', rule: 'status.in-table', message: /status 405 is not one of the reference's ten codes/ },
  { fault: 'status.415-for-content-type', probe: 'runs.content-type', rule: 'status.in-table', message: /status 415 is not one of the reference's ten codes/ },
  { fault: 'status.422-for-bad-request', probe: 'runs.missing-field', rule: 'status.400-bad-request', message: /expected 400, got 422/ },
  { fault: 'status.200-for-unknown-template', probe: 'templates.unknown-id', rule: 'status.404-not-found', message: /expected 404, got 200/ },
  // org scoping
  { fault: 'status.403-cross-org', probe: 'org.cross-org-read', rule: 'org.isolation-read', message: /org B GET org A's run → 403/ },
  { fault: 'auth.cross-org-readable', probe: 'org.cross-org-read', rule: 'org.isolation-read', message: /org B GET org A's run → 200/ },
  { fault: 'org.list-all-orgs', probe: 'org.lists', rule: 'org.isolation-list', message: /org B's list contains org A's run/ },
  // pagination
  { fault: 'pagination.repeat-item', probe: 'pagination.templates', rule: 'pagination.complete-no-duplicates', message: /[1-9]\d* repeated/ },
  { fault: 'pagination.wrong-total', probe: 'pagination.templates', rule: 'pagination.total-stable', message: /total on every page: \d+, \d+/ },
  { fault: 'pagination.next-on-last', probe: 'pagination.templates', rule: 'pagination.next-page', message: /page \d+ had next_page \d+, but page \d+ is empty: next_page was set on the last page/ },
  { fault: 'pagination.per-page-ignored', probe: 'pagination.templates', rule: 'pagination.envelope-schema', message: /page\/per_page echo/ },
  { fault: 'pagination.clamp-per-page', probe: 'pagination.bounds', rule: 'pagination.per-page-bounds', message: /per_page=101 → 200/ },
  { fault: 'pagination.default-per-page-25', probe: 'pagination.templates', rule: 'pagination.default-per-page', message: /per_page 25 \(contract default 50\)/ },
  { fault: 'pagination.short-pages', probe: 'pagination.templates', rule: 'pagination.full-pages', message: /page 2 holds 6 items, expected 7/ },
  // runs
  { fault: 'runs.read-back-differs', probe: 'runs.create-read', rule: 'runs.create-read-consistent', message: /read-back differs in created_at, expires_at/ },
  { fault: 'runs.expiry-off-by-one-hour', probe: 'runs.create-read', rule: 'runs.expiry-arithmetic', message: /expires_at - created_at = 49 h \(asked 48\)/ },
  { fault: 'runs.hours-bound-off-by-one', probe: 'runs.validation', rule: 'runs.expires-in-hours-range', message: /expires_in_hours 169 → 201/ },
  // envelopes and ids
  { fault: 'envelope.no-pagination', probe: 'templates.list-and-get', rule: 'envelope.collection', message: /must have required property 'pagination'/ },
  { fault: 'ids.uppercase-template-ids', probe: 'templates.list-and-get', rule: 'ids.format', message: /template ids not 't-' \+ lowercase UUID: T-/ },
  // rate limiting
  { fault: 'ratelimit.off', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.429-status', message: /no 429 after 1001 requests on one key \(the cap of 1000/, run: { statedLimit: false } },
  { fault: 'ratelimit.retry-after-missing', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-present', message: /429 without a Retry-After header/, run: { sim: BURSTABLE } },
  { fault: 'ratelimit.retry-after-fractional', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-valid', message: /1\.5/, run: { sim: BURSTABLE } },
  { fault: 'ratelimit.retry-after-zero', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-positive', message: /Retry-After "0" means 0 s, below the minimum of 1 s/, run: { sim: BURSTABLE } },
  // The announced wait is 1 s less than the real one, rounded down (1-2 s at a 1 s window).
  { fault: 'ratelimit.retry-after-short', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-honoured', message: /retry after waiting Retry-After \([12] s\) → 429/, run: { sim: BURSTABLE } },
  { fault: 'ratelimit.no-error-body', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.error-body', message: /429 without a body/, run: { sim: BURSTABLE } },
  { fault: 'ratelimit.plain-text-429', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.error-body', message: /429 body/, run: { sim: BURSTABLE } },
  { fault: 'ratelimit.shared-bucket', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.isolation', message: /the secondary key → 429/, run: { sim: BURSTABLE } },
  { fault: 'ratelimit.503-for-throttled-write', probe: 'ratelimit.burst-and-recover', rule: 'status.429-rate-limited', message: /POST \/runs while the key is throttled → 503/, run: { sim: BURSTABLE } },
  // transport: a response that never comes is a failed 200, never a crash of the harness
  { fault: 'status.reset-on-template-get', probe: 'templates.list-and-get', rule: 'status.200-success', message: /no response: (ECONNRESET|socket hang up|error)/i },
  { fault: 'status.hang-on-template-get', probe: 'templates.list-and-get', rule: 'status.200-success', message: /timeout: no complete response within 2000 ms/ },
];

describe('the proof table', () => {
  it('names faults of the catalogue, and no row twice', () => {
    for (const c of CASES) expect(FAULT_NAMES, c.fault).toContain(c.fault);
    const keys = CASES.map((c) => `${c.fault} ${c.probe} ${c.rule}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('each conformance check fails on a server that breaks its rule', () => {
  it.each(CASES.map((c) => [`${c.fault}: ${c.probe} fails ${c.rule}`, c] as const))('%s', async (_name, c) => {
    const [result] = (await runAgainst([c.probe], [c.fault], c.run)) as [ProbeResult];
    const failed = result.outcomes.filter((o) => !o.ok);
    expect(result.status, JSON.stringify(result.outcomes.slice(0, 5), null, 1)).toBe('fail');
    const onRule = failed.filter((o) => o.rule === c.rule);
    expect(onRule.length, `no failure on ${c.rule}; failures: ${failed.map((o) => `${o.rule}: ${o.message}`).join(' | ')}`).toBeGreaterThan(0);
    expect(onRule.map((o) => o.message).join('\n')).toMatch(c.message);
    // Evidence is attached and never holds a key in full.
    const evidence = JSON.stringify(onRule.flatMap((o) => o.evidence));
    expect(evidence).not.toMatch(/rdk_live_[A-Za-z0-9]{32}/);
  });
});

describe('additive changes: unknown fields never fail a check, they are listed as drift', () => {
  it(`probes pass against a server that adds a property to every object (versioning.new-field), and list /${NEW_FIELD} as drift`, async () => {
    const ids = ['templates.list-and-get', 'runs.create-read', 'pagination.runs', 'runs.unknown-id'];
    const results = await runAgainst(ids, ['versioning.new-field']);
    for (const r of results) {
      expect(r.status, `${r.probe}: ${r.reason}`).toBe('pass');
      if (r.probe !== 'runs.unknown-id') expect(r.drift.map((d) => d.path), r.probe).toContain(`/${NEW_FIELD}`);
    }
  });
});

describe('control: the same probes pass against the simulator without faults', () => {
  it('every probe passes, and nothing is listed as drift', async () => {
    const results = await runAgainst(probes.map((p) => p.id), [], { sim: { rateLimit: { limit: 60, windowMs: 1000, algorithm: 'fixed-window' } }, paceRps: 30 });
    const bad = results.filter((r) => r.status !== 'pass').map((r) => `${r.probe}: ${r.status} ${r.reason}`);
    expect(bad).toEqual([]);
    expect(results.flatMap((r) => r.drift)).toEqual([]);
  }, 120_000);
});
