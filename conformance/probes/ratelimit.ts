// ratelimit.*: on the dedicated key only (keys.ratelimit), so nothing else is throttled.
// Burst until 429, then: 429 on every operation, no side effects of throttled writes, other
// keys unaffected, and waiting exactly Retry-After then retrying once succeeds.
import type { Probe, ProbeContext } from '../engine/probe';
import type { Exchange } from '../engine/exchange';
import { sleep } from '../engine/client';
import { parseRetryAfter } from '../../lib/retry-after';
import { someTemplateId, unknownId, type Page } from './helpers';

const WAVE = 8; // parallel requests per wave, so a slow target still outruns a small limit
const MAX_HONOUR_WAIT_S = 120;

async function burstUntil429(ctx: ProbeContext, method: string, path: string, cap: number, body?: unknown) {
  const key = ctx.key('ratelimit');
  const sent: Exchange[] = [];
  while (sent.length < cap) {
    const n = Math.min(WAVE, cap - sent.length);
    const wave = await Promise.all(Array.from({ length: n }, () => ctx.call(method, path, { key, body, raw429: true })));
    sent.push(...wave);
    if (wave.some((e) => e.status === 429 || e.status === 0)) break;
  }
  return sent;
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
        const ex = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key(role), raw429: true });
        ctx.check('ratelimit.isolation', ex.status === 200, `while the dedicated key is throttled, the ${role} key → ${ex.status || ex.error}`, [ex]);
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
