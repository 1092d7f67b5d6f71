// Every registered per-response check, table-driven: a response on which its rule holds, one on
// which it fails with the exact message, and one it does not apply to. The table covers every
// registered rule, and every registered rule is a contract rule.
import { describe, expect, it } from 'vitest';
import { contractSettings, REGISTRY, type CheckedRequest, type CheckSettings } from '../../../lib/checks';
import { ruleById } from '../../../lib/contract';
import { DATE, judge, KEY, pagination, req, run, RUN_ID, template, TEMPLATE_ID, type ResSpec } from './support';

interface Row {
  rule: string;
  pass: ResSpec;
  fail: ResSpec;
  message: string;
  /** A response the rule says nothing about (the check does not apply). */
  na?: ResSpec;
  req?: CheckedRequest;
  settings?: CheckSettings;
}

const err = (error: string, message = 'Explained.') => ({ error, message });
const bounded = contractSettings({ minSeconds: 1, maxSeconds: 2 });
const ra = (value: string) => ({ status: 429, headers: { 'Retry-After': value, Date: DATE }, body: err('rate_limited') });

const ROWS: Row[] = [
  {
    rule: 'json.response-content-type',
    pass: { status: 200, body: { data: [], pagination } },
    fail: { status: 502, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<html>Bad Gateway</html>' },
    message: "Content-Type is 'text/html; charset=utf-8', expected application/json",
    na: { status: 0 },
  },
  {
    rule: 'json.response-content-type',
    pass: { status: 404, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: err('not_found') },
    fail: { status: 500, body: 'Internal Server Error' },
    message: 'body is not JSON: Internal Server Error',
  },
  {
    rule: 'status.in-table',
    pass: { status: 422, body: err('validation_failed') },
    fail: { status: 403, body: err('forbidden') },
    message: "status 403 is not one of the reference's ten codes (200, 201, 400, 401, 402, 404, 410, 422, 429, 500)",
    na: { status: 0 },
  },
  {
    rule: 'status.no-unprovoked-5xx',
    pass: { status: 404, body: err('not_found') },
    fail: { status: 503, body: err('unavailable') },
    message: 'unprovoked 503: the request was not meant to fail on the server',
  },
  {
    rule: 'errors.body-shape',
    pass: { status: 401, body: err('unauthorized') },
    fail: { status: 401, body: { error: 'unauthorized' } },
    message: "error body does not match the Error schema: (root) must have required property 'message'",
    na: { status: 401, body: 'Unauthorized' },
  },
  {
    rule: 'errors.known-code',
    pass: { status: 404, body: err('run_not_found') },
    fail: { status: 401, body: err('forbidden') },
    message: "error code 'forbidden' is not one the contract lists for 401 (unauthorized)",
    na: { status: 403, body: err('forbidden') },
  },
  {
    rule: 'envelope.collection',
    pass: { status: 200, body: { data: [template], pagination } },
    fail: { status: 200, body: { data: [template], pagination: { total: 1, page: 1, per_page: 20 } } },
    message: "not a valid TemplateList: /pagination must have required property 'next_page'",
    na: { status: 422, body: err('validation_failed') },
  },
  {
    rule: 'envelope.single-resource',
    req: req({ method: 'POST', path: '/runs', operation: 'createRun' }),
    pass: { status: 201, body: run },
    fail: { status: 201, body: { data: run } },
    message: "not a valid Run: (root) must have required property 'id'; (root) must have required property 'template_id'; (root) must have required property 'expires_in_hours'; … (5 issues)",
    na: { status: 400, body: err('bad_request') },
  },
  {
    rule: 'ids.format',
    req: req({ path: `/runs/${RUN_ID}`, operation: 'getRun' }),
    pass: { status: 200, body: run },
    fail: { status: 200, body: { ...run, id: RUN_ID.toUpperCase().replace('R-', 'r-'), template_id: `x-${TEMPLATE_ID.slice(2)}` } },
    message: `malformed ids: /id '${RUN_ID.toUpperCase().replace('R-', 'r-')}', /template_id 'x-${TEMPLATE_ID.slice(2)}' (template ids are 't-' + a lowercase UUID, run ids 'r-' + one)`,
    na: { status: 404, body: err('run_not_found') },
  },
  {
    rule: 'ids.format',
    pass: { status: 200, body: { data: [template, template], pagination } },
    fail: { status: 200, body: { data: [template, { ...template, id: 't-123' }], pagination } },
    message: "malformed ids: /data/1/id 't-123' (template ids are 't-' + a lowercase UUID, run ids 'r-' + one)",
  },
  {
    rule: 'ratelimit.retry-after-present',
    pass: ra('1'),
    fail: { status: 429, body: err('rate_limited') },
    message: '429 without a Retry-After header',
    na: { status: 200, body: { data: [], pagination } },
  },
  {
    rule: 'ratelimit.retry-after-valid',
    pass: ra('Sun, 06 Nov 1994 08:49:38 GMT'),
    fail: ra('1.5'),
    message: 'fractional seconds "1.5" (delay-seconds is 1*DIGIT)',
    na: { status: 429, body: err('rate_limited') },
  },
  {
    rule: 'ratelimit.retry-after-positive',
    pass: ra('1'),
    fail: ra('0'),
    message: 'Retry-After "0" means 0 s, below the minimum of 1 s: a client obeying it is throttled again',
    na: ra('soon'),
  },
  {
    rule: 'ratelimit.retry-after-bounded',
    settings: bounded,
    pass: ra('2'),
    fail: ra('60'),
    message: 'Retry-After "60" means 60 s, above the maximum of 2 s',
    na: ra('0'),
  },
  {
    rule: 'ratelimit.error-body',
    pass: ra('1'),
    fail: { status: 429, headers: { 'Retry-After': '1' }, body: err('too_many') },
    message: "429 body has error 'too_many', expected 'rate_limited'",
    na: { status: 401, body: err('unauthorized') },
  },
  {
    rule: 'ratelimit.error-body',
    pass: ra('1'),
    fail: { status: 429, headers: { 'Retry-After': '1', 'Content-Type': 'text/plain' }, body: 'Too Many Requests' },
    message: '429 body is not JSON: Too Many Requests',
  },
  {
    rule: 'auth.no-credential-echo',
    pass: { status: 401, body: err('unauthorized', 'The API key is not valid.') },
    fail: { status: 401, body: err('unauthorized', `Unknown key ${KEY}.`) },
    message: 'body carries the presented API key rdk_live_…a5E in full'.replace('…a5E', `…${KEY.slice(-4)}`),
    na: { status: 0 },
  },
];

describe('the registry', () => {
  it('registers only contract rules, each under its own id', () => {
    for (const [id, c] of REGISTRY) {
      expect(c.rule).toBe(id);
      expect(() => ruleById(id)).not.toThrow();
    }
  });

  it('has a row in this table for every registered check', () => {
    expect(new Set(ROWS.map((r) => r.rule))).toEqual(new Set(REGISTRY.keys()));
  });
});

describe.each(ROWS)('$rule', (row) => {
  const run = (r: ResSpec) => judge(row.rule, r, row.req, row.settings);

  it('holds on a response that keeps it', () => {
    expect(run(row.pass)).toEqual({ rule: row.rule, ok: true, message: '' });
  });

  it(`fails with: ${row.message.slice(0, 70)}`, () => {
    expect(run(row.fail)).toEqual({ rule: row.rule, ok: false, message: row.message });
  });

  const na = row.na;
  if (na !== undefined)
    it('does not apply where the rule says nothing', () => {
      expect(run(na)).toBeUndefined();
    });
});

describe('status.no-unprovoked-5xx and a provoked 500', () => {
  it('does not apply when the request provoked it', () => {
    expect(judge('status.no-unprovoked-5xx', { status: 500, body: err('internal_error') }, req({ provoked: true }))).toBeUndefined();
    expect(judge('status.no-unprovoked-5xx', { status: 500, body: err('internal_error') })?.ok).toBe(false);
  });
});

describe('errors.known-code with target overrides', () => {
  it('accepts a code the settings add for the status', () => {
    const settings: CheckSettings = { ...contractSettings(), errorCodesFor: (s) => (s === 404 ? ['run_not_found', 'org_not_found'] : []) };
    expect(judge('errors.known-code', { status: 404, body: err('org_not_found') }, req(), settings)?.ok).toBe(true);
    expect(judge('errors.known-code', { status: 404, body: err('org_not_found') })?.ok).toBe(false);
  });
});
