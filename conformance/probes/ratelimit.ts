// ratelimit.*: on the dedicated key only (keys.ratelimit), so nothing else is throttled.
// Burst until 429, then: 429 on every operation, no side effects of throttled writes, other
// keys unaffected, and waiting exactly Retry-After then retrying once succeeds.
import type { Probe, ProbeContext } from '../engine/probe';
import type { Exchange } from '../engine/exchange';
import { sleep } from '../engine/client';
import { parseRetryAfter } from '../../lib/retry-after';
import { someTemplateId, unknownId, type Page } from './helpers';

const FIRST_WAVE = 8; // parallel requests per wave; waves grow until they outrun the limit
const MAX_WAVE = 128; // the client's socket pool is larger, so a wave really is concurrent
const MAX_HONOUR_WAIT_S = 120;
const MAX_TRANSPORT_ERRORS = 3;
const LIST = '/templates?per_page=1';

/**
 * Sends waves of parallel requests on the dedicated key until one is throttled, at most `cap`
 * requests plus one (a fixed window that rolls over mid-burst may rightly accept 2 × limit; the
 * next request must then be the 429). On a slow target a fixed wave could send slower than the
 * limit refills and never meet a 429, a false failure: so each wave that sent slower than three
 * times the limit doubles the next, up to MAX_WAVE.
 */
async function burstUntil429(ctx: ProbeContext, method: string, path: string, cap: number, body?: unknown): Promise<Exchange[]> {
  const key = ctx.key('ratelimit');
  const rl = ctx.target.rateLimit;
  const sent: Exchange[] = [];
  let wave = FIRST_WAVE;
  while (sent.length <= cap) {
    const n = Math.min(wave, cap + 1 - sent.length);
    const started = Date.now();
    const got = await Promise.all(Array.from({ length: n }, () => ctx.call(method, path, { key, body, raw429: true })));
    sent.push(...got);
    if (got.some((e) => e.status === 429)) break;
    if (sent.filter((e) => e.status === 0).length > MAX_TRANSPORT_ERRORS) break; // the target is failing, not throttling
    const sendRate = n / Math.max(1, Date.now() - started);
    if (!rl || sendRate < (3 * rl.limit) / rl.windowMs) wave = Math.min(MAX_WAVE, wave * 2);
  }
  return sent;
}

/** Attempts per sandwich: enough that a clean target's legitimate refills never add up to a failure. */
const SANDWICH_ATTEMPTS = 6;
const MAX_SANDWICH_WAVE = 60; // 2 waves + the middle stay within the client's socket pool

type SandwichResult =
  /** The waves held on both sides and `settled(middle)` said the middle's answer is conclusive. */
  | { middle: Exchange; after429: Exchange; tries: Exchange[] }
  /** No attempt was conclusive; `tries` holds every attempt's middle request. */
  | { tries: Exchange[] };

/**
 * Sends `middle` while the dedicated key is provably throttled. One round trip after a 429 a
 * token bucket has refilled limit × RTT / window tokens and a fixed window may have rolled
 * over, so a request sent "right after" the 429 proves nothing. Instead the middle request goes
 * out in the same instant as two waves on the dedicated key, one started before it and one
 * after, each wider than what can refill in a round trip. Only when both waves met a 429 did
 * the middle request land inside the throttled period; otherwise drain and try again.
 *
 * At a distance the requests of one instant arrive in any order (jitter), and the tokens that
 * refilled meanwhile go to whichever arrive first: a correct server then sometimes serves the
 * middle request although both waves met 429s. So `settled` decides whether the middle's answer
 * is conclusive (for the 429 check: only a 429 is); an inconclusive one is tried again, with
 * wider waves, up to SANDWICH_ATTEMPTS times. A server that never throttles the operation gives
 * an inconclusive answer every time and still fails. `tries` always lists every attempt's
 * middle request, so side effects of all of them are accounted for (an earlier attempt's
 * accepted create is no throttled write).
 */
