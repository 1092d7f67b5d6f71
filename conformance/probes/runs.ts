// Runs: create and read back, default expiry, the quota (402) and expiry (410) of runs. (The
// 400/404/422 answers to bad creates are rows of the status table, status.ts; 410 across suite
// runs is earlier-runs.ts.)
import type { Probe, ProbeContext } from '../engine/probe';
import type { Exchange } from '../engine/exchange';
import { isId } from '../../lib/checks';
import { createRun, someTemplateId, walkPages, type Page, type Run } from './helpers';

const HOUR_MS = 3_600_000;

/** Looks for a run in the primary org's list, page by page (bounded by the walk helper). */
async function findRun(ctx: ProbeContext, id: string): Promise<{ listed: boolean; page?: number; pages: number; last?: Exchange }> {
  const { pages, exchanges } = await walkPages<Run>(ctx, '/runs', 'primary', ctx.params.perPageMax);
  const at = pages.findIndex((p) => p.data.some((r) => r.id === id));
  return { listed: at !== -1, ...(at !== -1 ? { page: at + 1 } : {}), pages: pages.length, last: exchanges[Math.max(0, at)] };
}

export const runProbes: Probe[] = [
  {
    id: 'runs.create-read',
    title: 'POST /runs → 201; the run reads back equal, is listed, and expires_at = created_at + hours',
    family: 'runs',
    rules: ['status.201-created', 'runs.create-read-consistent', 'runs.expiry-arithmetic', 'ids.format'],
    covers: [['createRun', 201], ['getRun', 200], ['listRuns', 200]],
    writes: true,
    async run(ctx) {
      const run = await createRun(ctx, 'primary', 48);
      const created = ctx.exchanges.at(-1)!;
      ctx.check('ids.format', isId('run', run.id), `run id '${run.id}'`, [created]);
      const span = Date.parse(run.expires_at) - Date.parse(run.created_at);
      ctx.check('runs.expiry-arithmetic', run.expires_in_hours === 48 && span === 48 * HOUR_MS, `expires_in_hours ${run.expires_in_hours}, expires_at - created_at = ${span / HOUR_MS} h (asked 48)`, [created]);
      const dateHeader = Date.parse(created.headers['date'] ?? '');
      if (!Number.isNaN(dateHeader)) {
        const skew = Math.abs(Date.parse(run.created_at) - dateHeader);
        ctx.check('runs.expiry-arithmetic', skew <= 60_000, `created_at is ${Math.round(skew / 1000)} s from the response's Date`, [created]);
      }
      const read = await ctx.call('GET', `/runs/${run.id}`, { key: ctx.key('primary') });
      ctx.expectStatus('status.200-success', read, 200, 'read the created run');
      const back = ctx.expectBody<Run>('envelope.single-resource', read, 'Run');
      const same = (['id', 'template_id', 'expires_in_hours', 'created_at', 'expires_at'] as const).filter((k) => back[k] !== run[k]);
      ctx.check('runs.create-read-consistent', same.length === 0, same.length ? `read-back differs in ${same.join(', ')}` : 'read-back equal', [created, read]);
      const found = await findRun(ctx, run.id);
      ctx.check('runs.create-read-consistent', found.listed, found.listed ? `created run listed (page ${found.page})` : `created run missing from GET /runs (walked ${found.pages} pages)`, found.last ? [found.last] : []);
    },
  },
  {
    id: 'runs.default-expiry',
    title: 'POST /runs without expires_in_hours → 201 with the default',
    family: 'runs',
    rules: ['runs.expires-in-hours-range'],
    writes: true,
    async run(ctx) {
      const run = await createRun(ctx, 'primary');
      ctx.check('runs.expires-in-hours-range', run.expires_in_hours === ctx.params.expiresInHoursDefault, `default expires_in_hours ${run.expires_in_hours} (contract: ${ctx.params.expiresInHoursDefault})`, ctx.exchanges.slice(-1));
    },
  },
  {
    id: 'runs.quota-exhausted',
    title: 'POST /runs from an org without quota → 402 quota_exceeded, nothing created',
    family: 'status',
    rules: ['status.402-quota-exceeded'],
    covers: [['createRun', 402]],
    writes: true,
    async run(ctx) {
      const key = ctx.key('exhausted');
      const template_id = await someTemplateId(ctx, 'exhausted');
      const before = await ctx.call('GET', '/runs', { key });
      ctx.expectStatus('status.200-success', before, 200, 'list runs before');
      const ex = await ctx.call('POST', '/runs', { key, body: { template_id, expires_in_hours: 24 } });
      ctx.expectStatus('status.402-quota-exceeded', ex, 402, 'create with no quota');
      ctx.expectErrorCode('status.402-quota-exceeded', ex, 'quota_exceeded');
      const after = await ctx.call('GET', '/runs', { key });
      ctx.expectStatus('status.200-success', after, 200, 'list runs after');
      const total = (x: typeof before) => (x.json as Page<Run> | undefined)?.pagination?.total;
      ctx.check('status.402-quota-exceeded', total(before) === total(after), `runs before ${total(before)}, after the refused create ${total(after)}`, [before, after]);
    },
  },
  {
    id: 'runs.expired',
    title: 'GET /runs/{id} of an expired run → 410 run_expired, and it leaves the list',
    family: 'status',
    rules: ['status.410-gone'],
    covers: [['getRun', 410]],
    // With RUNDUN_EXPIRED_RUN_ID it only reads; on the simulator it creates the run it expires.
    writesSome: true,
    async run(ctx) {
      if (ctx.target.expiredRunId) {
        const ex = await ctx.call('GET', `/runs/${ctx.target.expiredRunId}`, { key: ctx.key('primary') });
        ctx.expectStatus('status.410-gone', ex, 410, 'expired run (RUNDUN_EXPIRED_RUN_ID)');
        ctx.expectErrorCode('status.410-gone', ex, 'run_expired');
        return;
      }
      const sim = ctx.sim('an expired run (set RUNDUN_EXPIRED_RUN_ID on staging)');
      ctx.needWrites();
      const run = await createRun(ctx, 'primary', ctx.params.expiresInHoursMin);
      await sim.advanceClock(ctx.params.expiresInHoursMin * 3600 + 1);
      const ex = await ctx.call('GET', `/runs/${run.id}`, { key: ctx.key('primary') });
      ctx.expectStatus('status.410-gone', ex, 410, 'run after its expiry');
      ctx.expectErrorCode('status.410-gone', ex, 'run_expired');
      const found = await findRun(ctx, run.id);
      ctx.check('status.410-gone', !found.listed, found.listed ? `the expired run is still in GET /runs (page ${found.page})` : `expired run no longer listed (walked ${found.pages} pages)`, found.last ? [found.last] : []);
    },
  },
];
