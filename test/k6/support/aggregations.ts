// Which aggregations k6 offers per metric type: only the tests' k6 options checker and the
// emulator's threshold evaluation need it (the harness itself never validates thresholds).
import type { MetricType } from '../../../lib/k6-thresholds';

/** Aggregations k6 offers per metric type. */
export const AGGREGATIONS: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med'], // plus p(N)
};

/** Whether `aggregation` is offered by metrics of `type` (p(N) only for trends). */
export function aggregationFits(aggregation: string, type: MetricType): boolean {
  if (aggregation.startsWith('p(')) return type === 'trend';
  return AGGREGATIONS[type].includes(aggregation);
}

