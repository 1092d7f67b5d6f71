// Test helpers: an HTTP client that sends exactly what it is given (node:http, raw path), and
// a raw-socket sender for input that no well-behaved client would produce.
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'vitest';
import { validate, type SchemaName } from '../../lib/validate';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Bearer key: shorthand for an Authorization header. */
  key?: string;
}

// One keep-alive agent for all tests of a file, like a real client.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** path is sent verbatim (e.g. "/v1/templates?page=%ZZ"). */
export function call(origin: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.key !== undefined) headers['authorization'] = `Bearer ${opts.key}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { method: opts.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) });
      });
      res.on('error', reject);
    });
    // An early answer (oversized body) may make the rest of our write fail: the reply counts.
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Sends raw bytes on a fresh connection; resolves with everything the server sent back. */
export function raw(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the server answered and closed still leaves us its answer.
      if (err.code === 'ECONNRESET' && chunks.length > 0) resolve(Buffer.concat(chunks).toString('latin1'));
      else reject(err);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
    socket.end(data);
  });
}

/** Splits a raw HTTP/1.1 response into status, lowercased headers and body. */
export function parseRaw(response: string): { status: number; headers: Record<string, string>; body: string } {
  const end = response.indexOf('\r\n\r\n');
  const head = response.slice(0, end).split('\r\n');
  const status = Number((head[0] ?? '').split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, body: response.slice(end + 4) };
}

export function closeAgent(): void {
  agent.destroy();
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Asserts status, JSON content type, and (for errors) the Error schema and code. */
export function expectError(r: Reply, status: number, code: string): void {
  expect({ status: r.status, code: (r.json as { error?: unknown } | undefined)?.error }).toEqual({ status, code });
  expect(r.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  expect(validate('Error', r.json)).toEqual([]);
}

export function expectValid(r: Reply, status: number, schema: SchemaName): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  expect(validate(schema, r.json)).toEqual([]);
}
