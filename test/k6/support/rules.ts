// The rule ids the rate-limit scenario must judge, sorted as the tests compare them: written out
// here (not taken from the plan) so that a rule silently dropped from the plan fails the tests.
export const RATE_LIMIT_RULES: readonly string[] = [
  'ratelimit.429-status',
  'ratelimit.enforced-per-key',
  'ratelimit.error-body',
  'ratelimit.retry-after-bounded',
  'ratelimit.retry-after-positive',
  'ratelimit.retry-after-present',
  'ratelimit.retry-after-valid',
  'ratelimit.under-limit-no-429',
];
