// ratelimit.*: on the dedicated key only (keys.ratelimit), so nothing else is throttled.
// Burst until 429, then: 429 on every operation, no side effects of throttled writes, other
// keys unaffected, and waiting exactly Retry-After then retrying once succeeds.
import type { Probe, ProbeContext } from '../engine/probe';
import type { Exchange } from '../engine/exchange';
import { sleep } from '../engine/client';
import { parseRetryAfter } from '../../lib/retry-after';
import { someTemplateId, unknownId, type Page } from './helpers';

const FIRST_WAVE = 8; // parallel requests per wave; waves grow until they outrun the limit
const MAX_WAVE = 128;
const MAX_HONOUR_WAIT_S = 120;

/**
 * Sends waves of parallel requests on the dedicated key until one is throttled. On a slow
 * target a fixed wave could send slower than the limit refills and never meet a 429, a false
 * failure: so each wave that took longer than it may doubles the next, up to MAX_WAVE.
 */
async function burstUntil429(ctx: ProbeContext, method: string, path: string, cap: number, body?: unknown) {
  const key = ctx.key('ratelimit');
  const rl = ctx.target.rateLimit;
  const sent: Exchange[] = [];
  let wave = FIRST_WAVE;
  while (sent.length < cap) {
    const n = Math.min(wave, cap - sent.length);
    const started = Date.now();
    const got = await Promise.all(Array.from({ length: n }, () => ctx.call(method, path, { key, body, raw429: true })));
    sent.push(...got);
    if (got.some((e) => e.status === 429 || e.status === 0)) break;
    // Sending slower than three times the limit? Then widen the wave.
    const sendRate = n / Math.max(1, Date.now() - started);
    if (!rl || sendRate < (3 * rl.limit) / rl.windowMs) wave = Math.min(MAX_WAVE, wave * 2);
  }
  return sent;
}

/**
 * Judges a bystander key while the dedicated key is throttled: 429 on the dedicated key, then
 * the bystander, then the dedicated key again. Only when that second request is also 429 did
 * the bystander's request fall inside the throttled period (a fixed window may have rolled
 * over in between); otherwise throttle again and retry, a few times.
 */
async function bystanderWhileThrottled(ctx: ProbeContext, role: 'secondary' | 'other_org', cap: number) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const burst = await burstUntil429(ctx, 'GET', '/templates?per_page=1', cap);
    if (!burst.some((e) => e.status === 429)) return null;
    const bystander = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key(role), raw429: true });
    const after = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key('ratelimit'), raw429: true });
    if (after.status === 429) return { bystander, after };
  }
  return null;
}

const runsTotal = async (ctx: ProbeContext) => {
  const ex = await ctx.call('GET', '/runs?per_page=1', { key: ctx.key('primary') });
  return (ex.json as Page<unknown> | undefined)?.pagination?.total;
};

export const rateLimitProbes: Probe[] = [
  {
    id: 'ratelimit.burst-and-recover',
    title: 'burst on a dedicated key → 429 within 2× the limit on every operation; other keys unaffected; waiting Retry-After succeeds; throttled writes create nothing',
    family: 'ratelimit',
    rules: ['ratelimit.429-status', 'ratelimit.isolation', 'ratelimit.retry-after-honoured', 'ratelimit.no-side-effects', 'status.429-rate-limited'],
    covers: [['listTemplates', 429], ['getTemplate', 429], ['createRun', 429], ['listRuns', 429], ['getRun', 429]],
    async run(ctx) {
      ctx.key('ratelimit');
      const limit = ctx.target.rateLimit?.limit;
      const cap = limit ? 2 * limit : ctx.params.rateLimitBurstCap;
      const capText = limit ? `2 × the expected limit of ${limit}` : `the cap of ${cap} (no expected limit given)`;
      const templateId = await someTemplateId(ctx);
      const totalBefore = await runsTotal(ctx);

      const burst = await burstUntil429(ctx, 'GET', '/templates?per_page=1', cap);
      const first429 = burst.findIndex((e) => e.status === 429);
      const accepted = burst.filter((e, i) => e.status === 200 && (first429 === -1 || i < first429)).length;
      ctx.check('ratelimit.429-status', first429 !== -1, first429 === -1
        ? `no 429 after ${burst.length} requests on one key (${capText})`
        : `first 429 after ${accepted} accepted requests (allowed: ${capText})`, first429 === -1 ? burst.slice(-2) : [burst[first429]!]);
      if (first429 === -1) return;

      // Every other operation is throttled too (the edge layer sits in front of all of them).
      let last429 = burst[first429]!;
      let created = 0;
      const others: Array<[string, string, unknown?]> = [
        ['GET', `/templates/${templateId}`],
        ['GET', '/runs'],
        ['GET', `/runs/${unknownId('r')}`],
        ['POST', '/runs', { template_id: templateId, expires_in_hours: 24 }],
      ];
      for (const [method, path, body] of others) {
        const sent = await burstUntil429(ctx, method, path, cap, body);
        created += sent.filter((e) => e.status === 201).length;
        const hit = sent.find((e) => e.status === 429);
        ctx.check('status.429-rate-limited', !!hit, hit ? `${method} ${path.split('/').slice(0, 2).join('/')}…: 429` : `${method} ${path}: no 429 within ${sent.length} requests`, hit ? [hit] : sent.slice(-1));
        if (hit) last429 = hit;
      }

      // Other keys are not throttled meanwhile.
      for (const role of ['secondary', 'other_org'] as const) {
        if (!ctx.target.keys[role]) continue;
        const seen = await bystanderWhileThrottled(ctx, role, cap);
        if (!seen) {
          ctx.check('ratelimit.isolation', false, `could not hold the dedicated key throttled around a ${role} request in 3 attempts`, []);
          continue;
        }
        ctx.check('ratelimit.isolation', seen.bystander.status === 200, `while the dedicated key is throttled, the ${role} key → ${seen.bystander.status || seen.bystander.error}`, [seen.bystander]);
        last429 = seen.after;
      }

      // Throttled creates left nothing behind: the run count grew by the accepted creates only.
      const totalAfter = await runsTotal(ctx);
      if (totalBefore !== undefined && totalAfter !== undefined)
        ctx.check('ratelimit.no-side-effects', totalAfter - totalBefore === created,
          `runs before ${totalBefore}, after ${totalAfter}; creates accepted ${created} (the rest were 429)`, [last429]);

      // Quiet, wait exactly Retry-After, retry once.
      const parsed = parseRetryAfter(last429.headers['retry-after'], last429.headers['date']);
      if (!parsed.ok) return; // ratelimit.retry-after-valid (passive) already failed with the reason
      if (parsed.delaySeconds > MAX_HONOUR_WAIT_S) {
        ctx.check('ratelimit.retry-after-honoured', false, `Retry-After asks for ${parsed.delaySeconds} s, beyond the suite's ${MAX_HONOUR_WAIT_S} s wait cap`, [last429]);
        return;
      }
      const receivedAt = last429.startedAt + last429.durationMs;
      await sleep(Math.max(0, receivedAt + parsed.delaySeconds * 1000 - Date.now()));
      const retry = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key('ratelimit'), raw429: true });
      ctx.check('ratelimit.retry-after-honoured', retry.status === 200, `retry after waiting Retry-After (${parsed.delaySeconds} s) → ${retry.status || retry.error}`, [last429, retry]);
    },
  },
];
