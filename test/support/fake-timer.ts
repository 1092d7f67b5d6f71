// A hand-driven clock with timers, for code that takes a { now, setTimeout } timer: time only
// moves when run() advances it to the next due timer, and promise callbacks are flushed between
// timers, so async schedules are tested exactly and without sleeping.
export class FakeTimer {
  private t: number;
  private seq = 0;
  private queue: Array<{ at: number; seq: number; fn: () => void }> = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): number => {
    const id = ++this.seq;
    this.queue.push({ at: this.t + Math.max(0, ms), seq: id, fn });
    return id;
  };

  /** A promise resolved with `value` after `ms` of fake time. */
  after<T>(ms: number, value: T): Promise<T> {
    return new Promise((resolve) => this.setTimeout(() => resolve(value), ms));
  }

  /** Runs timers in time order until `done` settles (or no timer is left, or the step budget ends). */
  async run<T>(done: Promise<T>, maxSteps = 1_000_000): Promise<T> {
    let settled = false;
    const p = done.finally(() => {
      settled = true;
    });
    await flush();
    for (let steps = 0; !settled && steps < maxSteps; steps++) {
      if (this.queue.length === 0) break;
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue.shift() as { at: number; fn: () => void };
      this.t = Math.max(this.t, next.at);
      next.fn();
      await flush();
    }
    if (!settled) throw new Error(`FakeTimer: the promise did not settle (${this.queue.length} timers left at t=${this.t})`);
    return p;
  }

  /** Moves the clock without running timers (simulates a blocked event loop, e.g. a GC pause). */
  jump(ms: number): void {
    this.t += ms;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
