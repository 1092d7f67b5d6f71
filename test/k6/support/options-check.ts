// A validator for k6 options as the harness uses them: known executors with their required
// fields and k6's types (integers where k6 has int64), durations k6 can parse, `exec` naming an
// exported function, thresholds on metrics the script defines or k6 provides, with well-formed
// tag filters and expressions whose aggregation fits the metric type. Returns every problem as
// a readable message ([] = valid). Stricter than k6 on unknown fields: those are usually typos.
import { parseThresholdExpression, parseThresholdKey, type MetricType } from '../../../lib/k6-thresholds';
import { aggregationFits } from './aggregations';
import { BUILTIN_METRICS } from './aggregate';

// Go's time.ParseDuration grammar (what k6 uses for duration strings), plus k6's 'd'.
const GO_DURATION = /^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+)$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a k6 duration string; throws on anything k6 would reject. */
export function parseK6Duration(text: string): number {
  if (typeof text !== 'string' || !GO_DURATION.test(text)) throw new Error(`'${String(text)}' is not a k6 duration (e.g. 500ms, 10s, 1m30s)`);
  if (text === '0') return 0;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return ms;
}

type FieldKind = 'posInt' | 'nonNegInt' | 'duration' | 'posDuration' | 'string' | 'stages' | 'stringMap';

const COMMON: Record<string, FieldKind> = { executor: 'string', exec: 'string', startTime: 'duration', gracefulStop: 'duration', env: 'stringMap', tags: 'stringMap' };

/** Per executor: required and optional fields with their kinds. */
export const EXECUTORS: Record<string, { required: Record<string, FieldKind>; optional: Record<string, FieldKind> }> = {
  'shared-iterations': { required: {}, optional: { vus: 'posInt', iterations: 'posInt', maxDuration: 'posDuration' } },
  'per-vu-iterations': { required: {}, optional: { vus: 'posInt', iterations: 'posInt', maxDuration: 'posDuration' } },
  'constant-vus': { required: { duration: 'posDuration' }, optional: { vus: 'posInt' } },
  'ramping-vus': { required: { stages: 'stages' }, optional: { startVUs: 'nonNegInt', gracefulRampDown: 'duration' } },
  'constant-arrival-rate': { required: { rate: 'posInt', duration: 'posDuration', preAllocatedVUs: 'nonNegInt' }, optional: { timeUnit: 'posDuration', maxVUs: 'nonNegInt' } },
  'ramping-arrival-rate': { required: { stages: 'stages', preAllocatedVUs: 'nonNegInt' }, optional: { startRate: 'nonNegInt', timeUnit: 'posDuration', maxVUs: 'nonNegInt' } },
};

const TOP_LEVEL = new Set([
  'scenarios', 'thresholds', 'summaryTrendStats', 'summaryTimeUnit', 'setupTimeout', 'teardownTimeout', 'handleSummaryTimeout',
  'discardResponseBodies', 'noConnectionReuse', 'noVUConnectionReuse', 'userAgent', 'tags', 'insecureSkipTLSVerify', 'hosts', 'dns',
  'batch', 'batchPerHost', 'maxRedirects', 'minIterationDuration', 'throw', 'systemTags', 'noCookiesReset', 'blockHostnames',
]);
const SHORTCUTS = new Set(['vus', 'duration', 'iterations', 'stages']);
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;
const TREND_STAT = /^(avg|min|med|max|count|p\(\d+(\.\d+)?\))$/;
/** Options k6 reads from the command line or environment only: in script options they are silently ignored. */
const NOT_FROM_SCRIPT: Record<string, string> = {
  localIPs: "k6 ignores it in script options (lib/options.go: LocalIPs is json:\"-\"); set K6_LOCAL_IPS in k6's environment or pass --local-ips",
};

export interface ScriptFacts {
  /** Names of the functions the module exports. */
  exports: readonly string[];
  /** Metrics the script creates (name -> type). */
  metrics: ReadonlyMap<string, MetricType>;
}

