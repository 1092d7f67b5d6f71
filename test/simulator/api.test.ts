// The v1 contract end to end against an in-process simulator (port 0): every status code,
// auth variants, org isolation, pagination, run creation and its checks, quota atomicity,
// expiry through the admin clock. Rate limiting is off here (see edge.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../simulator/keys';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { call, closeAgent, expectError, expectValid, type CallOptions, type Reply } from './helpers';

let sim: RunningSimulator;
let origin: string;
let keys: RunningSimulator['fixtures']['keys'];
let adminToken: string;
const get = (path: string, opts?: CallOptions): Promise<Reply> => call(origin, path, opts);

interface TemplateDoc {
  id: string;
  created_at: string;
}
interface ListDoc {
  data: TemplateDoc[];
  pagination: { total: number; page: number; per_page: number; next_page: number | null };
}
interface RunDoc {
  id: string;
  template_id: string;
  expires_in_hours: number;
  created_at: string;
  expires_at: string;
}

const createRun = (key: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  get('/v1/runs', { method: 'POST', key, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

const admin = (method: string, path: string, body?: unknown) =>
  get(`/_sim${path}`, {
    method,
    headers: { 'x-sim-admin-token': adminToken, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

let templateA: string; // a template of org A
let templateB: string; // a template of org B
let templateC: string; // a template of org C

beforeAll(async () => {
  sim = await startSimulator({ rateLimit: null });
  origin = sim.origin;
  keys = sim.fixtures.keys;
  adminToken = sim.fixtures.admin.token;
  const first = async (key: string) => ((await get('/v1/templates?per_page=1', { key })).json as ListDoc).data[0]!.id;
  [templateA, templateB, templateC] = await Promise.all([first(keys.primary), first(keys.other_org), first(keys.exhausted)]);
});

afterAll(async () => {
  closeAgent();
  await sim.close();
});

describe('fixtures', () => {
  it('describe the server as model.md says', () => {
    const f = sim.fixtures;
    expect(f.baseUrl).toBe(`${origin}/v1`);
    expect(f.admin.baseUrl).toBe(`${origin}/_sim`);
    expect(f.rateLimit).toBeNull();
    expect(f.pool).toHaveLength(8);
    const all = [...Object.values(f.keys), ...f.pool];
    for (const k of all) expect(k).toMatch(/^rdk_live_[A-Za-z0-9]{32}$/);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('every status code of the contract', () => {
  // Each row: a request that must get exactly this status and error code.
  const rows: [string, number, string | null, () => Promise<Reply>][] = [
    ['200 list templates', 200, null, () => get('/v1/templates', { key: keys.primary })],
    ['201 create run', 201, null, () => createRun(keys.primary, { template_id: templateA })],
    ['400 malformed JSON', 400, 'bad_request', () => createRun(keys.primary, '{"template_id":')],
    ['401 no key', 401, 'unauthorized', () => get('/v1/templates')],
    ['402 org C has no quota', 402, 'quota_exceeded', () => createRun(keys.exhausted, { template_id: templateC })],
    ['404 unknown route', 404, 'not_found', () => get('/v1/nope', { key: keys.primary })],
    ['404 unknown template', 404, 'template_not_found', () => get('/v1/templates/t-00000000-0000-4000-8000-000000000000', { key: keys.primary })],
    ['404 unknown run', 404, 'run_not_found', () => get('/v1/runs/r-00000000-0000-4000-8000-000000000000', { key: keys.primary })],
    ['422 per_page 0', 422, 'validation_failed', () => get('/v1/templates?per_page=0', { key: keys.primary })],
    ['500 armed failure', 500, 'internal_error', async () => {
      await admin('POST', '/fail-next', { count: 1, path: '/v1/templates' });
      return get('/v1/templates', { key: keys.primary });
    }],
  ];
  it.each(rows)('%s', async (_name, status, code, send) => {
    const r = await send();
    if (code === null) expect(r.status).toBe(status);
    else expectError(r, status, code);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['date']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });
  // 410 and 429 need time and a limiter: see 'run expiry' below and edge.test.ts.
});

describe('authentication', () => {
  const k = () => keys.primary;
  const rows: [string, () => string | undefined, number][] = [
    ['Bearer + key', () => `Bearer ${k()}`, 200],
    ['lowercase scheme', () => `bearer ${k()}`, 200],
    ['uppercase scheme', () => `BEARER ${k()}`, 200],
    ['several spaces', () => `Bearer    ${k()}`, 200],
    ['no header', () => undefined, 401],
    ['Basic scheme', () => `Basic ${Buffer.from(`user:${k()}`).toString('base64')}`, 401],
    ['key without scheme', () => k(), 401],
    ['no space after scheme', () => `Bearer${k()}`, 401],
    ['tab instead of space', () => `Bearer\t${k()}`, 401],
    ['scheme only', () => 'Bearer', 401],
    ['token with a second part', () => `Bearer ${k()} extra`, 401],
    ['malformed: too short', () => `Bearer ${k().slice(0, -1)}`, 401],
    ['malformed: too long', () => `Bearer ${k()}x`, 401],
    ['malformed: wrong prefix', () => `Bearer rdk_test_${k().slice(9)}`, 401],
    ['malformed: bad character', () => `Bearer ${k().slice(0, -1)}-`, 401],
    ['unknown key', () => `Bearer ${generateKey()}`, 401],
    ['revoked key', () => `Bearer ${keys.revoked}`, 401],
  ];
  let reference: string | undefined;
  it.each(rows)('%s -> %i', async (_name, header, status) => {
    const h = header();
    const r = await get('/v1/templates', { headers: h === undefined ? {} : { authorization: h } });
    if (status === 200) expectValid(r, 200, 'TemplateList');
    else {
      expectError(r, 401, 'unauthorized');
      // Every refusal is the same body: nothing tells unknown from revoked from malformed.
      reference ??= r.text;
      expect(r.text).toBe(reference);
    }
  });

  it('applies to every route, known or not', async () => {
    for (const [method, path] of [['GET', '/v1/runs'], ['POST', '/v1/runs'], ['GET', '/v1/templates/x'], ['GET', '/v1/zzz'], ['GET', '/']]) {
      expectError(await get(path!, { method: method! }), 401, 'unauthorized');
    }
  });
});

describe('org isolation', () => {
  it("org B cannot read org A's run: 404 identical to an unknown id", async () => {
    const created = await createRun(keys.primary, { template_id: templateA });
    expectValid(created, 201, 'Run');
    const id = (created.json as RunDoc).id;
    expectValid(await get(`/v1/runs/${id}`, { key: keys.secondary }), 200, 'Run'); // same org, other key
    const foreign = await get(`/v1/runs/${id}`, { key: keys.other_org });
    const unknown = await get('/v1/runs/r-00000000-0000-4000-8000-000000000000', { key: keys.other_org });
    expectError(foreign, 404, 'run_not_found');
    expect(foreign.text).toBe(unknown.text);
    const list = (await get('/v1/runs?per_page=100', { key: keys.other_org })).json as { data: RunDoc[] };
    expect(list.data.map((r) => r.id)).not.toContain(id);
  });

  it("org B cannot read or use org A's template: 404 identical to an unknown id", async () => {
    const foreign = await get(`/v1/templates/${templateA}`, { key: keys.other_org });
    const unknown = await get('/v1/templates/t-00000000-0000-4000-8000-000000000000', { key: keys.other_org });
    expectError(foreign, 404, 'template_not_found');
    expect(foreign.text).toBe(unknown.text);
    expectValid(await get(`/v1/templates/${templateA}`, { key: keys.primary }), 200, 'Template');
    expectError(await createRun(keys.other_org, { template_id: templateA }), 404, 'template_not_found');
    expectValid(await createRun(keys.other_org, { template_id: templateB }), 201, 'Run');
  });

  it.each([
    ['primary', 123],
    ['other_org', 7],
    ['exhausted', 3],
  ] as const)('%s sees only its org templates (total %i)', async (name, total) => {
    const r = await get('/v1/templates', { key: keys[name] });
    expect((r.json as ListDoc).pagination.total).toBe(total);
  });
});

describe('pagination of templates', () => {
  async function walk(perPage: number): Promise<ListDoc[]> {
    const pages: ListDoc[] = [];
    for (let page = 1; page <= 200; page++) {
      const r = await get(`/v1/templates?page=${page}&per_page=${perPage}`, { key: keys.primary });
      expectValid(r, 200, 'TemplateList');
      const doc = r.json as ListDoc;
      pages.push(doc);
      if (doc.pagination.next_page === null) break;
      expect(doc.pagination.next_page).toBe(page + 1);
    }
    return pages;
  }

  it.each([1, 7, 50, 100])('per_page %i: all ids once, total constant, full pages but the last, ordered', async (perPage) => {
    const pages = await walk(perPage);
    const items = pages.flatMap((p) => p.data);
    expect(new Set(items.map((t) => t.id)).size).toBe(123);
    expect(items).toHaveLength(123);
    expect(pages).toHaveLength(Math.ceil(123 / perPage));
    for (const p of pages) expect(p.pagination).toMatchObject({ total: 123, per_page: perPage });
    pages.slice(0, -1).forEach((p) => expect(p.data).toHaveLength(perPage));
    expect(pages.at(-1)!.pagination.next_page).toBeNull();
    const keysInOrder = items.map((t) => `${t.created_at} ${t.id}`);
    expect(keysInOrder).toEqual([...keysInOrder].sort());
  });

  it('default page size is 50: 50/50/23', async () => {
    const sizes = [];
    for (const page of [1, 2, 3]) sizes.push(((await get(`/v1/templates?page=${page}`, { key: keys.primary })).json as ListDoc).data.length);
    expect(sizes).toEqual([50, 50, 23]);
  });

  it('a page past the end is 200, empty, real total, next_page null', async () => {
    const r = await get('/v1/templates?page=99&per_page=50', { key: keys.primary });
    expectValid(r, 200, 'TemplateList');
    expect(r.json).toEqual({ data: [], pagination: { total: 123, page: 99, per_page: 50, next_page: null } });
  });

  it('ignores unknown query parameters', async () => {
    const r = await get('/v1/templates?per_page=2&sort=name&x', { key: keys.primary });
    expect((r.json as ListDoc).data).toHaveLength(2);
  });

  const bad: [string, number, string][] = [
    ['per_page=0', 422, 'validation_failed'],
    ['per_page=101', 422, 'validation_failed'],
    ['per_page=abc', 422, 'validation_failed'],
    ['per_page=-1', 422, 'validation_failed'],
    ['per_page=1.5', 422, 'validation_failed'],
    ['per_page=', 422, 'validation_failed'],
    ['per_page=%201', 422, 'validation_failed'],
    ['page=0', 422, 'validation_failed'],
    ['page=-1', 422, 'validation_failed'],
    ['page=abc', 422, 'validation_failed'],
    ['page=1e2', 422, 'validation_failed'],
    ['page=99999999999999999999', 422, 'validation_failed'],
    ['page=1&page=2', 422, 'validation_failed'],
    ['page=%ZZ', 400, 'bad_request'],
    ['per_page=%E0%A4%A', 400, 'bad_request'],
  ];
  it.each(bad)('%s -> %i %s (templates and runs)', async (query, status, code) => {
    expectError(await get(`/v1/templates?${query}`, { key: keys.primary }), status, code);
    expectError(await get(`/v1/runs?${query}`, { key: keys.primary }), status, code);
  });
});

describe('creating runs', () => {
  const json = { 'content-type': 'application/json' };
  const rows: [string, () => unknown, Record<string, string>, number, string | null][] = [
    ['minimal body: default 24 h', () => ({ template_id: templateA }), json, 201, null],
    ['with expires_in_hours', () => ({ template_id: templateA, expires_in_hours: 168 }), json, 201, null],
    ['unknown properties ignored', () => ({ template_id: templateA, colour: 'red' }), json, 201, null],
    ['charset parameter', () => ({ template_id: templateA }), { 'content-type': 'application/json; charset=utf-8' }, 201, null],
    ['media type case-insensitive', () => ({ template_id: templateA }), { 'content-type': 'Application/JSON' }, 201, null],
    ['no Content-Type', () => ({ template_id: templateA }), {}, 400, 'bad_request'],
    ['text/plain', () => ({ template_id: templateA }), { 'content-type': 'text/plain' }, 400, 'bad_request'],
    ['application/jsonx', () => ({ template_id: templateA }), { 'content-type': 'application/jsonx' }, 400, 'bad_request'],
    ['malformed JSON', () => '{"template_id": "t-', json, 400, 'bad_request'],
    ['empty body', () => '', json, 400, 'bad_request'],
    ['JSON array', () => [], json, 400, 'bad_request'],
    ['JSON null', () => 'null', json, 400, 'bad_request'],
    ['JSON string', () => '"t-x"', json, 400, 'bad_request'],
    ['missing template_id', () => ({ expires_in_hours: 2 }), json, 400, 'bad_request'],
    ['template_id not a string', () => ({ template_id: 7 }), json, 422, 'validation_failed'],
    ['template_id null', () => ({ template_id: null }), json, 422, 'validation_failed'],
    ['template_id bad pattern', () => ({ template_id: 'tmpl-1' }), json, 422, 'validation_failed'],
    ['template_id uppercase uuid', () => ({ template_id: templateA.toUpperCase().replace('T-', 't-') }), json, 422, 'validation_failed'],
    ['expires_in_hours 0', () => ({ template_id: templateA, expires_in_hours: 0 }), json, 422, 'validation_failed'],
    ['expires_in_hours 169', () => ({ template_id: templateA, expires_in_hours: 169 }), json, 422, 'validation_failed'],
    ['expires_in_hours 1.5', () => ({ template_id: templateA, expires_in_hours: 1.5 }), json, 422, 'validation_failed'],
    ['expires_in_hours "24"', () => ({ template_id: templateA, expires_in_hours: '24' }), json, 422, 'validation_failed'],
    ['expires_in_hours null', () => ({ template_id: templateA, expires_in_hours: null }), json, 422, 'validation_failed'],
    ['unknown template', () => ({ template_id: 't-00000000-0000-4000-8000-000000000000' }), json, 404, 'template_not_found'],
  ];
  it.each(rows)('%s -> %i', async (_name, body, headers, status, code) => {
    const r = await createRun(keys.primary, body(), headers);
    if (code !== null) return expectError(r, status, code);
    expectValid(r, 201, 'Run');
    const run = r.json as RunDoc;
    expect(run.id).toMatch(/^r-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(run.expires_at) - Date.parse(run.created_at)).toBe(run.expires_in_hours * 3_600_000);
    expect(run.created_at).toBe(new Date(Date.parse(run.created_at)).toISOString());
    // What was created can be read back, byte for byte.
    expect((await get(`/v1/runs/${run.id}`, { key: keys.primary })).text).toBe(r.text);
  });

  it('a body over 1 MiB is refused with 400 (declared length and chunked) and the connection closed', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const variants: Record<string, string | number>[] = [
      { 'content-type': 'application/json', 'content-length': big.length },
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    ];
    for (const headers of variants) {
      const r = await get('/v1/runs', { method: 'POST', key: keys.primary, headers, body: big }).catch((e: Error) => e);
      if (r instanceof Error) throw r;
      expectError(r, 400, 'bad_request');
      expect(r.headers['connection']).toBe('close');
    }
    // Up to 1 MiB is fine: a valid object padded with whitespace.
    const fits = Buffer.concat([Buffer.from(`{"template_id":"${templateA}"}`), Buffer.alloc(1024 * 1024 - 60, 0x20)]);
    expect(fits.length).toBeLessThanOrEqual(1024 * 1024);
    expectValid(await createRun(keys.primary, fits.toString()), 201, 'Run');
  });
});

describe('run listing and expiry (admin clock)', () => {
  it('a 1 h run is readable until expires_at, then 410 run_expired and gone from lists', async () => {
    const short = (await createRun(keys.secondary, { template_id: templateA, expires_in_hours: 1 })).json as RunDoc;
    const long = (await createRun(keys.secondary, { template_id: templateA, expires_in_hours: 2 })).json as RunDoc;
    const listed = async () => {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const r = await get(`/v1/runs?page=${page}&per_page=100`, { key: keys.primary });
        expectValid(r, 200, 'RunList');
        const doc = r.json as { data: RunDoc[]; pagination: { next_page: number | null } };
        ids.push(...doc.data.map((d) => d.id));
        if (doc.pagination.next_page === null) return ids;
      }
    };
    expect(await listed()).toEqual(expect.arrayContaining([short.id, long.id]));

    await admin('POST', '/clock', { advance_seconds: 3599 });
    expectValid(await get(`/v1/runs/${short.id}`, { key: keys.primary }), 200, 'Run');
    await admin('POST', '/clock', { advance_seconds: 1 });
    expectError(await get(`/v1/runs/${short.id}`, { key: keys.primary }), 410, 'run_expired');
    expectValid(await get(`/v1/runs/${long.id}`, { key: keys.primary }), 200, 'Run');
    const after = await listed();
    expect(after).not.toContain(short.id);
    expect(after).toContain(long.id);
    // Org isolation holds for expired runs too: no 410 leaks existence to another org.
    expectError(await get(`/v1/runs/${short.id}`, { key: keys.other_org }), 404, 'run_not_found');
  });

  it('lists runs ordered by created_at then id, with consistent pagination', async () => {
    const r = await get('/v1/runs?per_page=3', { key: keys.primary });
    expectValid(r, 200, 'RunList');
    const doc = r.json as { data: RunDoc[]; pagination: { total: number; next_page: number | null } };
    const order = doc.data.map((d) => `${d.created_at} ${d.id}`);
    expect(order).toEqual([...order].sort());
    expect(doc.pagination.next_page).toBe(doc.pagination.total > 3 ? 2 : null);
  });
});

describe('run quota', () => {
  it('50 concurrent creates against quota 10 -> exactly 10 x 201 and 40 x 402', async () => {
    const small = await startSimulator({ rateLimit: null, runQuota: 10 });
    try {
      const k = small.fixtures.keys.primary;
      const t = ((await call(small.origin, '/v1/templates?per_page=1', { key: k })).json as ListDoc).data[0]!.id;
      const replies = await Promise.all(
        Array.from({ length: 50 }, () =>
          call(small.origin, '/v1/runs', { method: 'POST', key: k, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ template_id: t }) }),
        ),
      );
      const counts = replies.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
      expect(counts).toEqual({ 201: 10, 402: 40 });
      replies.filter((r) => r.status === 402).forEach((r) => expectError(r, 402, 'quota_exceeded'));
      const listed = (await call(small.origin, '/v1/runs?per_page=100', { key: k })).json as ListDoc;
      expect(listed.pagination.total).toBe(10);
    } finally {
      await small.close();
    }
  });

  it('quota is per org: org A exhausted does not affect org B', async () => {
    const small = await startSimulator({ rateLimit: null, runQuota: 0 });
    try {
      const first = async (k: string) => ((await call(small.origin, '/v1/templates?per_page=1', { key: k })).json as ListDoc).data[0]!.id;
      const post = async (k: string) =>
        call(small.origin, '/v1/runs', { method: 'POST', key: k, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ template_id: await first(k) }) });
      expectError(await post(small.fixtures.keys.primary), 402, 'quota_exceeded');
      expect((await post(small.fixtures.keys.other_org)).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});
