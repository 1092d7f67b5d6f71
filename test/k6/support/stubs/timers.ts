// Stub of `k6/timers`: the same timers k6 also installs as globals (the VU's event loop, host.ts).
type Cb = (...args: unknown[]) => unknown;
export function setTimeout(cb: Cb, ms?: number, ...args: unknown[]): number {
  return globalThis.__k6emu.loop.setTimeout(cb, ms, ...args);
}
export function setInterval(cb: Cb, ms?: number, ...args: unknown[]): number {
  return globalThis.__k6emu.loop.setInterval(cb, ms, ...args);
}
export function clearTimeout(id: unknown): void {
  globalThis.__k6emu.loop.clear(id);
}
export function clearInterval(id: unknown): void {
  globalThis.__k6emu.loop.clear(id);
}
export default { setTimeout, setInterval, clearTimeout, clearInterval };
