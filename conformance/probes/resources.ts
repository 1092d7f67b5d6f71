// Templates and runs: success statuses and bodies, 404s, create/read consistency, expiry,
// request validation (400 vs 422), Content-Type, quota (402), server errors (500).
import type { Probe, ProbeContext } from '../engine/probe';
import type { Exchange } from '../engine/exchange';
import { createRun, someTemplateId, unknownId, walkPages, type Page, type Run, type Template } from './helpers';
import type { RuleId } from '../../lib/contract';

const HOUR_MS = 3_600_000;

/** Looks for a run in the primary org's list, page by page (bounded by the walk helper). */
async function findRun(ctx: ProbeContext, id: string): Promise<{ listed: boolean; page?: number; pages: number; last?: Exchange }> {
  const { pages, exchanges } = await walkPages<Run>(ctx, '/runs', 'primary', ctx.params.perPageMax);
  const at = pages.findIndex((p) => p.data.some((r) => r.id === id));
  return { listed: at !== -1, ...(at !== -1 ? { page: at + 1 } : {}), pages: pages.length, last: exchanges[Math.max(0, at)] };
}

async function postRun(ctx: ProbeContext, body: unknown, extra: { rawBody?: string; headers?: Record<string, string> } = {}) {
  return ctx.call('POST', '/runs', { key: ctx.key('primary'), ...(extra.rawBody !== undefined ? extra : { body }) });
}

