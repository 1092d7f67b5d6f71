// The conformance suite's HTTP client: node:http (not fetch) so that a test controls every
// header — fetch would add a Content-Type to a body the test sends without one. Every request
// has a timeout; transport failures become exchanges with `error` set, never exceptions, so a
// broken server yields a readable failure instead of a crashed or hung suite.
import http from 'node:http';
import https from 'node:https';
import type { Exchange } from './exchange';
import { Pacer } from './pacer';
import { parseRetryAfter } from '../../lib/retry-after';

export interface RequestOptions {
  /** Key role for the report, and the key itself; null sends no Authorization header. */
  key?: { role: string; value: string } | null;
  /** Raw Authorization header (overrides key), for scheme tests. */
  authorization?: string;
  body?: unknown; // serialised as JSON with Content-Type: application/json
  rawBody?: string | Buffer; // sent as is; Content-Type only if given in headers
  headers?: Record<string, string>;
  timeoutMs?: number;
  provoked?: boolean;
  /** Rate-limit probes: unpaced, and they see 429s themselves instead of having them waited out. */
  raw429?: boolean;
}

export interface ClientOptions {
  baseUrl: string;
  timeoutMs: number;
  pacer?: Pacer;
  /** Called for each 429 that was waited out (outside the rate-limit probes). */
  on429WaitedOut?: (ex: Exchange, waitMs: number) => void;
  /** Called for every exchange (the passive checks and the request tally hook in here). */
  onExchange?: (ex: Exchange) => void;
  /** Upper bound on one Retry-After wait-out (default 120 s); longer ones stay 429. */
  maxWaitOutMs?: number;
}

/** Enough sockets for the widest rate-limit burst wave, so concurrency is not capped by the pool. */
const MAX_SOCKETS = 160;

export class Client {
  private readonly agent: http.Agent;
  private readonly base: URL;
  constructor(readonly opts: ClientOptions) {
    this.base = new URL(opts.baseUrl);
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  }

  close(): void {
    this.agent.destroy();
  }

  async request(method: string, path: string, o: RequestOptions = {}): Promise<Exchange> {
    let ex = await this.once(method, path, o);
    // A 429 outside the rate-limit probes is not the probe's business: wait it out (bounded)
    // and report it, so pacing problems are never blamed on another rule.
    for (let attempt = 0; ex.status === 429 && !o.raw429 && attempt < 3; attempt++) {
      const ra = parseRetryAfter(ex.headers['retry-after'], ex.headers['date']);
      const waitMs = ra.ok ? ra.delaySeconds * 1000 : null;
      if (waitMs === null || waitMs > (this.opts.maxWaitOutMs ?? 120_000)) break;
      this.opts.on429WaitedOut?.(ex, waitMs);
      await sleep(waitMs + 50);
      ex = await this.once(method, path, o);
    }
    return ex;
  }

  private async once(method: string, path: string, o: RequestOptions): Promise<Exchange> {
    // identity: the client does not decompress, and without Accept-Encoding a CDN may gzip.
    const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'identity', ...(o.headers ?? {}) };
    if (o.authorization !== undefined) headers.authorization = o.authorization;
    else if (o.key) headers.authorization = `Bearer ${o.key.value}`;
    let body: string | Buffer | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

    if (o.key && !o.raw429 && this.opts.pacer) await this.opts.pacer.acquire(o.key.value);
    let ex = await send(this.base, this.agent, method, path, headers, body, o.timeoutMs ?? this.opts.timeoutMs);
    // A keep-alive socket the server closed between requests resets the next one: a GET is
    // safe to send again, once.
    if (ex.status === 0 && method === 'GET' && /ECONNRESET|socket hang up/.test(ex.error ?? ''))
      ex = await send(this.base, this.agent, method, path, headers, body, o.timeoutMs ?? this.opts.timeoutMs);
    ex.keyRole = o.authorization !== undefined ? 'custom' : (o.key?.role ?? 'none');
    ex.provoked = o.provoked;
    this.opts.onExchange?.(ex);
    return ex;
  }
}

function send(
  base: URL,
  agent: http.Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
): Promise<Exchange> {
  const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
  const startedAt = Date.now();
  const ex: Exchange = {
    method,
    path,
    keyRole: 'none',
    requestHeaders: headers,
    requestBody: body === undefined ? undefined : body.toString().slice(0, 2000),
    status: 0,
    headers: {},
    bodyText: '',
    startedAt,
    durationMs: 0,
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ex.durationMs = Date.now() - startedAt;
      if (error) ex.error = error;
      resolve(ex);
    };
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method, headers, agent }, (res) => {
      ex.status = res.statusCode ?? 0;
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) ex.headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 2 * 1024 * 1024) chunks.push(c); // cap what we keep from a runaway body
      });
      res.on('end', () => {
        ex.bodyText = Buffer.concat(chunks).toString('utf8');
        if (ex.bodyText.length > 0) {
          try {
            ex.json = JSON.parse(ex.bodyText);
          } catch (e) {
            ex.jsonError = (e as Error).message;
          }
        } else ex.jsonError = 'empty body';
        finish();
      });
      res.on('error', (e) => finish(`response aborted: ${e.message}`));
      res.on('aborted', () => finish('response aborted by the server'));
    });
    const timer = setTimeout(() => {
      finish(`timeout: no complete response within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish(`${e.code ?? 'error'}: ${e.message}`));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
