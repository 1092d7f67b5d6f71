// One key, one VU, an open-model phase of non-blocking requests (async-pace.ts over k6's
// http.asyncRequest). Returns what a black-box client can know per request (send time,
// response time, status) as judge observations, plus the spread of the round trips, which the
// window judge widens its bounds by (see lib/ratelimit/window.ts jitterMs).
import http from 'k6/http';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import type { Observation } from '../../lib/ratelimit';
import { percentileOfSorted } from '../../lib/stats';
import { runOpenModel, type OpenModelResult } from './async-pace';

export interface DriveOptions {
  url: string;
  rate: number;
  durationMs: number;
  maxInFlight: number;
  startAt?: number;
  stop?: () => boolean;
  /** Params for send i (e.g. read the body of some requests only). */
  params: (i: number) => Params;
  /** Called with each response as it arrives (judge a 429, note the first one, ...). */
  onResponse?: (res: RefinedResponse<ResponseType | undefined>, i: number, sentAt: number) => void;
}

export interface Driven {
  /** By send time: the edge decides at send + forward latency. */
  obs: Observation[];
  run: OpenModelResult;
  /** p99 - p1 of the round trips that got a response, ms (0 with fewer than 2). */
  rttSpreadMs: number;
  rttP50Ms: number;
}

export async function drive(o: DriveOptions): Promise<Driven> {
  const run = await runOpenModel(
    { rate: o.rate, durationMs: o.durationMs, maxInFlight: o.maxInFlight, ...(o.startAt === undefined ? {} : { startAt: o.startAt }), ...(o.stop ? { stop: o.stop } : {}) },
    (i, sentAt) =>
      http.asyncRequest('GET', o.url, null, o.params(i)).then((res) => {
        if (o.onResponse) o.onResponse(res, i, sentAt);
        return res;
      }),
  );
  const obs: Observation[] = run.records.map((r) => ({ t: r.sentAt, status: r.status, rt: r.receivedAt }));
  const rtts = run.records.filter((r) => r.status >= 100).map((r) => r.receivedAt - r.sentAt).sort((a, b) => a - b);
  const spread = rtts.length >= 2 ? percentileOfSorted(rtts, 99) - percentileOfSorted(rtts, 1) : 0;
  return { obs, run, rttSpreadMs: spread, rttP50Ms: rtts.length > 0 ? percentileOfSorted(rtts, 50) : 0 };
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
