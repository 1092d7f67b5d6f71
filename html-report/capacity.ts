// The capacity section: latency and error rate against offered load per stage, the SLO, and
// the knee (the highest stage that held with every stage below holding: lib/capacity.ts).
import { html, num, type Html } from './html';
import { arrOf, isRec, metric, numOr, strOr, type Part, type ScenarioSummary } from './inputs';
import { badge, dataTable, notRun, notes, runLine, section, thresholdTable, verdictOf } from './parts';
import { lineChart, type LineSeries } from './svg';

interface Stage {
  index: number;
  targetRps: number;
  requests: number;
  seconds: number;
  p95Ms?: number;
  p50Ms?: number;
  p99Ms?: number;
  errorRate: number;
  held: boolean;
  reason: string;
}

function stagesOf(s: ScenarioSummary): Stage[] {
  return arrOf(s.details.stages)
    .filter(isRec)
    .map((x, i) => {
      const n = numOr(x.index, i)! + 1;
      const st: Stage = {
        index: n - 1,
        targetRps: numOr(x.targetRps, 0)!,
        requests: numOr(x.requests, 0)!,
        seconds: numOr(x.seconds, 0)!,
        errorRate: numOr(x.errorRate, 0)!,
        held: x.held === true,
        reason: strOr(x.reason, '')!,
      };
      const p95 = numOr(x.p95Ms);
      if (p95 !== undefined) st.p95Ms = p95;
      // The per-stage Trend carries the other percentiles (scenarios/lib/mix.ts plateau_<n>_duration).
      const p50 = metric(s, `plateau_${n}_duration`, 'med');
      const p99 = metric(s, `plateau_${n}_duration`, 'p(99)');
      if (p50 !== undefined) st.p50Ms = p50;
      if (p99 !== undefined) st.p99Ms = p99;
      return st;
    });
}

export function capacitySection(p: Part<ScenarioSummary>): Html {
  if (!p.ok) return notRun('capacity', 'Capacity', p.reason);
  const s = p.data;
  const stages = stagesOf(s);
  const slo = isRec(s.details.slo) ? s.details.slo : {};
  const sloP95 = numOr(slo.p95Ms);
  const sloErr = numOr(slo.errorRate);
  const kneeRps = numOr(s.details.kneeRps);
  const withLatency = stages.filter((x) => x.p95Ms !== undefined);
  const series: LineSeries[] = [
    { key: 'p95', name: 'p95 latency (ms)', color: '#1d3557', axis: 'left', points: withLatency.map((x) => ({ x: x.targetRps, y: x.p95Ms!, note: x.held ? 'held' : 'broke the SLO', hollow: !x.held })) },
  ];
  const p50 = stages.filter((x) => x.p50Ms !== undefined);
  if (p50.length) series.push({ key: 'p50', name: 'p50 latency (ms)', color: '#8ab6d6', axis: 'left', points: p50.map((x) => ({ x: x.targetRps, y: x.p50Ms! })) });
  series.push({ key: 'errors', name: 'error rate (%)', color: '#e63946', axis: 'right', points: stages.map((x) => ({ x: x.targetRps, y: x.errorRate * 100 })) });
  // Scaled to the data, not the SLO: far below it, the SLO line would flatten every latency to zero.
  const maxP = Math.max(0, ...stages.flatMap((x) => [x.p95Ms ?? 0, x.p50Ms ?? 0]));
  const sloOnScale = sloP95 !== undefined && sloP95 <= 2 * maxP;
  const allHeld = stages.length > 0 && stages.every((x) => x.held);
  const chart =
    stages.length > 0
      ? lineChart({
          id: 'capacity-knee',
          title: 'Latency and error rate against offered load',
          xLabel: 'offered load (requests per second, stage target)',
          leftLabel: 'latency, ms',
          rightLabel: 'error rate, %',
          series,
          markers: kneeRps !== undefined ? [{ x: kneeRps, label: allHeld ? `knee ≥ ${num(kneeRps)} rps (every stage held)` : `knee ${num(kneeRps)} rps` }] : [],
          lines: [...(sloP95 !== undefined && sloOnScale ? [{ y: sloP95, axis: 'left' as const, label: `SLO p95 ${num(sloP95)} ms`, color: '#1d3557' }] : []), ...(sloErr !== undefined ? [{ y: sloErr * 100, axis: 'right' as const, label: `SLO errors ${num(sloErr * 100, 2)} %`, color: '#e63946' }] : [])],
          rightFormat: (v) => num(v, 2),
        })
      : html`<p class="not-run">No stages in this summary.</p>`;
  const knee = stages.length === 0 ? 'no stages measured' : kneeRps !== undefined ? `knee at ${num(kneeRps)} rps (stage ${num(numOr(s.details.knee))})` : 'no stage held the SLO: no knee';
  const kneeNote = s.notes.find((n) => n.startsWith('knee:'));
  return section(
    'capacity',
    'Capacity',
    verdictOf(s),
    html`${runLine(p)}<p class="knee"><strong>${knee}</strong>${kneeNote ? html` — ${kneeNote.replace(/^knee: /, '')}` : ''}</p>${chart}
<p class="caption">${sloP95 !== undefined && !sloOnScale ? `The p95 SLO (${num(sloP95)} ms) is far above every stage's latency and off this scale. ` : ''}Hollow points broke the SLO (p95 ≤ ${num(sloP95)} ms, errors ≤ ${num((sloErr ?? 0) * 100, 2)} %, ≥ 90 % of the stage's requests delivered); the knee is the highest stage that held with every stage below it holding.</p>
${dataTable('per-stage numbers', ['stage', 'offered rps', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'errors %', 'verdict'], stages.map((x) => [x.index + 1, x.targetRps, x.requests, num(x.p50Ms), num(x.p95Ms), num(x.p99Ms), num(x.errorRate * 100, 2), x.held ? 'held' : `broke: ${x.reason}`]))}
<table class="facts"><thead><tr><th>stage</th><th>offered</th><th>verdict</th></tr></thead><tbody>${stages.map((x) => html`<tr><td>${x.index + 1}</td><td>${x.targetRps} rps</td><td>${badge(x.held ? 'pass' : 'fail', x.held ? 'held' : 'broke')} ${x.reason}</td></tr>`)}</tbody></table>
${thresholdTable(s)}${notes(s)}`,
  );
}
