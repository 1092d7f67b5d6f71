// Retry-After (RFC 9110 §10.2.3): `Retry-After = HTTP-date / delay-seconds`, delay-seconds =
// 1*DIGIT. Parsing is strict (a harness must not be more lenient than the grammar); the policy
// judgement (present, valid, >= 1 s, bounded) is separate so callers can tune it.
import { parseHttpDate, type HttpDateForm } from './http-date';
import { verdict, type Verdict } from './verdict';

export type RetryAfterErrorCode = 'missing' | 'invalid' | 'date-header-missing' | 'date-header-invalid';

export type RetryAfter =
  | { ok: true; form: 'delay-seconds'; delaySeconds: number; value: string }
  | {
      ok: true;
      form: 'http-date';
      /** Retry-After date minus the response's Date header, in whole seconds; 0 if in the past. */
      delaySeconds: number;
      httpDateForm: HttpDateForm;
      value: string;
      /** Set when the value is valid but noteworthy (a date at or before the Date header). */
      note?: string;
    }
  | { ok: false; code: RetryAfterErrorCode; reason: string };

const DELAY_SECONDS = /^[0-9]+$/;

/** Field values may carry leading/trailing OWS (SP / HTAB), which is not part of the value. */
function trimOws(v: string): string {
  return v.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Why a value that is not 1*DIGIT was rejected, for the common near-misses. */
function explainNotDelaySeconds(v: string): string | null {
  if (/^[0-9]+[ \t]*,/.test(v)) return `multiple comma-separated values "${v}" (duplicate Retry-After fields?)`;
  if (/^[0-9]*\.[0-9]*$/.test(v)) return `fractional seconds "${v}" (delay-seconds is 1*DIGIT)`;
  if (/^-/.test(v)) return `negative or signed value "${v}" (delay-seconds is 1*DIGIT)`;
  if (/^\+/.test(v)) return `signed value "${v}" (delay-seconds is 1*DIGIT, no sign)`;
  if (/^0[xX]/.test(v)) return `hexadecimal value "${v}" (delay-seconds is decimal 1*DIGIT)`;
  if (/^[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+$/.test(v)) return `exponent notation "${v}" (delay-seconds is 1*DIGIT)`;
  if (/^[0-9]+[ \t]*[A-Za-z]+$/.test(v)) return `unit suffix in "${v}" (delay-seconds is a bare number of seconds)`;
  if (/^[0-9]/.test(v)) return `"${v}" is not delay-seconds (1*DIGIT)`;
  return null;
}

/**
 * Parses a Retry-After field value. An HTTP-date is judged against the response's Date header
 * (not the local clock), which is then required.
 */
export function parseRetryAfter(value: string | undefined | null, dateHeader?: string | null): RetryAfter {
  if (value === undefined || value === null) return { ok: false, code: 'missing', reason: 'no Retry-After header' };
  const v = trimOws(value);
  if (v === '') return { ok: false, code: 'invalid', reason: 'Retry-After header is empty' };
  if (DELAY_SECONDS.test(v)) return { ok: true, form: 'delay-seconds', delaySeconds: Number(v), value: v };
  const notDelay = explainNotDelaySeconds(v);
  if (notDelay) return { ok: false, code: 'invalid', reason: notDelay };

  // Judge the Date header first: its year resolves an rfc850 two-digit year.
  if (dateHeader === undefined || dateHeader === null || trimOws(dateHeader) === '') {
    const shape = parseHttpDate(v);
    if (!shape.ok) return { ok: false, code: 'invalid', reason: `Retry-After: ${shape.reason}` };
    return {
      ok: false,
      code: 'date-header-missing',
      reason: 'Retry-After is an HTTP-date but the response has no Date header to measure the delay from',
    };
  }
  const date = parseHttpDate(trimOws(dateHeader));
  if (!date.ok) {
    return { ok: false, code: 'date-header-invalid', reason: `Retry-After is an HTTP-date but the Date header is invalid: ${date.reason}` };
  }
  const refYear = new Date(date.epochSeconds * 1000).getUTCFullYear();
  const at = parseHttpDate(v, refYear);
  if (!at.ok) return { ok: false, code: 'invalid', reason: `Retry-After: ${at.reason}` };

  const diff = at.epochSeconds - date.epochSeconds;
  const base = { ok: true as const, form: 'http-date' as const, httpDateForm: at.form, value: v };
  if (diff > 0) return { ...base, delaySeconds: diff };
  const note = diff === 0 ? 'Retry-After date equals the Date header' : `Retry-After date is ${-diff} s before the Date header`;
  return { ...base, delaySeconds: 0, note };
}

export interface RetryAfterPolicy {
  /**
   * Smallest acceptable delay, default 1. Retry-After: 0 on a 429 is grammatical but useless: a
   * client that obeys it retries at once and is throttled again. Rundun promises an integer >= 1
   * rounded up so one retry after waiting succeeds, so 0 fails `ratelimit.retry-after-positive`
   * by default; pass 0 to check the grammar only.
   */
  minSeconds?: number;
  /** Largest acceptable delay; unchecked when absent. See retryAfterUpperBound(). */
  maxSeconds?: number;
  /**
   * Senders MUST generate IMF-fixdate (RFC 9110 §5.6.7); rfc850 and asctime are for recipients
   * to tolerate. Default false: a server sending them fails `ratelimit.retry-after-valid`.
   */
  allowObsoleteDateForms?: boolean;
  /** When the server is configured for one form (e.g. the simulator's --retry-after-format). */
  expectedForm?: 'delay-seconds' | 'http-date';
}

export interface RetryAfterDetails {
  form?: 'delay-seconds' | 'http-date';
  httpDateForm?: HttpDateForm;
  delaySeconds?: number;
  value?: string;
  minSeconds: number;
  maxSeconds?: number;
}

/** The Retry-After rules in the order judgeRetryAfter decides them. */
export const RETRY_AFTER_RULES = ['ratelimit.retry-after-present', 'ratelimit.retry-after-valid', 'ratelimit.retry-after-positive', 'ratelimit.retry-after-bounded'] as const;
export type RetryAfterRule = (typeof RETRY_AFTER_RULES)[number];

/** One rule's verdict on one Retry-After; `reason` says why it held or failed. */
export interface RetryAfterOutcome {
  rule: RetryAfterRule;
  ok: boolean;
  reason: string;
}

export interface RetryAfterVerdict extends Verdict<RetryAfterDetails> {
  /**
   * One outcome per rule decided, in order present -> valid -> positive -> bounded: each later
   * rule is decided only when the earlier ones held (a value that is not valid has no delay to
   * judge), and bounded only when the policy has maxSeconds.
   */
  outcomes: RetryAfterOutcome[];
}

/**
 * Every Retry-After rule the value decides, from one parse. The verdict's own `ok`/`rule`/
 * `reason` summarise them: the first failing outcome, or 'ratelimit.retry-after-valid' with the
 * value's meaning when all held (tag k6 checks with each outcome's rule).
 */
export function judgeRetryAfter(parsed: RetryAfter, policy: RetryAfterPolicy = {}): RetryAfterVerdict {
  const minSeconds = policy.minSeconds ?? 1;
  const bounds = { minSeconds, ...(policy.maxSeconds === undefined ? {} : { maxSeconds: policy.maxSeconds }) };
  const outcomes: RetryAfterOutcome[] = [];
  const held = (rule: RetryAfterRule, reason: string) => void outcomes.push({ rule, ok: true, reason });
  const failed = (rule: RetryAfterRule, reason: string, details: RetryAfterDetails): RetryAfterVerdict => {
    outcomes.push({ rule, ok: false, reason });
    return { ...verdict(false, rule, reason, details), outcomes };
  };
  if (!parsed.ok) {
    if (parsed.code === 'missing') return failed('ratelimit.retry-after-present', parsed.reason, bounds);
    held('ratelimit.retry-after-present', 'Retry-After present');
    return failed('ratelimit.retry-after-valid', parsed.reason, bounds);
  }
  held('ratelimit.retry-after-present', 'Retry-After present');
  const details: RetryAfterDetails = {
    form: parsed.form,
    ...(parsed.form === 'http-date' ? { httpDateForm: parsed.httpDateForm } : {}),
    delaySeconds: parsed.delaySeconds,
    value: parsed.value,
    ...bounds,
  };
  if (policy.expectedForm && parsed.form !== policy.expectedForm) {
    return failed('ratelimit.retry-after-valid', `Retry-After "${parsed.value}" is ${parsed.form}, expected ${policy.expectedForm}`, details);
  }
  if (parsed.form === 'http-date' && parsed.httpDateForm !== 'imf-fixdate' && !policy.allowObsoleteDateForms) {
    return failed(
      'ratelimit.retry-after-valid',
      `Retry-After "${parsed.value}" uses the obsolete ${parsed.httpDateForm} form; senders MUST generate IMF-fixdate (RFC 9110 §5.6.7)`,
      details,
    );
  }
  const note = parsed.form === 'http-date' && parsed.note ? ` (${parsed.note})` : '';
  const meaning = `Retry-After "${parsed.value}" = ${parsed.delaySeconds} s (${parsed.form})${note}`;
  held('ratelimit.retry-after-valid', meaning);
  if (parsed.delaySeconds < minSeconds) {
    return failed(
      'ratelimit.retry-after-positive',
      `Retry-After "${parsed.value}" means ${parsed.delaySeconds} s${note}, below the minimum of ${minSeconds} s: a client obeying it is throttled again`,
      details,
    );
  }
  held('ratelimit.retry-after-positive', `${meaning}, at least ${minSeconds} s`);
  if (policy.maxSeconds !== undefined) {
    if (parsed.delaySeconds > policy.maxSeconds) {
      return failed(
        'ratelimit.retry-after-bounded',
        `Retry-After "${parsed.value}" means ${parsed.delaySeconds} s, above the maximum of ${policy.maxSeconds} s`,
        details,
      );
    }
    held('ratelimit.retry-after-bounded', `${meaning}, at most ${policy.maxSeconds} s`);
  }
  return { ...verdict(true, 'ratelimit.retry-after-valid', meaning, details), outcomes };
}

/**
 * Largest Retry-After a correct limiter needs for a window of `windowSeconds`: the wait until the
 * window frees a slot is at most one window, rounded up to whole seconds, plus 1 s because an
 * HTTP-date and its Date header are both truncated to the second.
 */
export function retryAfterUpperBound(windowSeconds: number): number {
  return Math.ceil(windowSeconds) + 1;
}
