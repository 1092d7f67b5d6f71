// Bad input never crashes the simulator and never leaks internals: malformed HTTP, oversized
// headers, unknown routes and methods, handlers that throw (sync and async). Every answer is
// JSON with the one content type, and the server still serves afterwards.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { call, closeAgent, expectError, expectValid, JSON_CONTENT_TYPE, parseRaw, raw } from './helpers';

let sim: RunningSimulator;
let port: number;
const errors: unknown[] = [];

beforeAll(async () => {
  sim = await startSimulator({ rateLimit: null, onError: (e) => errors.push(e) });
  port = Number(new URL(sim.origin).port);
});
afterAll(async () => {
  closeAgent();
  await sim.close();
});

const key = () => sim.fixtures.keys.primary;

describe('unknown routes and methods -> 404 not_found', () => {
  const rows: [string, string][] = [
    ['GET', '/v1/nothing'],
    ['GET', '/v1'],
    ['GET', '/v1/'],
    ['GET', '/'],
    ['GET', '/v2/templates'],
    ['GET', '/v1/templates/'],
    ['GET', '/v1/runs/'],
    ['GET', '/v1/templates/a/b'],
    ['GET', '/v1/TEMPLATES'],
    ['GET', '/v1/%74emplates'],
    ['GET', '//v1/templates'],
    ['DELETE', '/v1/runs'],
    ['PUT', '/v1/templates'],
    ['PATCH', '/v1/runs'],
    ['POST', '/v1/templates'],
    ['OPTIONS', '/v1/templates'],
    ['DELETE', '/v1/templates/t-00000000-0000-4000-8000-000000000000'],
  ];
  it.each(rows)('%s %s', async (method, path) => {
    expectError(await call(sim.origin, path, { method, key: key() }), 404, 'not_found');
  });

  it.each([
    ['/v1/templates/%ZZ'],
    ['/v1/templates/not-an-id'],
    ['/v1/templates/t-00000000-0000-4000-8000-00000000000g'],
  ])('odd template ids %s -> 404 template_not_found', async (path) => {
    expectError(await call(sim.origin, path, { key: key() }), 404, 'template_not_found');
  });
});

describe('malformed HTTP is answered with JSON 400, then the connection is closed', () => {
  const rows: [string, () => string][] = [
    ['a header over 16 KiB', () => `GET /v1/templates HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['a garbage request line', () => 'HELLO\r\n\r\n'],
    ['a bad header line', () => 'GET /v1/templates HTTP/1.1\r\nHost x\r\n\r\n'],
    ['a space in the path', () => 'GET /v1/temp lates HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['content-length and chunked', () => 'POST /v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a bad content-length', () => 'POST /v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
  ];
  it.each(rows)('%s', async (_name, request) => {
    const res = parseRaw(await raw(port, request()));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'bad_request' });
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });

  it('CONNECT too', async () => {
    const res = parseRaw(await raw(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'bad_request' });
  });

  it('an unknown Expect is served like any request (no bodiless 417)', async () => {
    const res = parseRaw(await raw(port, `GET /v1/templates?per_page=1 HTTP/1.1\r\nHost: x\r\nExpect: something\r\nAuthorization: Bearer ${key()}\r\nConnection: close\r\n\r\n`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  });

  it('an oversized Authorization header too', async () => {
    const res = parseRaw(await raw(port, `GET /v1/templates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(res.status).toBe(400);
  });
});

describe('a handler that throws -> 500 internal_error with a generic message', () => {
  it.each([
    ['synchronously (GET /v1/runs)', 'runPage', () => call(sim.origin, '/v1/runs', { key: key() })],
    [
      'inside the async create (POST /v1/runs)',
      'createRun',
      async () => {
        const t = ((await call(sim.origin, '/v1/templates?per_page=1', { key: key() })).json as { data: { id: string }[] }).data[0]!.id;
        return call(sim.origin, '/v1/runs', {
          method: 'POST',
          key: key(),
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ template_id: t }),
        });
      },
    ],
  ] as const)('%s', async (_name, method, send) => {
    const spy = vi.spyOn(sim.simulator.store, method).mockImplementation(() => {
      throw new Error('secret internals at /srv/app/store.ts:12');
    });
    try {
      const r = await send();
      expectError(r, 500, 'internal_error');
      expect(r.text).not.toMatch(/secret|store\.ts|\bat\s/);
      expect(errors.at(-1)).toBeInstanceOf(Error); // reported to the operator instead
    } finally {
      spy.mockRestore();
    }
    expectValid(await call(sim.origin, '/v1/runs', { key: key() }), 200, 'RunList');
  });
});

describe('afterwards', () => {
  it('the server still answers', async () => {
    expectValid(await call(sim.origin, '/v1/templates', { key: key() }), 200, 'TemplateList');
  });
});
