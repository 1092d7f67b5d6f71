// A VU's event loop with k6's rules (k6's js/eventloop): the k6 timers (setTimeout,
// clearTimeout, setInterval, clearInterval, also from 'k6/timers') and http.asyncRequest register
// callbacks; a call of an exec function (or setup, teardown, handleSummary) ends only when its
// promise has settled AND no registered callback is left: no pending timer, no async request in
// flight. Callbacks run on the worker's own (Node) event loop, so a synchronous http.get or
// sleep() (Atomics.wait) blocks them, as it blocks k6's loop. An exception in a callback, or a
// promise rejection nobody handles, ends the call with that error; the callbacks still
// registered are then dropped (k6 waits for them but runs none).
import type { MessagePort } from 'node:worker_threads';
import type { HttpReply, HttpRequestSpec } from './protocol';

// Node's own timers, captured before the k6 globals replace them.
const nodeSetTimeout = globalThis.setTimeout;
const nodeSetInterval = globalThis.setInterval;
const nodeClearTimeout = globalThis.clearTimeout;
const nodeSetImmediate = globalThis.setImmediate;

type Callback = (...args: unknown[]) => unknown;

interface InFlight {
  resolve: (r: HttpReply) => void;
  dropped: boolean;
}

function toDelay(ms: unknown): number {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export class EventLoop {
  private readonly timers = new Map<number, ReturnType<typeof nodeSetTimeout>>();
  private nextTimerId = 1;
  private readonly inflight = new Map<number, InFlight>();
  private live = 0;
  private nextRequestId = 1;
  private waiter: (() => void) | null = null;
  private checkQueued = false;
  /** The first uncaught error since the last take(). */
  private error: { e: unknown } | null = null;

  constructor(
    private readonly port: MessagePort,
    private readonly sendRequest: (id: number, req: HttpRequestSpec) => void,
  ) {
    // The port only keeps the worker alive while a reply is awaited.
    port.unref();
  }

  /** Registered callbacks: pending timers, async requests in flight. */
  busy(): boolean {
    return this.timers.size > 0 || this.live > 0 || this.error !== null;
  }

  pending(): { timers: number; requests: number } {
    return { timers: this.timers.size, requests: this.live };
  }

  setTimeout(cb: Callback, delay?: unknown, ...args: unknown[]): number {
    if (typeof cb !== 'function') throw new TypeError('setTimeout: the first argument must be a function');
    const id = this.nextTimerId++;
    this.timers.set(
      id,
      nodeSetTimeout(() => {
        this.timers.delete(id);
        this.invoke(cb, args);
        this.check();
      }, toDelay(delay)),
    );
    return id;
  }

  setInterval(cb: Callback, delay?: unknown, ...args: unknown[]): number {
    if (typeof cb !== 'function') throw new TypeError('setInterval: the first argument must be a function');
    const id = this.nextTimerId++;
    // Pending until cleared: an uncleared interval keeps the iteration going (until interrupted).
    this.timers.set(
      id,
      nodeSetInterval(() => {
        this.invoke(cb, args);
        this.check();
      }, Math.max(1, toDelay(delay))),
    );
    return id;
  }

  /** clearTimeout and clearInterval (interchangeable, as in k6 and browsers). */
  clear(id: unknown): void {
    const h = this.timers.get(id as number);
    if (h === undefined) return;
    nodeClearTimeout(h);
    this.timers.delete(id as number);
    this.check();
  }

  request(req: HttpRequestSpec): Promise<HttpReply> {
    const id = this.nextRequestId++;
    return new Promise<HttpReply>((resolve) => {
      if (this.inflight.size === 0) this.port.ref();
      this.inflight.set(id, { resolve, dropped: false });
      this.live++;
      this.sendRequest(id, req);
    });
  }

  /** Main's answer to an async request: resolves its promise (on this loop). */
  reply(id: number, reply: HttpReply): void {
    const f = this.inflight.get(id);
    if (f === undefined) return;
    this.inflight.delete(id);
    if (this.inflight.size === 0) this.port.unref();
    if (f.dropped) return;
    this.live--;
    f.resolve(reply);
    // The promise's reactions run as microtasks before check's setImmediate.
    this.check();
  }

  /** An uncaught error (callback exception, unhandled rejection): ends the current call. */
  fail(e: unknown): void {
    this.error ??= { e };
    this.drop();
    this.check();
  }

  /** Drops every registered callback: timers cleared, replies of requests in flight ignored. */
  drop(): void {
    for (const h of this.timers.values()) nodeClearTimeout(h);
    this.timers.clear();
    for (const f of this.inflight.values()) f.dropped = true;
    this.live = 0;
  }

  /** The uncaught error, if any, and clears it. */
  take(): { e: unknown } | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  /** Resolves once no callback is registered (checked after pending microtasks) or an error was raised. */
  idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
      this.check();
    });
  }

  private invoke(cb: Callback, args: unknown[]): void {
    try {
      cb(...args);
    } catch (e) {
      this.fail(e);
    }
  }

  private quiet(): boolean {
    return this.error !== null || (this.timers.size === 0 && this.live === 0);
  }

  private check(): void {
    if (this.waiter === null || this.checkQueued || !this.quiet()) return;
    this.checkQueued = true;
    // After every microtask: promise reactions may still register callbacks.
    nodeSetImmediate(() => {
      this.checkQueued = false;
      if (this.waiter === null || !this.quiet()) return;
      const w = this.waiter;
      this.waiter = null;
      w();
    });
  }
}
