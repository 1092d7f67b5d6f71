// Stub of the `k6` module for the emulator: check, sleep, group, fail.

export function check<T>(value: T, sets: Record<string, ((v: T) => unknown) | unknown>, tags: Record<string, string> = {}): boolean {
  const host = globalThis.__k6emu;
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    // As in k6, an exception in a predicate propagates (it ends the iteration).
    const ok = Boolean(typeof predicate === 'function' ? (predicate as (v: T) => unknown)(value) : predicate);
    host.emit('checks', ok ? 1 : 0, { group: '', ...tags, check: name });
    host.checkResult(name, ok);
    all &&= ok;
  }
  return all;
}

export function sleep(seconds: number): void {
  globalThis.__k6emu.sleepMs(seconds * 1000);
}

export function group<T>(_name: string, fn: () => T): T {
  return fn();
}

export function fail(message?: string): never {
  throw new Error(message ?? 'fail() called');
}

export default { check, sleep, group, fail };