async function sandwich(
  ctx: ProbeContext,
  cap: number,
  middle: () => Promise<Exchange>,
  settled: (middle: Exchange) => boolean = () => true,
): Promise<SandwichResult> {
  const key = ctx.key('ratelimit');
  const rl = ctx.target.rateLimit;
  const tries: Exchange[] = [];
  for (let attempt = 1; attempt <= SANDWICH_ATTEMPTS; attempt++) {
    const burst = await burstUntil429(ctx, 'GET', LIST, cap);
    if (!burst.some((e) => e.status === 429)) break;
    // The slowest round trips decide how long the key was left to refill before the waves arrive.
    const rtt = quantile(burst.map((e) => e.durationMs), 0.9);
    const refill = rl ? (rl.limit * rtt) / rl.windowMs : 0;
    const width = Math.min(MAX_SANDWICH_WAVE, Math.max(4, Math.ceil(refill * 1.5 * attempt) + 2 * attempt));
    const before = Array.from({ length: width }, () => ctx.call('GET', LIST, { key, raw429: true }));
    const mid = middle();
    const after = Array.from({ length: width }, () => ctx.call('GET', LIST, { key, raw429: true }));
    const [b, m, a] = await Promise.all([Promise.all(before), mid, Promise.all(after)]);
    tries.push(m);
    const after429 = a.find((e) => e.status === 429);
    if (b.some((e) => e.status === 429) && after429 && (settled(m) || attempt === SANDWICH_ATTEMPTS)) return { middle: m, after429, tries };
  }
  return { tries };
}

const quantile = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;

async function runIds(ctx: ProbeContext): Promise<{ total?: number; ex: Exchange }> {
  const ex = await ctx.call('GET', '/runs?per_page=1', { key: ctx.key('primary') });
  const total = (ex.json as Page<unknown> | undefined)?.pagination?.total;
  return { total: ex.status === 200 && typeof total === 'number' ? total : undefined, ex };
}

