// Globals that k6 (Sobek) provides but @types/k6 2.3 does not declare. Only what we use.
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
declare const crypto: { randomUUID(): string };
