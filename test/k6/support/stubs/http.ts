// Stub of `k6/http` for the emulator: synchronous requests through the host (main thread does
// the I/O), http.asyncRequest (a promise, resolved on the VU's event loop), k6's header
// canonicalisation, responseType 'none' | 'text', res.json() that throws on a body that is not
// JSON, expectedStatuses / setResponseCallback, and the built-in metrics http_reqs,
// http_req_duration, http_req_failed with k6's default tags.
import type { ExpectedStatuses } from '../host';
import type { HttpReply, HttpRequestSpec } from '../protocol';

/** Go's textproto.CanonicalMIMEHeaderKey, as k6 applies it to response header names. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export function expectedStatuses(...args: Array<number | { min: number; max: number }>): ExpectedStatuses {
  for (const a of args) {
    if (typeof a === 'number' ? !Number.isInteger(a) : !(Number.isInteger(a.min) && Number.isInteger(a.max))) {
      throw new Error('expectedStatuses: arguments must be integers or {min, max} objects');
    }
  }
  return { __expectedStatuses: args };
}

export function setResponseCallback(cb: ExpectedStatuses | null): void {
  globalThis.__k6emu.responseCallback = cb;
}

function isExpected(cb: ExpectedStatuses, status: number): boolean {
  return cb.__expectedStatuses.some((e) => (typeof e === 'number' ? e === status : status >= e.min && status <= e.max));
}

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseType?: 'text' | 'none' | 'binary';
  timeout?: string | number;
  responseCallback?: ExpectedStatuses | null;
}

function timeoutMs(t: string | number | undefined): number {
  if (t === undefined) return 60_000;
  if (typeof t === 'number') return t;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(t);
  if (!m) throw new Error(`invalid timeout '${t}'`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[m[2] as string]!;
}

export interface StubResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  url: string;
  error: string;
  error_code: number;
  timings: { duration: number; waiting: number; blocked: number; connecting: number; sending: number; receiving: number; tls_handshaking: number };
  request: { method: string; url: string; headers: Record<string, string[]> };
  json(selector?: string): unknown;
}

function prepare(method: string, url: string, body: string | null | undefined, params: Params): HttpRequestSpec {
  const host = globalThis.__k6emu;
  if (host.inInit) throw new Error('http requests are not allowed in the init context');
  if (body !== undefined && body !== null && typeof body !== 'string') throw new Error('emulator: only string bodies are supported');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(params.headers ?? {})) headers[k] = String(v);
  return { method, url, headers, body: body ?? null, timeoutMs: timeoutMs(params.timeout) };
}

export function request(method: string, url: string, body?: string | null, params: Params = {}): StubResponse {
  const spec = prepare(method, url, body, params);
  const host = globalThis.__k6emu;
  return respond(spec, host.http(spec), params, params.responseCallback !== undefined ? params.responseCallback : host.responseCallback);
}

/**
 * k6's http.asyncRequest: the same request and response as http.request, without blocking the
 * VU; the promise resolves on the VU's event loop (the iteration waits for it, as in k6).
 */
export function asyncRequest(method: string, url: string, body?: string | null, params: Params = {}): Promise<StubResponse> {
  let spec: HttpRequestSpec;
  try {
    spec = prepare(method, url, body, params);
  } catch (e) {
    return Promise.reject(e);
  }
  const host = globalThis.__k6emu;
  // The response callback in force when the request was made.
  const cb = params.responseCallback !== undefined ? params.responseCallback : host.responseCallback;
  return host.httpAsync(spec).then((reply) => respond(spec, reply, params, cb));
}

function respond(spec: HttpRequestSpec, reply: HttpReply, params: Params, cb: ExpectedStatuses | null | undefined): StubResponse {
  const { method, url, headers } = spec;
  const host = globalThis.__k6emu;
  const resHeaders: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.rawHeaders.length; i += 2) {
    const k = canonicalHeaderKey(reply.rawHeaders[i] as string);
    const v = reply.rawHeaders[i + 1] as string;
    resHeaders[k] = resHeaders[k] === undefined ? v : `${resHeaders[k]}, ${v}`;
  }
  const responseType = params.responseType ?? 'text';
  const keepBody = responseType !== 'none' && reply.error === '';
  const res: StubResponse = {
    status: reply.status,
    headers: resHeaders,
    body: keepBody ? reply.body : null,
    url,
    error: reply.error,
    error_code: reply.error === '' ? 0 : 1000,
    timings: { duration: reply.durationMs, waiting: reply.durationMs, blocked: 0, connecting: 0, sending: 0, receiving: 0, tls_handshaking: 0 },
    request: { method, url, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) },
    json(selector?: string) {
      if (selector !== undefined) throw new Error('emulator: json(selector) is not supported');
      if (this.body === null || this.body === undefined) throw new Error('the body is null so we can\'t transform it to JSON - this likely was because of a request error getting the response');
      return JSON.parse(this.body);
    },
  };
  const expected = cb === undefined ? reply.status >= 200 && reply.status < 400 : cb === null ? true : isExpected(cb, reply.status);
  const tags = {
    method,
    url,
    name: url,
    status: String(reply.status),
    expected_response: String(expected),
    group: '',
    proto: 'HTTP/1.1',
    ...(reply.error ? { error: reply.error, error_code: '1000' } : {}),
    ...(params.tags ?? {}),
  };
  host.emit('http_reqs', 1, tags);
  host.emit('http_req_duration', reply.durationMs, tags);
  if (cb !== null) host.emit('http_req_failed', expected ? 0 : 1, tags);
  return res;
}

export function get(url: string, params?: Params): StubResponse {
  return request('GET', url, null, params);
}
export function head(url: string, params?: Params): StubResponse {
  return request('HEAD', url, null, params);
}
export function post(url: string, body?: string | null, params?: Params): StubResponse {
  return request('POST', url, body, params);
}
export function put(url: string, body?: string | null, params?: Params): StubResponse {
  return request('PUT', url, body, params);
}
export function patch(url: string, body?: string | null, params?: Params): StubResponse {
  return request('PATCH', url, body, params);
}
export function del(url: string, body?: string | null, params?: Params): StubResponse {
  return request('DELETE', url, body, params);
}
export function options(url: string, body?: string | null, params?: Params): StubResponse {
  return request('OPTIONS', url, body, params);
}
export function batch(): never {
  throw new Error('emulator: http.batch is not supported');
}

export default { request, get, head, post, put, patch, del, options, batch, asyncRequest, expectedStatuses, setResponseCallback };
