// load.org-cache-thrash, as a per-org session cache of ORG_CACHE_SIZE entries: while more of an
// org's keys than fit were active within the last second, the cache thrashes and every
// THRASH_FAIL_EVERY-th request of that org fails. Only a load test's key pool gets there; the
// conformance suite uses at most three keys of one org. Memory is bounded (per org, only keys
// seen within the last second, capped).

export const ORG_CACHE_SIZE = 4;
export const THRASH_FAIL_EVERY = 10;
const ACTIVE_MS = 1000;
const MAX_TRACKED = 1024;

export class OrgCache {
  private readonly orgs = new Map<string, { seen: Map<string, number>; requests: number }>();

  /** Records a request of `key` for `org` at monotonic `nowMs`; true when it must fail. */
  thrashes(org: string, key: string, nowMs: number): boolean {
    let o = this.orgs.get(org);
    if (o === undefined) this.orgs.set(org, (o = { seen: new Map(), requests: 0 }));
    o.seen.set(key, nowMs);
    if (o.seen.size > ORG_CACHE_SIZE) for (const [k, t] of o.seen) if (nowMs - t > ACTIVE_MS || o.seen.size > MAX_TRACKED) o.seen.delete(k);
    if (o.seen.size <= ORG_CACHE_SIZE) return false;
    return ++o.requests % THRASH_FAIL_EVERY === 0;
  }
}
