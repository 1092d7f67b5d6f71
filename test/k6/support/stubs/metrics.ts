// Stub of `k6/metrics`: metrics register at init (as k6 requires) and record samples via the host.
import type { MetricType } from '../protocol';

class Metric {
  constructor(readonly name: string, private readonly type: MetricType, isTime = false) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.!?/&#()<>%-]{1,128}$/.test(name)) throw new Error(`invalid metric name '${name}'`);
    globalThis.__k6emu.register(name, type, isTime);
  }

  add(value: number | boolean, tags: Record<string, string> = {}): void {
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (this.type === 'rate') globalThis.__k6emu.emit(this.name, v !== 0 ? 1 : 0, tags);
    else {
      if (!Number.isFinite(v)) throw new Error(`metric '${this.name}': value ${value} is not a number`);
      globalThis.__k6emu.emit(this.name, v, tags);
    }
  }
}

export class Counter extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'counter', isTime);
  }
}
export class Gauge extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'gauge', isTime);
  }
}
export class Rate extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'rate', isTime);
  }
}
export class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'trend', isTime);
  }
}
export default { Counter, Gauge, Rate, Trend };
