// The knee of a capacity run: the highest load stage that still met the SLO, with every stage
// below it meeting it too. Stages are plateaus of a ramping-arrival-rate profile; per stage the
// scenario records latency, errors and how many requests were actually delivered (k6 drops
// iterations when no VU is free, so a stage that was not delivered cannot be said to have held).
import { fmt } from './verdict';

export interface StageObservation {
  /** Target arrival rate of the plateau, requests per second. */
  targetRps: number;
  /** Plateau length in seconds (requests expected = targetRps × seconds). */
  seconds: number;
  /** Requests completed during the plateau. */
  requests: number;
  /** 95th percentile latency, ms (undefined when there were no requests). */
  p95Ms?: number;
  /** Share of failed requests, 0..1. */
  errorRate: number;
}

export interface Slo {
  p95Ms: number;
  errorRate: number;
  /** Share of the expected requests that must have been delivered; default 0.9. */
  minDelivered?: number;
}

export interface StageVerdict extends StageObservation {
  index: number;
  held: boolean;
  reason: string;
}

export interface KneeResult {
  /** Highest stage index that held with all lower stages holding; null when the first failed. */
  knee: number | null;
  kneeRps: number | null;
  stages: StageVerdict[];
  summary: string;
}

export function judgeStage(s: StageObservation, index: number, slo: Slo): StageVerdict {
  const minDelivered = slo.minDelivered ?? 0.9;
  const expected = s.targetRps * s.seconds;
  const problems: string[] = [];
  if (!(s.requests >= minDelivered * expected)) {
    problems.push(`delivered ${s.requests} of ${fmt(expected, 0)} requests (load generator short of VUs, or responses too slow)`);
  }
  if (s.p95Ms === undefined || !Number.isFinite(s.p95Ms)) problems.push('no latency measured');
  else if (s.p95Ms > slo.p95Ms) problems.push(`p95 ${fmt(s.p95Ms)} ms > ${slo.p95Ms} ms`);
  if (!(s.errorRate <= slo.errorRate)) problems.push(`errors ${fmt(s.errorRate * 100, 2)} % > ${fmt(slo.errorRate * 100, 2)} %`);
  const held = problems.length === 0;
  const reason = held
    ? `p95 ${fmt(s.p95Ms ?? 0)} ms, errors ${fmt(s.errorRate * 100, 2)} %, ${s.requests} requests`
    : problems.join('; ');
  return { ...s, index, held, reason };
}

/** Judges every stage and names the knee. Stages are in the order they ran (rising load). */
export function findKnee(stages: readonly StageObservation[], slo: Slo): KneeResult {
  const verdicts = stages.map((s, i) => judgeStage(s, i, slo));
  let knee: number | null = null;
  for (const v of verdicts) {
    if (!v.held) break;
    knee = v.index;
  }
  const kneeRps = knee === null ? null : (verdicts[knee] as StageVerdict).targetRps;
  const firstFail = verdicts.find((v) => !v.held);
  const summary =
    knee === null
      ? verdicts.length === 0
        ? 'no stages measured'
        : `no stage held the SLO (p95 ≤ ${slo.p95Ms} ms, errors ≤ ${fmt(slo.errorRate * 100, 2)} %): stage 1 at ${verdicts[0]?.targetRps} rps: ${verdicts[0]?.reason}`
      : firstFail
        ? `knee at stage ${knee + 1} (${kneeRps} rps); stage ${firstFail.index + 1} (${firstFail.targetRps} rps) broke the SLO: ${firstFail.reason}`
        : `all ${verdicts.length} stages held the SLO; the knee is above ${kneeRps} rps (the highest stage run)`;
  return { knee, kneeRps, stages: verdicts, summary };
}
