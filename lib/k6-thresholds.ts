// k6 threshold syntax, as plain data: `metric{tag:value,...}` keys and `<aggregation> <op>
// <number>` expressions. One parser for the summary converters (which show the value a
// threshold was judged on), the bundle tests (which reject malformed options) and the test
// emulator (which evaluates thresholds the way k6 does). Engine-agnostic and pure.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdKey {
  metric: string;
  /** Tag filter of a sub-metric, e.g. { rule: 'ratelimit.enforced-per-key' }; {} for none. */
  tags: Record<string, string>;
}

export interface ThresholdExpression {
  /** 'count', 'rate', 'value', 'avg', 'min', 'max', 'med' or 'p(N)'. */
  aggregation: string;
  op: ThresholdOp;
  value: number;
  source: string;
}

// k6's metric name rule (metrics.ParseMetricName): letters, digits, _ and a few symbols, 1..128.
const METRIC_NAME = /^[A-Za-z0-9_.!?/&#()<>%-]{1,128}$/;
const EXPRESSION = /^\s*(count|rate|value|avg|min|max|med|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/;

/** Parses `name` or `name{k:v,k2:v2}` as k6 does (values may be quoted). Throws a readable Error. */
export function parseThresholdKey(key: string): ThresholdKey {
  const brace = key.indexOf('{');
  const metric = brace === -1 ? key : key.slice(0, brace);
  if (!METRIC_NAME.test(metric)) throw new Error(`threshold key '${key}': '${metric}' is not a valid metric name`);
  if (brace === -1) return { metric, tags: {} };
  if (!key.endsWith('}')) throw new Error(`threshold key '${key}': missing closing '}' (format: metric{tag:value})`);
  const body = key.slice(brace + 1, -1);
  const tags: Record<string, string> = {};
  for (const pair of body.split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1) throw new Error(`threshold key '${key}': '${pair.trim()}' is not tag:value`);
    const k = unquote(pair.slice(0, colon));
    const v = unquote(pair.slice(colon + 1));
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) throw new Error(`threshold key '${key}': bad tag name '${k}'`);
    if (v === '' || /[{}]/.test(v)) throw new Error(`threshold key '${key}': bad value for tag '${k}'`);
    if (Object.hasOwn(tags, k)) throw new Error(`threshold key '${key}': tag '${k}' given twice`);
    tags[k] = v;
  }
  return { metric, tags };
}

function unquote(s: string): string {
  return s.trim().replace(/^["']|["']$/g, '');
}

/** Parses a threshold expression such as 'rate==1', 'count==0', 'p(95)<300'. Throws a readable Error. */
export function parseThresholdExpression(source: string): ThresholdExpression {
  const m = EXPRESSION.exec(source);
  if (!m) {
    throw new Error(
      `threshold '${source}' is not '<aggregation> <op> <number>' (aggregation count|rate|value|avg|min|max|med|p(N), op < <= > >= == === !=)`,
    );
  }
  const pct = m[2];
  if (pct !== undefined && !(Number(pct) >= 0 && Number(pct) <= 100)) throw new Error(`threshold '${source}': percentile must be within 0..100`);
  const aggregation = pct !== undefined ? `p(${Number(pct)})` : (m[1] as string);
  return { aggregation, op: m[3] as ThresholdOp, value: Number(m[4]), source };
}

export function compare(actual: number, op: ThresholdOp, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** The value a threshold is judged on, from a k6 summary `values` record (k6 names: 'p(95)', 'rate', ...). */
export function aggregateValue(values: Readonly<Record<string, number>>, aggregation: string): number | undefined {
  const v = values[aggregation];
  return typeof v === 'number' ? v : undefined;
}

/** A threshold entry in options: a string or { threshold, abortOnFail?, delayAbortEval? }. */
export type ThresholdEntry = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export function thresholdSource(entry: ThresholdEntry): string {
  return typeof entry === 'string' ? entry : entry.threshold;
}