export const resourceProbes: Probe[] = [
  {
    id: 'templates.list-and-get',
    title: 'GET /templates → 200 list; GET /templates/{id} → 200, equal to the listed item',
    family: 'status',
    rules: ['status.200-success', 'envelope.collection', 'envelope.single-resource', 'ids.format'],
    covers: [['listTemplates', 200], ['getTemplate', 200]],
    async run(ctx) {
      const list = await ctx.call('GET', '/templates', { key: ctx.key('primary') });
      ctx.expectStatus('status.200-success', list, 200, 'list templates');
      // Ids first, on the raw body: the schema's id pattern would otherwise report them only
      // as a generic envelope failure.
      const rawIds = ((list.json as { data?: unknown } | undefined)?.data as Array<{ id?: unknown }> | undefined ?? []).map((t) => t?.id);
      const bad = Array.isArray(rawIds) ? rawIds.filter((id) => typeof id !== 'string' || !/^t-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) : [];
      ctx.check('ids.format', bad.length === 0, bad.length ? `template ids not 't-' + lowercase UUID: ${bad.slice(0, 3).map(String).join(', ')}` : 'template ids well-formed', [list]);
      const page = ctx.expectBody<Page<Template>>('envelope.collection', list, 'TemplateList');
      if (page.data.length === 0) ctx.skip('the primary org has no templates');
      const first = page.data[0]!;
      const one = await ctx.call('GET', `/templates/${first.id}`, { key: ctx.key('primary') });
      ctx.expectStatus('status.200-success', one, 200, 'get template');
      const got = ctx.expectBody<Template>('envelope.single-resource', one, 'Template');
      // The listed item may be a summary of the resource, never a contradiction of it.
      const differs = Object.keys(first).filter((k) => JSON.stringify((got as unknown as Record<string, unknown>)[k]) !== JSON.stringify((first as unknown as Record<string, unknown>)[k]));
      ctx.check('envelope.single-resource', differs.length === 0, differs.length ? `GET /templates/${first.id} differs from its list item in ${differs.join(', ')}` : `GET /templates/${first.id} returns the bare object matching its list item`, [list, one]);
    },
  },
  {
    id: 'templates.unknown-id',
    title: 'GET /templates/{unknown} → 404 template_not_found',
    family: 'status',
    rules: ['status.404-not-found'],
    covers: [['getTemplate', 404]],
    async run(ctx) {
      for (const id of [unknownId('t'), 't-not-a-uuid']) {
        const ex = await ctx.call('GET', `/templates/${id}`, { key: ctx.key('primary') });
        ctx.expectStatus('status.404-not-found', ex, 404, `template ${id}`);
        ctx.expectErrorCode('status.404-not-found', ex, ['template_not_found', 'not_found']);
      }
    },
  },
  {
    id: 'runs.create-read',
    title: 'POST /runs → 201; the run reads back equal, is listed, and expires_at = created_at + hours',
    family: 'runs',
    rules: ['status.201-created', 'runs.create-read-consistent', 'runs.expiry-arithmetic', 'ids.format'],
    covers: [['createRun', 201], ['getRun', 200], ['listRuns', 200]],
    async run(ctx) {
      const run = await createRun(ctx, 'primary', 48);
      const created = ctx.exchanges.at(-1)!;
      ctx.check('ids.format', /^r-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(run.id), `run id '${run.id}'`, [created]);
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
    async run(ctx) {
      const run = await createRun(ctx, 'primary');
      ctx.check('runs.expires-in-hours-range', run.expires_in_hours === ctx.params.expiresInHoursDefault, `default expires_in_hours ${run.expires_in_hours} (contract: ${ctx.params.expiresInHoursDefault})`, ctx.exchanges.slice(-1));
    },
  },
  {
    id: 'runs.unknown-id',
    title: 'GET /runs/{unknown} → 404 run_not_found',
    family: 'status',
    rules: ['status.404-not-found'],
    covers: [['getRun', 404]],
    async run(ctx) {
      for (const id of [unknownId('r'), 'r-not-a-uuid']) {
        const ex = await ctx.call('GET', `/runs/${id}`, { key: ctx.key('primary') });
        ctx.expectStatus('status.404-not-found', ex, 404, `run ${id}`);
        ctx.expectErrorCode('status.404-not-found', ex, ['run_not_found', 'not_found']);
      }
    },
  },
  {
    id: 'runs.malformed-json',
    title: 'POST /runs with a body that is not a JSON object → 400 bad_request',
    family: 'json',
    rules: ['json.malformed-body', 'status.400-bad-request'],
    covers: [['createRun', 400]],
    async run(ctx) {
      for (const raw of ['{', '{"template_id": ', 'not json', '[1,2]', '"a string"', 'null']) {
        const ex = await postRun(ctx, undefined, { rawBody: raw, headers: { 'content-type': 'application/json' } });
        ctx.check('json.malformed-body', ex.status === 400, `body ${JSON.stringify(raw)} → ${ex.status || ex.error}`, [ex]);
        ctx.expectErrorCode('status.400-bad-request', ex, 'bad_request');
      }
    },
  },
  {
    id: 'runs.missing-field',
    title: 'POST /runs without template_id → 400 bad_request',
    family: 'status',
    rules: ['status.400-bad-request'],
    covers: [['createRun', 400]],
    async run(ctx) {
      for (const body of [{}, { expires_in_hours: 24 }]) {
        const ex = await postRun(ctx, body);
        ctx.expectStatus('status.400-bad-request', ex, 400, `body ${JSON.stringify(body)}`);
        ctx.expectErrorCode('status.400-bad-request', ex, 'bad_request');
      }
    },
  },
  {
    id: 'runs.content-type',
    title: 'POST /runs without Content-Type, or with another type → 400',
    family: 'json',
    rules: ['json.request-content-type'],
    async run(ctx) {
      const template_id = await someTemplateId(ctx);
      const raw = JSON.stringify({ template_id, expires_in_hours: 1 });
      for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }] as Record<string, string>[]) {
        const ex = await postRun(ctx, undefined, { rawBody: raw, headers });
        const label = `Content-Type ${headers['content-type'] ?? '(none)'}`;
        ctx.check('json.request-content-type', ex.status === ctx.params.missingContentTypeStatus, `${label} → ${ex.status || ex.error} (contract: ${ctx.params.missingContentTypeStatus})`, [ex]);
      }
    },
  },
  {
    id: 'runs.validation',
    title: 'POST /runs with wrong types or out-of-range values → 422 validation_failed',
    family: 'status',
    rules: ['status.422-validation', 'runs.expires-in-hours-range'],
    covers: [['createRun', 422]],
    async run(ctx) {
      const t = await someTemplateId(ctx);
      const { expiresInHoursMin: min, expiresInHoursMax: max } = ctx.params;
      const cases: Array<[string, unknown, RuleId]> = [
        ['template_id a number', { template_id: 123, expires_in_hours: 24 }, 'status.422-validation'],
        ['template_id not a t- id', { template_id: 'abc', expires_in_hours: 24 }, 'status.422-validation'],
        ['expires_in_hours a string', { template_id: t, expires_in_hours: '24' }, 'status.422-validation'],
        ['expires_in_hours a fraction', { template_id: t, expires_in_hours: 1.5 }, 'runs.expires-in-hours-range'],
        [`expires_in_hours ${min - 1}`, { template_id: t, expires_in_hours: min - 1 }, 'runs.expires-in-hours-range'],
        [`expires_in_hours ${max + 1}`, { template_id: t, expires_in_hours: max + 1 }, 'runs.expires-in-hours-range'],
        ['expires_in_hours negative', { template_id: t, expires_in_hours: -5 }, 'runs.expires-in-hours-range'],
      ];
      for (const [what, body, rule] of cases) {
        const ex = await postRun(ctx, body);
        ctx.check(rule, ex.status === 422, `${what} → ${ex.status || ex.error}`, [ex]);
        if (ex.status === 422) ctx.expectErrorCode('status.422-validation', ex, 'validation_failed');
      }
      for (const hours of [min, max]) {
        const ex = await postRun(ctx, { template_id: t, expires_in_hours: hours });
        ctx.check('runs.expires-in-hours-range', ex.status === 201, `expires_in_hours ${hours} (in range) → ${ex.status || ex.error}`, [ex]);
      }
    },
  },
  {
    id: 'runs.unknown-template',
    title: 'POST /runs naming a template that does not exist → 404 template_not_found',
    family: 'status',
    rules: ['status.404-not-found'],
    covers: [['createRun', 404]],
    async run(ctx) {
      const ex = await postRun(ctx, { template_id: unknownId('t'), expires_in_hours: 24 });
      ctx.expectStatus('status.404-not-found', ex, 404, 'unknown template');
      ctx.expectErrorCode('status.404-not-found', ex, 'template_not_found');
    },
  },
  {
    id: 'runs.quota-exhausted',
    title: 'POST /runs from an org without quota → 402 quota_exceeded, nothing created',
    family: 'status',
    rules: ['status.402-quota-exceeded'],
    covers: [['createRun', 402]],
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
    async run(ctx) {
      if (ctx.target.expiredRunId) {
        const ex = await ctx.call('GET', `/runs/${ctx.target.expiredRunId}`, { key: ctx.key('primary') });
        ctx.expectStatus('status.410-gone', ex, 410, 'expired run (RUNDUN_EXPIRED_RUN_ID)');
        ctx.expectErrorCode('status.410-gone', ex, 'run_expired');
        return;
      }
      const sim = ctx.sim('an expired run (set RUNDUN_EXPIRED_RUN_ID on staging)');
      const run = await createRun(ctx, 'primary', ctx.params.expiresInHoursMin);
      await sim.advanceClock(ctx.params.expiresInHoursMin * 3600 + 1);
      const ex = await ctx.call('GET', `/runs/${run.id}`, { key: ctx.key('primary') });
      ctx.expectStatus('status.410-gone', ex, 410, 'run after its expiry');
      ctx.expectErrorCode('status.410-gone', ex, 'run_expired');
      const found = await findRun(ctx, run.id);
      ctx.check('status.410-gone', !found.listed, found.listed ? `the expired run is still in GET /runs (page ${found.page})` : `expired run no longer listed (walked ${found.pages} pages)`, found.last ? [found.last] : []);
    },
  },
  {
    id: 'status.server-error',
    title: 'a provoked server error → 500 internal_error with the error body, no stack trace',
    family: 'status',
    rules: ['status.500-server-error'],
    covers: [['listTemplates', 500], ['getTemplate', 500], ['createRun', 500], ['listRuns', 500], ['getRun', 500]],
    async run(ctx) {
      const sim = ctx.sim('a server error');
      const t = await someTemplateId(ctx);
      const targets: Array<[string, string, unknown?]> = [
        ['GET', '/templates'],
        ['GET', `/templates/${t}`],
        ['POST', '/runs', { template_id: t, expires_in_hours: 24 }],
        ['GET', '/runs'],
        ['GET', `/runs/${unknownId('r')}`],
      ];
      for (const [method, path, body] of targets) {
        await sim.failNext(`/v1${path}`);
        const ex = await ctx.call(method, path, { key: ctx.key('primary'), body, provoked: true });
        ctx.expectStatus('status.500-server-error', ex, 500, `${method} ${path} with a provoked failure`);
        ctx.expectErrorCode('status.500-server-error', ex, 'internal_error');
        const leaks = /\bat [\w.<>]+ \(|\.ts:\d+|node:internal|Error: /.test(ex.bodyText);
        ctx.check('status.500-server-error', !leaks, leaks ? 'the 500 body leaks a stack trace' : 'no stack trace in the body', [ex]);
      }
    },
  },
  {
    id: 'status.unknown-route',
    title: 'unknown paths and unsupported methods → 404 not_found',
    family: 'status',
    rules: ['status.unknown-route'],
    async run(ctx) {
      const cases: Array<[string, string]> = [
        ['GET', '/nope'],
        ['GET', '/templates/x/y'],
        ['DELETE', '/templates'],
        ['PUT', `/runs/${unknownId('r')}`],
        ['PATCH', '/runs'],
      ];
      for (const [method, path] of cases) {
        const ex = await ctx.call(method, path, { key: ctx.key('primary') });
        ctx.check('status.unknown-route', ex.status === ctx.params.unknownRouteStatus, `${method} ${path} → ${ex.status || ex.error} (contract: ${ctx.params.unknownRouteStatus})`, [ex]);
        if (ex.status === 404) ctx.expectErrorCode('status.unknown-route', ex, 'not_found');
      }
    },
  },
  {
    id: 'versioning.v1',
    title: 'operations are served under /v1',
    family: 'versioning',
    rules: ['versioning.v1-prefix'],
    async run(ctx) {
      const underV1 = /\/v1$/.test(ctx.target.baseUrl);
      const ex = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key('primary') });
      ctx.check('versioning.v1-prefix', underV1 && ex.status === 200, `base URL ${underV1 ? 'ends in /v1' : 'does not end in /v1'}; GET /templates → ${ex.status || ex.error}`, [ex]);
    },
  },
];
