// The request mix shared by capacity, soak and spike: one request per iteration, operation from
// a repeating table (plan.ops), key round-robin over the pool by the test-wide iteration number
// (so each key carries 1/pool of the rate). Bodies are discarded except for sampled iterations,
// which are schema-validated, and POST /v1/runs, whose id later GETs use. Latency and errors are
// also recorded per plateau (plateau_<n>_duration / plateau_<n>_failed) for the knee.
import http from 'k6/http';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import { findKnee, judgeStage, type StageObservation } from '../../lib/capacity';
import { keyIndexForIteration } from '../../lib/ratelimit';
// The envelope checks only, not the whole registry: the load bundles stay small.
import { SUCCESS } from '../../lib/checks/contract-data';
import { envelopeCollection, envelopeSingleResource } from '../../lib/checks/envelope';
import { subjectOf } from '../../lib/checks/response';
import { contractSettings } from '../../lib/checks/settings';
import type { CheckedRequest, ResponseCheck } from '../../lib/checks/types';
import type { K6SummaryData } from '../../lib/k6-summary';
import type { RundunConfig } from './config';
import { checkedOf, keyParams, makeLogger, recordRule } from './k6';
import { thisInstance } from './instance';
import { withPacing } from './unprovoked-429';
import type { LoadPlan, Op } from './plan-load';
import { metricValue, summaryFiles } from './summary';
import { sampled } from './sampling';

export interface MixData {
  templateIds: string[];
}

const NAMES: Record<Op, string> = {
  listTemplates: 'GET /v1/templates',
  getTemplate: 'GET /v1/templates/{id}',
  listRuns: 'GET /v1/runs',
  createRun: 'POST /v1/runs',
  getRun: 'GET /v1/runs/{id}',
};
const SETTINGS = contractSettings();
const ENVELOPES: ReadonlyMap<string, ResponseCheck> = new Map([envelopeCollection, envelopeSingleResource].map((c) => [c.rule, c]));
/** Per operation: the status and envelope rule a sampled response is judged by (contract.operations[].success). */
const SAMPLED: Record<Op, { status: number; check: ResponseCheck; req: CheckedRequest }> = {
  listTemplates: sampledSpec('listTemplates'),
  getTemplate: sampledSpec('getTemplate'),
  listRuns: sampledSpec('listRuns'),
  createRun: sampledSpec('createRun'),
  getRun: sampledSpec('getRun'),
};

function sampledSpec(op: Op): { status: number; check: ResponseCheck; req: CheckedRequest } {
  const success = SUCCESS.get(op);
  const check = success && ENVELOPES.get(success.rule);
  if (!success || !check) throw new Error(`mix: the contract has no success schema and rule for operation ${op}`);
  const [method, path] = NAMES[op].split(' ') as [string, string];
  // The envelope rules read the response and the operation only: no keys are needed here.
  return { status: success.status, check, req: { method, path, operation: op, presentedKeys: [] } };
}
const MAX_REMEMBERED_RUNS = 32;

type Res = RefinedResponse<ResponseType | undefined>;

export interface Load {
  setup(): MixData;
  iteration(data: MixData): void;
  handleSummary(data: K6SummaryData): Record<string, string>;
}