export const rateLimitProbes: Probe[] = [
  {
    id: 'ratelimit.burst-and-recover',
    title: 'burst on a dedicated key → 429 within 2× the limit on every operation; other keys unaffected; waiting Retry-After succeeds; throttled writes create nothing',
    family: 'ratelimit',
    rules: ['ratelimit.429-status', 'ratelimit.isolation', 'ratelimit.retry-after-honoured', 'ratelimit.no-side-effects', 'status.429-rate-limited'],
    covers: [['listTemplates', 429], ['getTemplate', 429], ['createRun', 429], ['listRuns', 429], ['getRun', 429]],
    writes: true,
    async run(ctx) {
      ctx.key('ratelimit');
      const limit = ctx.target.rateLimit?.limit;
      const cap = limit ? 2 * limit : ctx.params.rateLimitBurstCap;
      const capText = limit ? `2 × the expected limit of ${limit}` : `the cap of ${cap} (no expected limit given)`;
      const templateId = await someTemplateId(ctx);
      const before = await runIds(ctx);

      const burst = await burstUntil429(ctx, 'GET', LIST, cap);
      const first429 = burst.findIndex((e) => e.status === 429);
      const accepted = burst.filter((e, i) => e.status === 200 && (first429 === -1 || i < first429)).length;
      const errors = burst.filter((e) => e.status === 0).length;
      ctx.check('ratelimit.429-status', first429 !== -1, first429 === -1
        ? `no 429 after ${burst.length} requests on one key (${capText})${errors ? `; ${errors} requests got no response` : ''}`
        : `first 429 after ${accepted} accepted requests (allowed: ${capText})`, first429 === -1 ? burst.slice(-2) : [burst[first429]!]);
      if (first429 === -1) return;
      let last429 = burst[first429]!;

      // Every other operation is throttled too (the edge layer sits in front of all of them).
      let created = 0;
      const others: Array<[string, string, unknown?]> = [
        ['GET', `/templates/${templateId}`],
        ['GET', '/runs'],
        ['GET', `/runs/${unknownId('r')}`],
        ['POST', '/runs', { template_id: templateId, expires_in_hours: 24 }],
      ];
      for (const [method, path, body] of others) {
        const r = await sandwich(ctx, cap, () => ctx.call(method, path, { key: ctx.key('ratelimit'), body, raw429: true }), (m) => m.status === 429);
        // Every attempt's middle request counts: a create an earlier attempt got accepted is no throttled write.
        created += r.tries.filter((e) => e.status === 201).length;
        const label = `${method} ${path.replace(/\/[tr]-[0-9a-f-]+$/, '/{id}')}`;
        if (!('middle' in r)) ctx.check('status.429-rate-limited', false, `${label}: could not hold the dedicated key throttled around it in ${SANDWICH_ATTEMPTS} attempts`, r.tries.slice(-1));
        else {
          const served = r.tries.length > 1 ? ` (in ${r.tries.length} attempts: ${r.tries.map((e) => e.status || e.error).join(', ')})` : '';
          ctx.check('status.429-rate-limited', r.middle.status === 429, `${label} while the key is throttled → ${r.middle.status || r.middle.error}${served}`, [r.middle]);
          last429 = r.after429;
        }
      }

      // Throttled creates left nothing behind: the run count grew by the accepted creates only.
      const after = await runIds(ctx);
      if (before.total === undefined || after.total === undefined)
        ctx.check('ratelimit.no-side-effects', false, `cannot count org A's runs (GET /runs → ${before.ex.status || before.ex.error} / ${after.ex.status || after.ex.error}), so a throttled create is unproven`, [before.ex, after.ex]);
      else
        ctx.check('ratelimit.no-side-effects', after.total - before.total === created,
          `runs before ${before.total}, after ${after.total}; creates accepted ${created}, the rest were 429 (another client writing to org A meanwhile would also show here)`, [last429]);

      // Other keys are not throttled meanwhile.
      for (const role of ['secondary', 'other_org'] as const) {
        if (!ctx.target.keys[role]) continue;
        const r = await sandwich(ctx, cap, () => ctx.call('GET', LIST, { key: ctx.key(role), raw429: true }));
        if (!('middle' in r)) {
          ctx.check('ratelimit.isolation', false, `could not hold the dedicated key throttled around a ${role} request in ${SANDWICH_ATTEMPTS} attempts`, r.tries.slice(-1));
          continue;
        }
        ctx.check('ratelimit.isolation', r.middle.status === 200, `while the dedicated key is throttled, the ${role} key → ${r.middle.status || r.middle.error}`, [r.middle]);
        last429 = r.after429;
      }

      // Quiet, wait exactly Retry-After, retry once.
      const parsed = parseRetryAfter(last429.headers['retry-after'], last429.headers['date']);
      if (!parsed.ok) {
        ctx.check('ratelimit.retry-after-honoured', false, `cannot wait out an unusable Retry-After (${parsed.reason})`, [last429]);
        return;
      }
      if (parsed.delaySeconds > MAX_HONOUR_WAIT_S) {
        ctx.check('ratelimit.retry-after-honoured', false, `Retry-After asks for ${parsed.delaySeconds} s, beyond the suite's ${MAX_HONOUR_WAIT_S} s wait cap`, [last429]);
        return;
      }
      const receivedAt = last429.startedAt + last429.durationMs;
      await sleep(Math.max(0, receivedAt + parsed.delaySeconds * 1000 - Date.now()));
      const retry = await ctx.call('GET', LIST, { key: ctx.key('ratelimit'), raw429: true });
      ctx.check('ratelimit.retry-after-honoured', retry.status === 200, `retry after waiting Retry-After (${parsed.delaySeconds} s) → ${retry.status || retry.error}`, [last429, retry]);
    },
  },
];
