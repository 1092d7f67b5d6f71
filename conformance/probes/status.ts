// status.*: the error statuses a request provokes (404 for unknown ids, 400 and 422 on bad
// creates) as rows of the status table; server errors (500) and unknown routes.
import type { Probe } from '../engine/probe';
import { someTemplateId, unknownId } from './helpers';
import { tableProbes, type ProbeMeta, type RowInputs, type RowRequest, type StatusRow } from './status-table';

const META: ProbeMeta[] = [
  { id: 'templates.unknown-id', title: 'GET /templates/{unknown} → 404 template_not_found', family: 'status', covers: [['getTemplate', 404]] },
  { id: 'runs.unknown-id', title: 'GET /runs/{unknown} → 404 run_not_found', family: 'status', covers: [['getRun', 404]] },
  { id: 'runs.missing-field', title: 'POST /runs without template_id → 400 bad_request', family: 'status', covers: [['createRun', 400]], writes: true },
  { id: 'runs.validation', title: 'POST /runs with wrong types or out-of-range values → 422 validation_failed', family: 'status', covers: [['createRun', 422]], writes: true },
  { id: 'runs.unknown-template', title: 'POST /runs naming a template that does not exist → 404 template_not_found', family: 'status', covers: [['createRun', 404]], writes: true },
];

const get = (what: string, path: string): RowRequest => ({ what, method: 'GET', path });
const post = (what: string, body: unknown): RowRequest => ({ what, method: 'POST', path: '/runs', body });
const NOT_FOUND = { status: 'status.404-not-found', code: 'status.404-not-found' } as const;
const VALIDATION = { status: 'status.422-validation', code: 'status.422-validation' } as const;
const RANGE = { status: 'runs.expires-in-hours-range', code: 'status.422-validation' } as const;

/** runs.validation: a body from the primary org's template and the contract's hour bounds. */
const invalid = (rules: StatusRow['rules'], make: (i: RowInputs, t: string) => [what: string, body: unknown], needsTemplate = true): StatusRow => ({
  probe: 'runs.validation',
  rules,
  request: async (i) => post(...make(i, needsTemplate ? await i.templateId() : '')),
  status: 422,
  code: 'validation_failed',
});
const inRange = (bound: 'expiresInHoursMin' | 'expiresInHoursMax'): StatusRow => ({
  probe: 'runs.validation',
  rules: { status: 'runs.expires-in-hours-range' },
  request: async (i) => post(`expires_in_hours ${i.params[bound]} (in range)`, { template_id: await i.templateId(), expires_in_hours: i.params[bound] }),
  status: 201,
});

export const ROWS: StatusRow[] = [
  ...[() => unknownId('t'), () => 't-not-a-uuid'].map((id): StatusRow => ({
    probe: 'templates.unknown-id', rules: NOT_FOUND, status: 404, code: ['template_not_found', 'not_found'],
    request: () => { const t = id(); return get(`template ${t}`, `/templates/${t}`); },
  })),
  ...[() => unknownId('r'), () => 'r-not-a-uuid'].map((id): StatusRow => ({
    probe: 'runs.unknown-id', rules: NOT_FOUND, status: 404, code: ['run_not_found', 'not_found'],
    request: () => { const r = id(); return get(`run ${r}`, `/runs/${r}`); },
  })),
  ...[{}, { expires_in_hours: 24 }].map((body): StatusRow => ({
    probe: 'runs.missing-field', rules: { status: 'status.400-bad-request', code: 'status.400-bad-request' }, status: 400, code: 'bad_request',
    request: () => post(`body ${JSON.stringify(body)}`, body),
  })),
  invalid(VALIDATION, () => ['template_id a number', { template_id: 123, expires_in_hours: 24 }], false),
  invalid(VALIDATION, () => ['template_id not a t- id', { template_id: 'abc', expires_in_hours: 24 }], false),
  invalid(VALIDATION, (_i, t) => ['expires_in_hours a string', { template_id: t, expires_in_hours: '24' }]),
  invalid(RANGE, (_i, t) => ['expires_in_hours a fraction', { template_id: t, expires_in_hours: 1.5 }]),
  invalid(RANGE, ({ params }, t) => [`expires_in_hours ${params.expiresInHoursMin - 1}`, { template_id: t, expires_in_hours: params.expiresInHoursMin - 1 }]),
  invalid(RANGE, ({ params }, t) => [`expires_in_hours ${params.expiresInHoursMax + 1}`, { template_id: t, expires_in_hours: params.expiresInHoursMax + 1 }]),
  invalid(RANGE, (_i, t) => ['expires_in_hours negative', { template_id: t, expires_in_hours: -5 }]),
  inRange('expiresInHoursMin'),
  inRange('expiresInHoursMax'),
  {
    probe: 'runs.unknown-template', rules: NOT_FOUND, status: 404, code: 'template_not_found',
    request: () => post('unknown template', { template_id: unknownId('t'), expires_in_hours: 24 }),
  },
];

/** A request is a write unless it only reads (GET). */
const writes = (method: string) => method !== 'GET';

export const statusTableProbes: Probe[] = tableProbes(META, ROWS);

export const statusProbes: Probe[] = [
  {
    id: 'status.server-error',
    title: 'a provoked server error → 500 internal_error with the error body, no stack trace',
    family: 'status',
    rules: ['status.500-server-error'],
    covers: [['listTemplates', 500], ['getTemplate', 500], ['createRun', 500], ['listRuns', 500], ['getRun', 500]],
    writesSome: true,
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
      // Read-only mode: no POST, even one the server is told to fail.
      if (ctx.readOnly) ctx.uncover('createRun', 500);
      for (const [method, path, body] of targets.filter(([m]) => !ctx.readOnly || !writes(m))) {
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
    writesSome: true,
    async run(ctx) {
      const cases: Array<[string, string]> = [
        ['GET', '/nope'],
        ['GET', '/templates/x/y'],
        ['DELETE', '/templates'],
        ['PUT', `/runs/${unknownId('r')}`],
        ['PATCH', '/runs'],
      ];
      // Read-only mode: the unsupported-method cases would change state on a server that did
      // support them, so only the unknown paths are asked.
      for (const [method, path] of cases.filter(([m]) => !ctx.readOnly || !writes(m))) {
        const ex = await ctx.call(method, path, { key: ctx.key('primary') });
        ctx.check('status.unknown-route', ex.status === ctx.params.unknownRouteStatus, `${method} ${path} → ${ex.status || ex.error} (contract: ${ctx.params.unknownRouteStatus})`, [ex]);
        if (ex.status === 404) ctx.expectErrorCode('status.unknown-route', ex, 'not_found');
      }
    },
  },
];
