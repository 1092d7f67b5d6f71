// The VU side of the emulator: installs the k6 globals (__ENV, __VU, __ITER, open, console) and
// the host object the stubbed k6 modules call (globalThis.__k6emu). Runs inside a worker thread.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { EventLoop } from './event-loop';
import {
  SAB_HEADER_BYTES,
  STATE_ANSWERED,
  STATE_WAITING,
  type HttpReply,
  type HttpRequestSpec,
  type MainMessage,
  type MetricType,
  type Sample,
  type SyncCall,
  type VuMessage,
} from './protocol';

export interface ExecContext {
  scenario: string;
  executor: string;
  iterationInTest: number;
  iterationInInstance: number;
  iterationInScenario: number;
  startTime: number;
}

/** k6's expectedStatuses callback, as data. */
export interface ExpectedStatuses {
  __expectedStatuses: Array<number | { min: number; max: number }>;
}

export interface K6EmuHost {
  inInit: boolean;
  vuId: number;
  /** exec.vu.idInTest (differs from vuId in a segmented run). */
  idInTest: number;
  /** exec.test.options: the script's options with the run's execution segment (set after init). */
  testOptions: Record<string, unknown>;
  ctx: ExecContext | null;
  /** undefined: k6's default (200..399 expected); null: no http_req_failed at all. */
  responseCallback: ExpectedStatuses | null | undefined;
  http(req: HttpRequestSpec): HttpReply;
  /** http.asyncRequest: does not block; resolves on this VU's event loop. */
  httpAsync(req: HttpRequestSpec): Promise<HttpReply>;
  loop: EventLoop;
  secrets: Record<string, string>;
  sleepMs(ms: number): void;
  emit(metric: string, value: number, tags: Record<string, string>): void;
  register(name: string, type: MetricType, isTime: boolean): void;
  checkResult(name: string, ok: boolean): void;
  abort(message: string, code: number): never;
}

declare global {
  // eslint-disable-next-line no-var
  var __k6emu: K6EmuHost;
}

export class AbortError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

export function installHost(port: MessagePort, shared: SharedArrayBuffer, env: Record<string, string>, vuId: number, secrets: Record<string, string> = {}, idInTest = vuId) {
  const header = new Int32Array(shared, 0, 2);
  const data = new Uint8Array(shared, SAB_HEADER_BYTES);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const decoder = new TextDecoder();
  const post = (m: VuMessage) => port.postMessage(m);
  let samples: Sample[] = [];
  let checks: Array<{ name: string; ok: boolean }> = [];
  const metrics = new Map<string, { type: MetricType; isTime: boolean }>();
  const loop = new EventLoop(port, (id, req) => post({ type: 'http-async', id, req }));
  port.on('message', (m: MainMessage) => {
    if (m.type === 'http-reply') loop.reply(m.id, m.reply);
  });
  port.unref();

  function syncCall<T>(payload: SyncCall, timeoutMs = 600_000): T {
    Atomics.store(header, 0, STATE_WAITING);
    post({ type: 'sync', payload });
    const r = Atomics.wait(header, 0, STATE_WAITING, timeoutMs);
    if (r === 'timed-out') throw new Error(`emulator: no answer to '${payload.call}' within ${timeoutMs} ms`);
    const len = Atomics.load(header, 1);
    return JSON.parse(decoder.decode(data.slice(0, len))) as T;
  }

  function flush(): void {
    if (samples.length > 0) {
      post({ type: 'samples', samples });
      samples = [];
    }
    if (checks.length > 0) {
      post({ type: 'checks', results: checks });
      checks = [];
    }
  }

  const host: K6EmuHost = {
    inInit: true,
    vuId,
    idInTest,
    testOptions: {},
    ctx: null,
    responseCallback: undefined,
    http: (req) => syncCall<HttpReply>({ call: 'http', req }, req.timeoutMs + 10_000),
    httpAsync: (req) => loop.request(req),
    loop,
    secrets,
    sleepMs(ms) {
      if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
    },
    emit(metric, value, tags) {
      if (host.inInit) throw new Error(`emulator: metric '${metric}' added in the init context (k6 forbids it)`);
      samples.push({ metric, value, tags: { scenario: host.ctx?.scenario ?? 'default', ...tags }, t: Date.now() });
      if (samples.length >= 1000) flush();
    },
    register(name, type, isTime) {
      if (!host.inInit) throw new Error(`emulator: metric '${name}' created outside the init context (k6 forbids it)`);
      const prev = metrics.get(name);
      if (prev && prev.type !== type) throw new Error(`emulator: metric '${name}' registered as ${prev.type} and ${type}`);
      metrics.set(name, { type, isTime });
    },
    checkResult(name, ok) {
      checks.push({ name, ok });
    },
    abort(message, code) {
      throw new AbortError(message, code);
    },
  };
  globalThis.__k6emu = host;

  const g = globalThis as unknown as Record<string, unknown>;
  g.__ENV = { ...env };
  g.__VU = vuId;
  g.__ITER = 0;
  // k6's timers (globals since k6 v0.43), on this VU's event loop.
  g.setTimeout = (cb: () => void, ms?: number, ...args: unknown[]) => loop.setTimeout(cb, ms, ...args);
  g.setInterval = (cb: () => void, ms?: number, ...args: unknown[]) => loop.setInterval(cb, ms, ...args);
  g.clearTimeout = (id: unknown) => loop.clear(id);
  g.clearInterval = (id: unknown) => loop.clear(id);
  // k6 turns a rejection nobody handled into an error of the running call.
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof AbortError) return loop.fail(reason);
    const msg = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    loop.fail(new Error(`Uncaught (in promise) ${msg}`));
  });
  g.open = (path: string, mode?: string) => {
    if (!host.inInit) throw new Error('open() is only available in the init context');
    const p = isAbsolute(path) ? path : resolve(process.cwd(), path);
    const buf = readFileSync(p);
    return mode === 'b' ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) : buf.toString('utf8');
  };
  const log = (level: 'log' | 'warn' | 'error') => (...args: unknown[]) =>
    post({ type: 'log', level, message: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') });
  g.console = { log: log('log'), info: log('log'), debug: log('log'), warn: log('warn'), error: log('error') };

  return { host, syncCall, flush, metrics, post, loop };
}