/** Call at init (metrics can only be created there). */
export function createLoad(cfg: RundunConfig, plan: LoadPlan): Load {
  const base = cfg.target.baseUrl;
  const log = makeLogger(cfg, plan.kind);
  const plateauDuration = plan.plateaus.map((_, i) => new Trend(`plateau_${i + 1}_duration`, true));
  const plateauFailed = plan.plateaus.map((_, i) => new Rate(`plateau_${i + 1}_failed`));
  const throttled = new Counter('throttled_requests');
  // The share of the stated rates this instance carries; handleSummary judges the stages against
  // it (1 when not split). Not the segment's length: k6 re-segments an arrival-rate executor on
  // its maxVUs (GetNewExecutionTupleFromValue), so the share is that tuple's.
  const instanceShare = new Gauge('rundun_instance_share');
  let sharePublished = false;
  const throttledTags = { rule: 'load.key-pool-sufficient' };
  const listTemplateUrls = [1, 2, 3].map((p) => `${base}/templates?per_page=20&page=${p}`);
  const listRunsUrl = `${base}/runs?per_page=10`;
  // VU-local caches: built on first use, reused for every later request.
  const paramsCache = new Map<string, Params>();
  const created: string[] = [];
  let templateUrls: string[] | null = null;
  let runBodies: string[] | null = null;

  function params(ki: number, op: Op, text: boolean): Params {
    const id = `${ki}|${op}|${text ? 't' : 'n'}`;
    let p = paramsCache.get(id);
    if (p === undefined) {
      p = keyParams(plan.pool[ki] as NonNullable<(typeof plan.pool)[number]>, NAMES[op], text ? 'text' : 'none');
      if (op === 'createRun') p.headers = { ...p.headers, 'Content-Type': 'application/json' };
      paramsCache.set(id, p);
    }
    return p;
  }

  function plateauAt(elapsedMs: number): number {
    for (let i = 0; i < plan.plateaus.length; i++) {
      const p = plan.plateaus[i] as (typeof plan.plateaus)[number];
      if (elapsedMs >= p.fromMs && elapsedMs < p.toMs) return i;
    }
    return -1;
  }

  /** The sampled response's envelope rule: the success status and schema of its operation. */
  function validateSampled(op: Op, res: Res): void {
    const spec = SAMPLED[op];
    if (res.status !== spec.status) {
      recordRule(spec.check.rule, false);
      return;
    }
    const s = subjectOf(checkedOf(res), spec.req, SETTINGS);
    recordRule(spec.check.rule, spec.check.applies(s) && spec.check.check(s) === null);
  }

  return {
    setup(): MixData {
      const first = plan.pool[0] as NonNullable<(typeof plan.pool)[number]>;
      // An earlier run may have left this key throttled: wait that out, it is not this run's to judge.
      const res = withPacing(() => http.get(`${base}/templates?per_page=100`, keyParams(first, 'GET /v1/templates (setup)', 'text')), 'setup: GET /v1/templates', log);
      let ids: string[] = [];
      try {
        ids = ((JSON.parse(String(res.body)) as { data: Array<{ id: string }> }).data ?? []).map((t) => t.id);
      } catch {
        ids = [];
      }
      if (res.status !== 200 || ids.length === 0) throw new Error(`rundun ${plan.kind}: setup could not list templates (status ${res.status}); nothing to load-test`);
      recordRule('load.key-pool-sufficient', true);
      log(`${'load.key-pool-sufficient'}: ${plan.poolNote}`);
      if (plan.vus.warning) log(plan.vus.warning);
      return { templateIds: ids };
    },

    iteration(data: MixData): void {
      if (!sharePublished) {
        instanceShare.add(thisInstance().withValue(plan.vus.maxVUs)?.fraction ?? 0);
        sharePublished = true;
      }
      const n = exec.scenario.iterationInTest;
      const ki = keyIndexForIteration(plan.pool.length, n);
      let op = plan.ops[n % plan.ops.length] as Op;
      if (op === 'getRun' && created.length === 0) op = 'listRuns';
      const check = sampled(n, plan.sampleEvery);
      let res: Res;
      switch (op) {
        case 'listTemplates':
          res = http.get(listTemplateUrls[n % listTemplateUrls.length] as string, params(ki, op, check));
          break;
        case 'getTemplate':
          if (templateUrls === null) templateUrls = data.templateIds.map((id) => `${base}/templates/${id}`);
          res = http.get(templateUrls[n % templateUrls.length] as string, params(ki, op, check));
          break;
        case 'listRuns':
          res = http.get(listRunsUrl, params(ki, op, check));
          break;
        case 'getRun':
          res = http.get(`${base}/runs/${created[n % created.length]}`, params(ki, op, check));
          break;
        case 'createRun': {
          if (runBodies === null) runBodies = data.templateIds.map((id) => JSON.stringify({ template_id: id, expires_in_hours: 1 }));
          res = http.post(`${base}/runs`, runBodies[n % runBodies.length] as string, params(ki, op, true));
          if (res.status === 201) {
            try {
              const id = (JSON.parse(String(res.body)) as { id?: unknown }).id;
              if (typeof id === 'string') {
                created.push(id);
                if (created.length > MAX_REMEMBERED_RUNS) created.shift();
              }
            } catch {
              // Reported by validation when sampled; the run id is just not reused.
            }
          }
          break;
        }
      }
      if (check) validateSampled(op, res);
      if (res.status === 429) throttled.add(1, throttledTags);
      const p = plateauAt(Date.now() - exec.scenario.startTime);
      if (p >= 0) {
        (plateauDuration[p] as Trend).add(res.timings.duration);
        (plateauFailed[p] as Rate).add(res.status < 200 || res.status >= 400);
      }
    },

    handleSummary(data: K6SummaryData): Record<string, string> {
      const share = metricValue(data, 'rundun_instance_share', 'value') ?? 1;
      const stages: StageObservation[] = plan.plateaus.map((p, i) => {
        const failed = data.metrics[`plateau_${i + 1}_failed`]?.values;
        return {
          // A split run's instance is judged on the share of each stage it carried.
          targetRps: p.rps * share,
          seconds: (p.toMs - p.fromMs) / 1000,
          requests: metricValue(data, `plateau_${i + 1}_duration`, 'count') ?? 0,
          p95Ms: metricValue(data, `plateau_${i + 1}_duration`, 'p(95)'),
          errorRate: failed?.rate ?? 0,
        };
      });
      const notes = [
        ...(share < 1 ? [`this instance carried ${Number((share * 100).toFixed(2))} % of every stated rate (execution segment); stages judged against that share; merge the instances' summaries for the whole (npm run merge)`] : []),
        `key pool: ${plan.pool.length} keys; ${plan.poolNote}`, `VUs: ${plan.vus.preAllocatedVUs} pre-allocated, up to ${plan.vus.maxVUs}${plan.vus.warning ? `: ${plan.vus.warning}` : ''}`];
      let details: Record<string, unknown>;
      if (plan.kind === 'capacity') {
        const knee = findKnee(stages, plan.slo);
        notes.push(`knee: ${knee.summary}`);
        for (const s of knee.stages) notes.push(`  stage ${s.index + 1} at ${s.targetRps} rps: ${s.held ? 'held' : 'broke'}: ${s.reason}`);
        details = { knee: knee.knee === null ? null : knee.knee + 1, kneeRps: knee.kneeRps, stages: knee.stages, slo: plan.slo };
      } else {
        const verdicts = stages.map((s, i) => ({ label: (plan.plateaus[i] as (typeof plan.plateaus)[number]).label, ...judgeStage(s, i, plan.slo) }));
        for (const v of verdicts) notes.push(`  ${v.label} at ${v.targetRps} rps: ${v.held ? 'held' : 'broke'}: ${v.reason}`);
        details = { plateaus: verdicts, slo: plan.slo };
      }
      return summaryFiles(plan.kind, cfg, data, {
        notes,
        details: { ...details, pool: plan.pool.length, peakRps: plan.peakRps, writeShare: plan.writeShare },
        metrics: ['http_reqs', 'http_req_duration', 'http_req_failed', 'iterations', 'dropped_iterations', 'throttled_requests'],
      });
    },
  };
}
