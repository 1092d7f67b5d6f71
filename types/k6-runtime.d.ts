// Globals that k6 (Sobek) provides but @types/k6 2.3 does not declare. Only what we use.
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
declare const crypto: { randomUUID(): string };
// Global timers (k6 ≥ 0.43; checked present in 1.3 and 2.2). @types/k6 declares them only in 'k6/timers'.
declare function setTimeout(fn: () => void, ms?: number): number;
declare function clearTimeout(id: number | undefined): void;
