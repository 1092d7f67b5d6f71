// Response writing and request-body reading. Every response is JSON with the same content
// type; error bodies for fixed messages are serialized once. The Date header comes from the
// simulator's wall clock (so it agrees with run timestamps and with an http-date Retry-After)
// and its string is cached per second.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const MAX_BODY_BYTES = 1024 * 1024;

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'quota_exceeded'
  | 'not_found'
  | 'run_not_found'
  | 'template_not_found'
  | 'run_expired'
  | 'validation_failed'
  | 'rate_limited'
  | 'internal_error';

export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  quota_exceeded: 402,
  not_found: 404,
  run_not_found: 404,
  template_not_found: 404,
  run_expired: 410,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
};

const DEFAULT_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  bad_request: 'The request is malformed.',
  unauthorized: 'Missing or invalid API key.',
  quota_exceeded: 'Run quota exceeded. Upgrade your plan or purchase run credits.',
  not_found: 'No such endpoint.',
  run_not_found: 'No run with that ID exists in your organisation.',
  template_not_found: 'No template with that ID exists in your organisation.',
  run_expired: 'The run has expired.',
  validation_failed: 'The request failed validation.',
  rate_limited: 'Too many requests. Retry after the delay given in Retry-After.',
  internal_error: 'Internal server error. Contact support if this persists.',
};

export function errorBody(code: ErrorCode, message: string = DEFAULT_MESSAGES[code]): Buffer {
  return Buffer.from(JSON.stringify({ error: code, message }));
}

const CANNED = new Map<ErrorCode, Buffer>(
  (Object.keys(DEFAULT_MESSAGES) as ErrorCode[]).map((c) => [c, errorBody(c)]),
);

let cachedSecond = Number.NaN;
let cachedDate = '';

/** IMF-fixdate for an epoch-ms instant (second precision), cached for the current second. */
export function httpDate(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s !== cachedSecond) {
    cachedSecond = s;
    cachedDate = new Date(s * 1000).toUTCString();
  }
  return cachedDate;
}

/** Counts responses by status (for /_sim/stats); an array index is cheaper than a Map. */
export class StatusCounter {
  private readonly counts = new Uint32Array(600);
  total = 0;
  add(status: number): void {
    this.counts[status] = (this.counts[status] ?? 0) + 1;
    this.total++;
  }
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    this.counts.forEach((n, status) => {
      if (n > 0) out[String(status)] = n;
    });
    return out;
  }
}

/** An error response as a faulty serializer writes it (body, and a Content-Type if not JSON's). */
export interface ErrorOutput {
  body: Buffer | string;
  contentType?: string;
}

/** Serializer faults (errors.*): a replacement for one error, or null to serialize it correctly. */
export type ErrorShaper = (code: ErrorCode, message: string) => ErrorOutput | null;

export interface Responder {
  readonly counter: StatusCounter;
  /** Wall-clock now (epoch ms), for the Date header. */
  readonly now: () => number;
  /** Present only when an errors.* fault is on. */
  readonly shapeError?: ErrorShaper;
  /** Present only when a serializer fault rewrites every JSON body (versioning.new-field). */
  readonly shapeJson?: (body: Buffer | string) => Buffer | string;
}

export function sendJson(
  r: Responder,
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  extra?: Record<string, string>,
  dateMs: number = r.now(),
): void {
  if (r.shapeJson !== undefined && body.length > 0) body = r.shapeJson(body);
  r.counter.add(status);
  const headers: Record<string, string | number> = {
    'content-type': JSON_TYPE,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    date: httpDate(dateMs),
  };
  if (extra !== undefined) Object.assign(headers, extra);
  res.writeHead(status, headers);
  res.end(body);
}

export function sendError(
  r: Responder,
  res: ServerResponse,
  code: ErrorCode,
  message?: string,
  extra?: Record<string, string>,
  dateMs?: number,
): void {
  const shaped = r.shapeError?.(code, message ?? DEFAULT_MESSAGES[code]);
  if (shaped) {
    const headers = shaped.contentType === undefined ? extra : { ...extra, 'content-type': shaped.contentType };
    return sendJson(r, res, STATUS_OF[code], shaped.body, headers, dateMs);
  }
  const body = message === undefined ? (CANNED.get(code) as Buffer) : errorBody(code, message);
  sendJson(r, res, STATUS_OF[code], body, extra, dateMs);
}

/** True when the Content-Type's media type is application/json (parameters such as charset allowed). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json';
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads a request body up to `limit` bytes. Past the limit (by Content-Length up front, or by
 * counting chunks), stops collecting at once; the caller answers 400 and closes the connection,
 * so an oversized body is never buffered.
 */
export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve({ ok: false, reason: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    const onError = (): void => finish({ ok: false, reason: 'aborted' });
    const onAbort = (): void => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAbort);
  });
}

/**
 * Answers 400 for an oversized body and closes the connection after the response, without
 * reading the rest of the body into memory (what is still in flight is discarded, bounded).
 */
export function sendTooLarge(r: Responder, res: ServerResponse, req: IncomingMessage): void {
  req.pause();
  res.shouldKeepAlive = false;
  sendError(r, res, 'bad_request', `Request body exceeds ${MAX_BODY_BYTES} bytes.`, { connection: 'close' });
  // Let the response reach the client before the socket goes; then drop the connection so the
  // rest of the body is never read.
  res.once('finish', () => {
    req.socket.destroySoon();
  });
}
