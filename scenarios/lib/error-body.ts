// The 429 body judge (rule ratelimit.error-body), apart from verdicts.ts because it pulls in
// the schema validators, which only scenarios that read bodies should carry.
import { validate } from '../../lib/validate';

export interface BodyVerdict {
  ok: boolean;
  reason: string;
}

/** Rule 'ratelimit.error-body': the 429 body is the Error shape with error 'rate_limited'. */
export function judgeRateLimitedBody(body: string | null | undefined): BodyVerdict {
  if (body === null || body === undefined || body === '') return { ok: false, reason: '429 without a body' };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { ok: false, reason: '429 body is not JSON' };
  }
  const issues = validate('Error', doc);
  if (issues.length > 0) return { ok: false, reason: `429 body is not an Error: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}` };
  const code = (doc as { error: string }).error;
  if (code !== 'rate_limited') return { ok: false, reason: `429 body has error '${code}', expected 'rate_limited'` };
  return { ok: true, reason: '429 body is the rate_limited error' };
}
