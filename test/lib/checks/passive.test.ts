// The conformance suite's passive checks are the registry's: run as ProbeContext runs them on
// one exchange, they catch an echoed key from the request's own Authorization header (redacted
// in the message), and parse a 429's Retry-After once whatever rules and overrides judge it.
import { describe, expect, it, vi } from 'vitest';
import { resolveContract } from '../../../lib/contract';
import { PASSIVE_RULES, passiveChecks } from '../../../conformance/engine/passive';
import type { Exchange } from '../../../conformance/engine/exchange';
import { toEvidence } from '../../../conformance/engine/exchange';
import * as retryAfter from '../../../lib/retry-after';
import { DATE, KEY, pagination, template } from './support';

vi.mock('../../../lib/retry-after', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../../lib/retry-after')>();
  return { ...orig, parseRetryAfter: vi.fn(orig.parseRetryAfter) };
});

function exchange(status: number, body: unknown, headers: Record<string, string> = {}, authorization = `Bearer ${KEY}`): Exchange {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  let jsonError: string | undefined;
  try {
    json = JSON.parse(bodyText);
  } catch (e) {
    jsonError = (e as Error).message;
  }
  return {
    method: 'GET',
    path: '/templates?per_page=1',
    keyRole: 'custom',
    requestHeaders: { accept: 'application/json', authorization },
    status,
    headers: { 'content-type': 'application/json', ...headers },
    bodyText,
    ...(jsonError === undefined ? { json } : { jsonError }),
    startedAt: 0,
    durationMs: 1,
  };
}

/** What ProbeContext.call does with the passive checks: rule -> failure message (null: held). */
function passive(ex: Exchange, contract = resolveContract()): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const pc of passiveChecks) if (pc.applies(ex) && !contract.skipped[pc.rule]) out[pc.rule] = pc.check(ex, contract);
  return out;
}

describe('passive checks', () => {
  it('are the registry checks for the passive rules', () => {
    expect(passiveChecks.map((c) => c.rule)).toEqual([...PASSIVE_RULES]);
  });

  it('hold on a clean 200', () => {
    const r = passive(exchange(200, { data: [template], pagination }));
    expect(Object.values(r).every((m) => m === null)).toBe(true);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['json.response-content-type', 'envelope.collection', 'auth.no-credential-echo']));
  });

  it('catch a 401 that quotes the presented key, without the key in the message or the evidence', () => {
    const malformed = `rdk_live_${KEY.slice(9, 30)}`;
    const ex = exchange(401, { error: 'unauthorized', message: `'${malformed}' is not a valid API key` }, {}, `Bearer ${malformed}`);
    const message = passive(ex)['auth.no-credential-echo'];
    expect(message).toMatch(/^body carries the presented API key rdk_live_…\w{1,4} in full$/);
    const evidence = JSON.stringify(toEvidence(ex));
    expect(evidence).not.toContain(malformed);
    expect(evidence).not.toContain(KEY.slice(9, 17));
  });

  it('keep a quoted run of the secret (no prefix) out of the evidence', () => {
    const ex = exchange(401, { error: 'unauthorized', message: `secret …${KEY.slice(12, 24)} unknown` });
    expect(passive(ex)['auth.no-credential-echo']).toMatch(/^body carries 8 consecutive characters of the presented API key rdk_live_…\w{4} \(its random part is recognisable\)$/);
    expect(JSON.stringify(toEvidence(ex))).not.toMatch(new RegExp(KEY.slice(12, 20)));
  });

  it('no rule\'s message carries on a fragment of the key a body echoed (a non-JSON 401 quoted in the content-type failure)', () => {
    const run = KEY.slice(12, 24);
    const ex = exchange(401, `unknown key ...${run}`);
    const messages = Object.values(passive(ex)).filter((m): m is string => m !== null);
    expect(messages.length).toBeGreaterThan(1); // content type and echo both fail
    for (let i = 0; i + 8 <= run.length; i++) for (const m of messages) expect(m).not.toContain(run.slice(i, i + 8));
  });

  it('judge every passive Retry-After rule of a 429 from one parse, with the target\'s minimum', () => {
    const parse = vi.mocked(retryAfter.parseRetryAfter);
    parse.mockClear();
    const ex = exchange(429, { error: 'rate_limited', message: 'Slow down.' }, { 'retry-after': '1', date: DATE });
    expect(passive(ex)).toMatchObject({ 'ratelimit.retry-after-present': null, 'ratelimit.retry-after-valid': null, 'ratelimit.retry-after-positive': null, 'ratelimit.error-body': null });
    const stricter = resolveContract({ parameters: { retryAfterMinSeconds: 2 } });
    expect(passive(ex, stricter)['ratelimit.retry-after-positive']).toMatch(/below the minimum of 2 s/);
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
