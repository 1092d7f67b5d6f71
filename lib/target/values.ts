// Typed readers of single settings. An empty value is the same as an unset one everywhere, so a
// copied .env.example (empty values = defaults) changes nothing. Errors name the variable.
import { ConfigError } from './errors';
import { parseDuration } from './duration';

export type Env = Readonly<Record<string, string | undefined>>;

const YES = /^(1|yes|true)$/i;

/** The trimmed value, or undefined when unset or empty. */
export function text(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** yes / true / 1 (any case) is on; anything else, unset included, is off. */
export function flag(env: Env, name: string): boolean {
  return YES.test(text(env, name) ?? '');
}

/** A duration in the one grammar (lib/target/duration.ts), in ms; at least `minMs`. */
export function duration(env: Env, name: string, dfltMs: number, minMs = 0): number {
  const raw = text(env, name);
  if (raw === undefined) return dfltMs;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (e) {
    throw new ConfigError(`${name}: ${(e as Error).message}`);
  }
  if (ms < minMs) throw new ConfigError(`${name}: ${raw} is shorter than the minimum of ${minMs} ms`);
  return ms;
}

export function number(env: Env, name: string, dflt: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  const raw = text(env, name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = range;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new ConfigError(`${name} must be ${kind}${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}${max < Number.POSITIVE_INFINITY ? ` and <= ${max}` : ''}, got '${env[name]}'`);
  }
  return n;
}

export function fraction(env: Env, name: string, dflt: number): number {
  return number(env, name, dflt, { min: 0, max: 1 });
}

/** Comma-separated positive numbers, e.g. RUNDUN_STAGES=10,20,40. */
export function numberList(env: Env, name: string, dflt: readonly number[]): number[] {
  const raw = text(env, name);
  if (raw === undefined) return [...dflt];
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !(Number.isFinite(n) && n > 0))) {
    throw new ConfigError(`${name} must be comma-separated positive numbers, got '${env[name]}'`);
  }
  return list;
}

/** Comma-separated, trimmed, empty entries dropped. */
export function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}