function checkField(where: string, kind: FieldKind, v: unknown, problems: string[]): void {
  const isInt = typeof v === 'number' && Number.isInteger(v);
  switch (kind) {
    case 'posInt':
      if (!(isInt && (v as number) > 0)) problems.push(`${where} must be a positive integer (k6 reads it as int64), got ${JSON.stringify(v)}`);
      return;
    case 'nonNegInt':
      if (!(isInt && (v as number) >= 0)) problems.push(`${where} must be a non-negative integer, got ${JSON.stringify(v)}`);
      return;
    case 'duration':
    case 'posDuration':
      try {
        const ms = parseK6Duration(v as string);
        if (kind === 'posDuration' && !(ms > 0)) problems.push(`${where} must be a positive duration, got ${JSON.stringify(v)}`);
      } catch (e) {
        problems.push(`${where}: ${(e as Error).message}`);
      }
      return;
    case 'string':
      if (typeof v !== 'string' || v === '') problems.push(`${where} must be a non-empty string`);
      return;
    case 'stringMap':
      if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string')) problems.push(`${where} must map names to strings`);
      return;
    case 'stages':
      if (!Array.isArray(v) || v.length === 0) {
        problems.push(`${where} must be a non-empty array of { duration, target }`);
        return;
      }
      v.forEach((st: unknown, i) => {
        const s = st as Record<string, unknown>;
        if (typeof s !== 'object' || s === null) return problems.push(`${where}[${i}] must be an object`);
        for (const k of Object.keys(s)) if (k !== 'duration' && k !== 'target') problems.push(`${where}[${i}]: unknown field '${k}'`);
        checkField(`${where}[${i}].duration`, 'duration', s.duration, problems);
        checkField(`${where}[${i}].target`, 'nonNegInt', s.target, problems);
      });
      return;
  }
}

export function checkScenario(name: string, sc: unknown, facts: ScriptFacts, problems: string[]): void {
  const where = `scenarios.${name}`;
  if (!SCENARIO_NAME.test(name)) problems.push(`${where}: scenario names may only contain letters, digits, '_' and '-'`);
  if (typeof sc !== 'object' || sc === null) {
    problems.push(`${where} must be an object`);
    return;
  }
  const s = sc as Record<string, unknown>;
  const executor = s.executor;
  const spec = typeof executor === 'string' ? EXECUTORS[executor] : undefined;
  if (!spec) {
    problems.push(`${where}.executor: unknown executor ${JSON.stringify(executor)} (known: ${Object.keys(EXECUTORS).join(', ')})`);
    return;
  }
  for (const [field, kind] of Object.entries(spec.required)) {
    if (s[field] === undefined) problems.push(`${where}: executor '${executor}' requires '${field}'`);
    else checkField(`${where}.${field}`, kind, s[field], problems);
  }
  for (const [field, v] of Object.entries(s)) {
    if (field in spec.required) continue;
    const kind = spec.optional[field] ?? COMMON[field];
    if (!kind) problems.push(`${where}: unknown field '${field}' for executor '${executor}'`);
    else if (field !== 'executor') checkField(`${where}.${field}`, kind, v, problems);
  }
  const exec = (s.exec as string | undefined) ?? 'default';
  if (!facts.exports.includes(exec)) problems.push(`${where}.exec: the script exports no function '${exec}'`);
  if (executor === 'shared-iterations' && typeof s.iterations === 'number' && typeof s.vus === 'number' && s.iterations < s.vus) {
    problems.push(`${where}: shared-iterations needs iterations >= vus`);
  }
  if (typeof s.maxVUs === 'number' && typeof s.preAllocatedVUs === 'number' && s.maxVUs < s.preAllocatedVUs) {
    problems.push(`${where}: maxVUs (${s.maxVUs}) is below preAllocatedVUs (${s.preAllocatedVUs})`);
  }
}

function metricType(name: string, facts: ScriptFacts): MetricType | undefined {
  return facts.metrics.get(name) ?? BUILTIN_METRICS[name]?.type;
}

export function checkThresholds(thresholds: unknown, facts: ScriptFacts, problems: string[]): void {
  if (typeof thresholds !== 'object' || thresholds === null) {
    problems.push('thresholds must be an object');
    return;
  }
  for (const [key, entries] of Object.entries(thresholds)) {
    let parsed;
    try {
      parsed = parseThresholdKey(key);
    } catch (e) {
      problems.push(`thresholds: ${(e as Error).message}`);
      continue;
    }
    const type = metricType(parsed.metric, facts);
    if (!type) problems.push(`thresholds['${key}']: metric '${parsed.metric}' is neither defined by the script nor built into k6`);
    if (!Array.isArray(entries) || entries.length === 0) {
      problems.push(`thresholds['${key}'] must be a non-empty array`);
      continue;
    }
    for (const entry of entries as unknown[]) {
      let source: unknown = entry;
      if (typeof entry === 'object' && entry !== null) {
        const e = entry as Record<string, unknown>;
        for (const k of Object.keys(e)) if (!['threshold', 'abortOnFail', 'delayAbortEval'].includes(k)) problems.push(`thresholds['${key}']: unknown field '${k}'`);
        if (e.abortOnFail !== undefined && typeof e.abortOnFail !== 'boolean') problems.push(`thresholds['${key}'].abortOnFail must be a boolean`);
        if (e.delayAbortEval !== undefined) checkField(`thresholds['${key}'].delayAbortEval`, 'duration', e.delayAbortEval, problems);
        source = e.threshold;
      }
      if (typeof source !== 'string') {
        problems.push(`thresholds['${key}']: each entry is a string or { threshold: string, ... }`);
        continue;
      }
      try {
        const expr = parseThresholdExpression(source);
        if (type && !aggregationFits(expr.aggregation, type)) problems.push(`thresholds['${key}']: '${expr.aggregation}' does not apply to ${type} metric '${parsed.metric}'`);
      } catch (e) {
        problems.push(`thresholds['${key}']: ${(e as Error).message}`);
      }
    }
  }
}

/** All problems with a k6 options object for a script with the given exports and metrics. */
export function checkOptions(options: unknown, facts: ScriptFacts): string[] {
  const problems: string[] = [];
  if (typeof options !== 'object' || options === null) return ['options must be an object'];
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (SHORTCUTS.has(k)) problems.push(`options.${k}: use scenarios, not the ${k} shortcut`);
    else if (NOT_FROM_SCRIPT[k]) problems.push(`options.${k}: ${NOT_FROM_SCRIPT[k]}`);
    else if (!TOP_LEVEL.has(k)) problems.push(`options.${k}: unknown option`);
  }
  if (typeof o.scenarios !== 'object' || o.scenarios === null || Object.keys(o.scenarios).length === 0) problems.push('options.scenarios: at least one scenario is required');
  else for (const [name, sc] of Object.entries(o.scenarios)) checkScenario(name, sc, facts, problems);
  if (o.thresholds === undefined) problems.push('options.thresholds: none defined, so `k6 run` cannot fail on a broken rule');
  else checkThresholds(o.thresholds, facts, problems);
  if (o.summaryTrendStats !== undefined) {
    if (!Array.isArray(o.summaryTrendStats) || o.summaryTrendStats.some((s) => typeof s !== 'string' || !TREND_STAT.test(s))) problems.push(`options.summaryTrendStats: each stat is avg, min, med, max, count or p(N)`);
  }
  for (const k of ['setupTimeout', 'teardownTimeout', 'handleSummaryTimeout']) if (o[k] !== undefined) checkField(`options.${k}`, 'posDuration', o[k], problems);
  return problems;
}
